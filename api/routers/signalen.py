"""Signals: the way into a case file, and the way back into a closed one."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request, Response

from api.deps import CasusId
from api.middleware import zet_logveld
from api.opdracht import OPENAPI, OpdrachtDep
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX, dossierlinks
from api.schemas.antwoorden import CommandoAntwoord
from application.resultaat import Resultaat
from domain.opdrachten import SIGNAAL, SignaalOpDossierVerzoek, SignaalVerzoek

router = APIRouter(prefix=API_PREFIX, tags=["signalen"])


def beantwoord(request: Request, resultaat: Resultaat) -> Response:
    """The service's own answer (so a field it adds, e.g. `positie`, reaches the client)
    with its status (201), and the file's ETag and Location.

    Written here as JSON, not through `response_model`, which would validate the answer
    again; the routes still declare `CommandoAntwoord`, and tests/e2e hold the answers
    to it.

    Command routes are `async def`: the command's steps run on the event loop and only
    its save is awaited (the storage port, application/poorten.py), instead of a hand-off
    to the thread pool and back per request (bench.plafond measures both, bench/README.md)."""
    body = resultaat.antwoord()
    # Written out rather than `request.url_for`, which walks every route of the app;
    # tests/e2e/test_route.py holds it to that route.
    plek = f"{request.scope.get('root_path', '')}{API_PREFIX}/casussen/{body['casus_id']}"
    koppen = {"Location": plek}
    if resultaat.toon_versie:  # the version only for whoever may read the file
        koppen["ETag"] = f'"{resultaat.versie}"'
    antwoord = Response(
        orjson.dumps(body),
        status_code=resultaat.status,
        media_type="application/json",
        headers=koppen,
    )
    zet_logveld(request, casus_id=body["casus_id"])
    return antwoord


@router.post(
    "/signalen",
    status_code=201,
    response_model=CommandoAntwoord,
    response_model_exclude_none=True,
    summary=SIGNAAL.samenvatting,
    description=(
        "Gaat naar het dossier van het onderwerp (een gesloten dossier wordt heropend) en "
        "verandert het onderwerp van een bestaand dossier niet. Altijd 201. Wie het dossier "
        "mag lezen, krijgt ook `versie` en `nieuw` (en een `ETag`); voor ieder ander is het "
        "antwoord hetzelfde, wat de stand van het dossier ook is. `If-Match` mag alleen wie "
        "het dossier mag lezen (anders 403)."
    ),
    responses=dossierlinks() | fout_antwoorden(401, 403, 404, 409, 412, 413, 422, 503),
    openapi_extra=OPENAPI,
)
async def meld_signaal(
    verzoek: SignaalVerzoek,
    request: Request,
    opdracht: OpdrachtDep,
) -> Response:
    service = opdracht.service
    resultaat = await service.asynchroon(
        service.meld_signaal_stappen(opdracht.actor, verzoek, **opdracht.opties())
    )
    return beantwoord(request, resultaat)


@router.post(
    "/casussen/{casus_id}/signalen",
    status_code=201,
    response_model=CommandoAntwoord,
    response_model_exclude_none=True,
    summary="Signaal op een bekend dossier / Report a concern on a known file",
    responses=dossierlinks() | fout_antwoorden(401, 404, 409, 412, 413, 422, 503),
    openapi_extra=OPENAPI,
)
async def meld_signaal_op_dossier(
    casus_id: CasusId,
    verzoek: SignaalOpDossierVerzoek,
    request: Request,
    opdracht: OpdrachtDep,
) -> Response:
    service = opdracht.service
    resultaat = await service.asynchroon(
        service.meld_signaal_stappen(
            opdracht.actor, verzoek, casus_id=casus_id, **opdracht.opties()
        )
    )
    return beantwoord(request, resultaat)
