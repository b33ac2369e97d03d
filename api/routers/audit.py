"""The audit trail: who changed what on a file, per file and per staff member."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.deps import App, BronDep, CasusId, CurrentUser, Views, wacht_op
from api.formaten import als_bestand, kies_formaat
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX
from api.routers.overzichten import _school
from projections import audittrail

router = APIRouter(prefix=API_PREFIX, tags=["audit"])


@router.get(
    "/casussen/{casus_id}/audittrail",
    summary="Audittrail van een dossier / Audit trail of a case file",
    description="Elke wijziging met tijdstip, gebruiker, actie en `wijzigingen` (oud/nieuw). "
    "JSON of CSV (`formaat=csv`).",
    responses=fout_antwoorden(401, 404, 422, 503),
    dependencies=[wacht_op("audittrail")],
)
def casus_trail(
    request: Request,
    casus_id: CasusId,
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    bron: BronDep,
    formaat: Literal["json", "csv"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "audittrail", bron)
    casus = service.dossier(gebruiker, casus_id)
    items = audittrail.casus_trail(runner.opslag, _school(gebruiker), str(casus_id))
    gekozen = kies_formaat(request, formaat, ("json", "csv"))
    pseudoniem = casus.pseudoniem if casus.anoniem else None
    service.poortwachter.inzage(
        gebruiker,
        "audittrail",
        [(str(casus_id), pseudoniem)],
        bron,
        "exporteren" if gekozen == "csv" else "lezen",
    )
    if gekozen == "csv":
        return als_bestand(audittrail.als_csv(items), "csv", f"audittrail-{casus_id}")
    antwoord: dict[str, Any] = {"casus_id": str(casus_id), "items": items}
    logboek = service.poortwachter.logboek
    if gebruiker.rol == "auditor" and logboek is not None:
        # For the privacy officer the trail shows who changed the file and who looked.
        antwoord["inzages"] = logboek.zoek(school=_school(gebruiker), casus_id=str(casus_id))
    return antwoord


@router.get(
    "/audittrail",
    summary="Wijzigingen per gebruiker en periode / Changes per user and period",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("audittrail")],
)
def gebruiker_trail(
    request: Request,
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    bron: BronDep,
    medewerker: Annotated[str | None, Query(alias="gebruiker", max_length=200)] = None,
    van: datetime | None = None,
    tot: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    formaat: Literal["json", "csv"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "audittrail_gebruiker", bron)
    items = audittrail.gebruiker_trail(
        runner.opslag, _school(gebruiker), medewerker, van, tot, limiet=limit
    )
    if kies_formaat(request, formaat, ("json", "csv")) == "csv":
        return als_bestand(audittrail.als_csv(items), "csv", "audittrail")
    return {"items": items}
