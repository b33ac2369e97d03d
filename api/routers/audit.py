"""The audit trail: who changed what on a file, per file and per staff member."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request

from api.deps import App, BronDep, CasusId, CurrentUser, Views, wacht_op
from api.formaten import als_bestand, kies_formaat
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX, bestanden
from api.routers.overzichten import _school
from api.schemas.velden import Tijdstip, Zoekterm
from application.fouten import CasusNietGevonden
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from application.toegang import ziet_naam
from application.zicht import feiten_van
from projections import audittrail, casussen
from projections.runner import Projectierunner

router = APIRouter(prefix=API_PREFIX, tags=["audit"])


def tijd(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def genoemde_dossiers(
    service: Zorgroute,
    runner: Projectierunner,
    gebruiker: Gebruiker,
    items: Iterable[dict[str, Any]],
) -> list[tuple[str, str | None]]:
    """Each file these items name, once, with its pseudonym if it is anonymous now: the
    access log names an anonymous file only so. From the case list; a file that view has
    not reached yet is read from the store."""
    ids = list(dict.fromkeys(str(i["casus_id"]) for i in items if i.get("casus_id")))
    rijen = {str(r["casus_id"]): r for r in casussen.rijen(runner.opslag, _school(gebruiker), ids)}
    uitkomst: list[tuple[str, str | None]] = []
    for casus_id in ids:
        rij = rijen.get(casus_id)
        if rij is not None:
            uitkomst.append((casus_id, rij["pseudoniem"] if rij["anoniem"] else None))
            continue
        try:
            casus = service.dossier(gebruiker, UUID(casus_id))
        except (CasusNietGevonden, ValueError):
            uitkomst.append((casus_id, None))  # no file of this school: nothing to hide
            continue
        uitkomst.append((casus_id, casus.pseudoniem if casus.anoniem else None))
    return uitkomst


@router.get(
    "/casussen/{casus_id}/audittrail",
    summary="Audittrail van een dossier / Audit trail of a case file",
    description="Elke wijziging met tijdstip, gebruiker, actie en `wijzigingen` (oud/nieuw). "
    "JSON of CSV (`formaat=csv`).",
    responses=bestanden("csv") | fout_antwoorden(401, 404, 422, 503),
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
    if not ziet_naam(gebruiker, feiten_van(casus)):
        items = audittrail.zonder_plaats(items, {str(casus_id)})
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
    responses=bestanden("csv") | fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("audittrail")],
)
def gebruiker_trail(
    request: Request,
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    bron: BronDep,
    medewerker: Annotated[Zoekterm | None, Query(alias="gebruiker")] = None,
    van: Tijdstip | None = None,
    tot: Tijdstip | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    formaat: Literal["json", "csv"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "audittrail_gebruiker", bron)
    items = audittrail.gebruiker_trail(
        runner.opslag, _school(gebruiker), medewerker, van, tot, limiet=limit
    )
    gekozen = kies_formaat(request, formaat, ("json", "csv"))
    genoemd = genoemde_dossiers(service, runner, gebruiker, items)
    # What one person did, and in which files: the search and each file it names are
    # logged before the answer leaves.
    service.poortwachter.zoekopdracht(
        gebruiker,
        "audittrail_gebruiker",
        {"gebruiker": medewerker, "van": tijd(van), "tot": tijd(tot)},
        genoemd,
        bron,
        "exporteren" if gekozen == "csv" else "zoeken",
    )
    if gebruiker.rol != "zorgcoordinator":  # who sees no names sees no class beside them
        items = audittrail.zonder_plaats(items, {c for c, p in genoemd if p is not None})
    if gekozen == "csv":
        return als_bestand(audittrail.als_csv(items), "csv", "audittrail")
    return {"items": items}
