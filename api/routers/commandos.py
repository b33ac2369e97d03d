"""`POST /casussen/{casus_id}/<handeling>`: one route per command, generated from a table.

One explicit route (with its own body model) per command, rather than one route with a
`{handeling}` parameter, so the OpenAPI document states exactly what each one takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import CasusId
from api.opdracht import OPENAPI, OpdrachtDep
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX, dossierlinks
from api.routers.signalen import beantwoord
from api.schemas.antwoorden import CommandoAntwoord
from api.schemas.commandos import COMMANDOS
from api.schemas.velden import Verzoek

router = APIRouter(prefix=API_PREFIX, tags=["handelingen"])


def _endpoint(handeling: str, model: type[Verzoek]) -> Callable[..., Any]:
    async def uitvoeren(
        casus_id: CasusId,
        verzoek: Verzoek,
        request: Request,
        opdracht: OpdrachtDep,
    ) -> Response:
        service = opdracht.service
        resultaat = await service.asynchroon(
            service.handel_stappen(
                opdracht.actor, casus_id, handeling, verzoek.gegevens(), **opdracht.opties()
            )
        )
        return beantwoord(request, resultaat)

    # FastAPI reads the body model from the signature: give it this command's own model
    # (a closure's name in a string annotation could not be resolved).
    uitvoeren.__annotations__["verzoek"] = model
    uitvoeren.__name__ = "handeling_" + handeling.replace("-", "_")
    return uitvoeren


for _handeling, (_model, _samenvatting) in COMMANDOS.items():
    router.add_api_route(
        f"/casussen/{{casus_id}}/{_handeling}",
        _endpoint(_handeling, _model),
        methods=["POST"],
        status_code=201,
        response_model=CommandoAntwoord,
        response_model_exclude_none=True,
        summary=_samenvatting,
        operation_id="handeling_" + _handeling.replace("-", "_"),
        responses=dossierlinks() | fout_antwoorden(401, 404, 409, 412, 413, 422, 503),
        openapi_extra=OPENAPI,
    )
