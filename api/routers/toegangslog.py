"""The access log (NEN 7513): who looked at which file, when, in which role and why.
Reading the log is a look too: each answer is logged before it leaves."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.deps import App, BronDep, CasusId, CurrentUser, NietGereed, Views
from api.formaten import als_bestand, kies_formaat
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX, bestanden
from api.routers.audit import genoemde_dossiers, tijd
from api.routers.overzichten import _school
from api.schemas.velden import Tijdstip, Zoekterm
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from application.toegangslog import Bron, Toegangslogboek
from projections.formaten import als_csv
from projections.runner import Projectierunner

router = APIRouter(prefix=API_PREFIX, tags=["audit"])

KOLOMMEN = (
    "volgnummer", "tijdstip", "gebruiker_id", "gebruiker_naam", "gebruiker_rol", "namens",
    "actie", "object", "casus_id", "pseudoniem", "resultaat", "regel", "doel", "bron_adres",
    "bron_agent", "request_id", "reden_noodtoegang",
)  # fmt: skip
Actie = Literal["lezen", "zoeken", "exporteren", "wijzigen", "weigering", "noodtoegang"]


def _logboek(service: Zorgroute) -> Toegangslogboek:
    if service.poortwachter.logboek is None:
        raise NietGereed
    return service.poortwachter.logboek


def _plat(item: dict[str, Any]) -> dict[str, Any]:
    gebruiker, bron = item.get("gebruiker") or {}, item.get("bron") or {}
    return {
        **item,
        "gebruiker_id": gebruiker.get("id"),
        "gebruiker_naam": gebruiker.get("naam"),
        "gebruiker_rol": gebruiker.get("rol"),
        "bron_adres": bron.get("adres"),
        "bron_agent": bron.get("agent"),
        "request_id": bron.get("request_id"),
    }


def _formaat(request: Request, formaat: str | None) -> str:
    return kies_formaat(request, formaat, ("json", "csv"))


def _antwoord(items: list[dict[str, Any]], gekozen: str, naam: str) -> Any:
    if gekozen == "csv":
        return als_bestand(als_csv([_plat(i) for i in items], KOLOMMEN), "csv", naam)
    return {"items": items}


@router.get(
    "/casussen/{casus_id}/toegangslog",
    summary="Wie heeft dit dossier ingezien? / Access log of a case file",
    responses=bestanden("csv") | fout_antwoorden(401, 403, 404, 422, 503),
)
def casus_log(
    request: Request,
    casus_id: CasusId,
    service: App,
    gebruiker: CurrentUser,
    bron: BronDep,
    formaat: Literal["json", "csv"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "toegangslog", bron)
    casus = service.dossier(gebruiker, casus_id)
    items = _logboek(service).zoek(school=_school(gebruiker), casus_id=str(casus_id))
    gekozen = _formaat(request, formaat)
    # Who looked at a file tells about that file: one entry for it (this read is in the
    # next answer, not in this one).
    service.poortwachter.inzage(
        gebruiker,
        "toegangslog",
        [(str(casus_id), casus.pseudoniem if casus.anoniem else None)],
        bron,
        "exporteren" if gekozen == "csv" else "lezen",
    )
    return _antwoord(items, gekozen, f"toegangslog-{casus_id}")


@router.get(
    "/toegangslog",
    summary="Toegangslog per gebruiker, periode en actie / Access log search",
    responses=bestanden("csv") | fout_antwoorden(401, 403, 422, 503),
)
def zoek(
    request: Request,
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    bron: BronDep,
    medewerker: Annotated[Zoekterm | None, Query(alias="gebruiker")] = None,
    van: Tijdstip | None = None,
    tot: Tijdstip | None = None,
    actie: Actie | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    formaat: Literal["json", "csv"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "toegangslog_gebruiker", bron)
    items = _logboek(service).zoek(
        school=_school(gebruiker), gebruiker=medewerker, actie=actie, van=van, tot=tot, limiet=limit
    )
    gekozen = _formaat(request, formaat)
    filters = {"gebruiker": medewerker, "actie": actie, "van": tijd(van), "tot": tijd(tot)}
    _log_zoekopdracht(
        service, runner, gebruiker, bron, "toegangslog_gebruiker", filters, items, gekozen
    )
    return _antwoord(items, gekozen, "toegangslog")


@router.get(
    "/toegangslog/noodtoegang",
    summary="Rapport noodtoegang voor de privacyfunctionaris / Break-glass report",
    responses=bestanden("csv") | fout_antwoorden(401, 403, 422, 503),
)
def noodtoegang(
    request: Request,
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    bron: BronDep,
    van: Tijdstip | None = None,
    tot: Tijdstip | None = None,
    formaat: Literal["json", "csv"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "noodtoegang", bron)
    items = _logboek(service).zoek(
        school=_school(gebruiker), van=van, tot=tot, alleen_noodtoegang=True
    )
    gekozen = _formaat(request, formaat)
    filters = {"van": tijd(van), "tot": tijd(tot)}
    _log_zoekopdracht(service, runner, gebruiker, bron, "noodtoegang", filters, items, gekozen)
    return _antwoord(items, gekozen, "noodtoegang")


def _log_zoekopdracht(
    service: Zorgroute,
    runner: Projectierunner,
    gebruiker: Gebruiker,
    bron: Bron,
    soort: str,
    filters: dict[str, str | None],
    items: list[dict[str, Any]],
    gekozen: str,
) -> None:
    """A search of the log tells about the person searched and the files it names: one
    entry for the search and one per file, before the answer leaves. The entries are
    logged as `zoeken`/`exporteren`, so they never land in the break-glass report."""
    service.poortwachter.zoekopdracht(
        gebruiker,
        soort,
        filters,
        genoemde_dossiers(service, runner, gebruiker, items),
        bron,
        "exporteren" if gekozen == "csv" else "zoeken",
    )
