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
from domain.invoer import Verzoek
from domain.opdrachten import HANDELINGEN

router = APIRouter(prefix=API_PREFIX, tags=["handelingen"])


def _endpoint(model: type[Verzoek]) -> Callable[..., Any]:
    async def uitvoeren(
        casus_id: CasusId,
        verzoek: Verzoek,
        request: Request,
        opdracht: OpdrachtDep,
    ) -> Response:
        service = opdracht.service
        resultaat = await service.asynchroon(
            service.handel_stappen(opdracht.actor, casus_id, verzoek, **opdracht.opties())
        )
        return beantwoord(request, resultaat)

    # FastAPI reads the body model from the signature: give it this command's own model
    # (a closure's name in a string annotation could not be resolved).
    uitvoeren.__annotations__["verzoek"] = model
    uitvoeren.__name__ = _operatie(model)
    return uitvoeren


def _operatie(model: type[Verzoek]) -> str:
    return "handeling_" + model.verklaring.segment.replace("-", "_")


# Every command on a known file, from its declaration (domain/opdrachten/).
for _model in HANDELINGEN:
    router.add_api_route(
        f"/casussen/{{casus_id}}/{_model.verklaring.segment}",
        _endpoint(_model),
        methods=["POST"],
        status_code=201,
        response_model=CommandoAntwoord,
        response_model_exclude_none=True,
        summary=_model.verklaring.samenvatting,
        operation_id=_operatie(_model),
        responses=dossierlinks() | fout_antwoorden(401, 404, 409, 412, 413, 422, 503),
        openapi_extra=OPENAPI,
    )
