"""Reads of one case file: now, at a moment, at a version, and its whole history."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError

from api.deps import App, BronDep, CasusId, CurrentUser
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX
from api.schemas.antwoorden import DossierWeergave, Geschiedenis
from api.schemas.velden import Tijdstip

router = APIRouter(prefix=API_PREFIX, tags=["dossiers"])


@router.get(
    "/casussen/{casus_id}",
    name="lees_casus",
    response_model=DossierWeergave,
    # Optional subject fields (a class has no name) are absent, not null.
    response_model_exclude_unset=True,
    summary="Dossier lezen, nu of op een moment / Read a case file",
    description=(
        "Zonder parameters de actuele stand (met `ETag`). `op` (tijdstip met tijdzone) of "
        "`versie` geven de stand van toen; 404 als er toen nog niets was. Niet beide."
    ),
    responses=fout_antwoorden(401, 404, 422),
)
def lees_casus(
    casus_id: CasusId,
    response: Response,
    service: App,
    gebruiker: CurrentUser,
    bron: BronDep,
    op: Annotated[
        Tijdstip | None,
        Query(description="ISO 8601-tijdstip met tijdzone, bijv. 2025-03-01T12:00:00+01:00"),
    ] = None,
    versie: Annotated[int | None, Query(ge=1, le=10**9)] = None,
) -> dict[str, Any]:
    if op is not None and versie is not None:
        melding = "gebruik `op` of `versie`, niet allebei"
        raise RequestValidationError(
            [
                {"type": "value_error", "loc": ("query", naam), "msg": melding, "melding": melding}
                for naam in ("op", "versie")
            ]
        )
    weergave = service.lees(gebruiker, casus_id, op=op, versie=versie, bron=bron)
    if "versie" in weergave:  # not in a teacher's view of their own signals
        response.headers["ETag"] = f'"{weergave["versie"]}"'
    return weergave


@router.get(
    "/casussen/{casus_id}/geschiedenis",
    response_model=Geschiedenis,
    summary="Volledige geschiedenis van een dossier / Full history of a case file",
    responses=fout_antwoorden(401, 404, 422),
)
def geschiedenis(
    casus_id: CasusId, service: App, gebruiker: CurrentUser, bron: BronDep
) -> Response:
    weergave = service.geschiedenis(gebruiker, casus_id, bron=bron)
    # Written here, not through `response_model`: checking and re-serialising hundreds
    # of items cost more than building them. The service already gives every value in
    # its JSON form (times as pydantic writes them), so the bytes are the same;
    # tests/e2e/test_geschiedenis_json.py holds them to the model.
    return Response(orjson.dumps(weergave), media_type="application/json")
