"""Views for the care team's daily work: the case list, meeting agendas, caseloads,
trends. All are read models kept by the projection runner; `?na=` waits for a write."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError

from api.deps import App, CurrentUser, InstellingenDep, Views, wacht_op
from api.formaten import als_bestand, kies_formaat
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX
from application.gebruiker import Gebruiker
from domain.waarden import Niveau, Status
from projections import agenda as agenda_view
from projections import casussen
from projections import trends as trends_view
from projections import verantwoording as verantwoording_view
from projections import werkvoorraad as werkvoorraad_view

router = APIRouter(prefix=API_PREFIX, tags=["overzichten"])


def _school(gebruiker: Gebruiker) -> str:
    # Files are per school; a token without one (swv) has no case-level overviews here.
    if not gebruiker.school:
        _ongeldig("school", "dit overzicht vraagt een token met een school")
    return str(gebruiker.school)


def _ongeldig(veld: str, melding: str, plek: str = "query") -> None:
    raise RequestValidationError(
        [{"type": "value_error", "loc": (plek, veld), "msg": melding, "melding": melding}]
    )


@router.get(
    "/casussen",
    summary="Dossiers van de school, laatst gewijzigd eerst / Case list",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("casussen")],
)
def lijst(
    runner: Views,
    gebruiker: CurrentUser,
    status: Status | None = None,
    niveau: Niveau | None = None,
    klas: Annotated[str | None, Query(max_length=50)] = None,
    afdeling: Annotated[str | None, Query(max_length=50)] = None,
    regiehouder: Annotated[str | None, Query(max_length=200)] = None,
    anoniem: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, Any]:
    filters = {
        "status": status,
        "niveau": niveau,
        "klas": klas,
        "afdeling": afdeling,
        "regiehouder": regiehouder,
        "anoniem": anoniem,
    }
    try:
        return casussen.lijst(runner.opslag, _school(gebruiker), filters, limit, cursor)
    except ValueError:
        _ongeldig("cursor", "ongeldige cursor; gebruik `volgende_cursor` uit een vorig antwoord")
        raise


@router.get(
    "/agenda/{overleg}",
    summary="Agenda van een overleg op een datum / Meeting agenda",
    description="JSON, of `text/calendar` (`formaat=ics`) of CSV (`formaat=csv`).",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("agenda")],
)
def agenda(
    request: Request,
    overleg: Literal["kernteam", "ozs", "zat"],
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    datum: date | None = None,
    formaat: Literal["json", "csv", "ics"] | None = None,
) -> Any:
    school = _school(gebruiker)
    dag = datum or service.vandaag()
    resultaat = agenda_view.agenda(runner.opslag, school, overleg, dag)
    gekozen = kies_formaat(request, formaat, ("json", "csv", "ics"))
    if gekozen == "csv":
        return als_bestand(agenda_view.csv_van(resultaat), "csv", f"agenda-{overleg}-{dag}")
    if gekozen == "ics":
        return als_bestand(agenda_view.ics_van(resultaat, school), "ics", f"agenda-{overleg}-{dag}")
    return resultaat


@router.get(
    "/werkvoorraad",
    summary="Werkvoorraad van een medewerker / Caseload",
    description="Standaard die van de aanroeper; `peildatum` standaard vandaag.",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("werkvoorraad")],
)
def werkvoorraad(
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    medewerker: Annotated[str | None, Query(max_length=200)] = None,
    peildatum: date | None = None,
) -> dict[str, Any]:
    return werkvoorraad_view.werkvoorraad(
        runner.opslag,
        _school(gebruiker),
        medewerker or gebruiker.sub,
        peildatum or service.vandaag(),
    )


@router.get(
    "/trends",
    summary="Signalen per periode en groep, met opvallende stijgingen / Signal trends",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("trends")],
)
def trends(
    runner: Views,
    gebruiker: CurrentUser,
    van: date,
    tot: date,
    interval: Literal["week", "maand"] = "maand",
    per: Annotated[str, Query(max_length=100)] = "categorie",
) -> dict[str, Any]:
    try:
        return trends_view.trends(runner.opslag, _school(gebruiker), van, tot, interval, per)
    except trends_view.OngeldigeTrendvraag as fout:
        _ongeldig(fout.veld, fout.melding)
        raise


@router.get(
    "/verantwoording",
    summary="Verantwoording aan het samenwerkingsverband / Accountability report",
    description="Alleen aantallen per school; kleine aantallen zijn onderdrukt "
    "(`ZORGROUTE_MIN_CEL`). JSON, CSV (`formaat=csv`) of een afdrukbare pagina "
    "(`formaat=html`).",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("verantwoording")],
)
def verantwoording(
    request: Request,
    runner: Views,
    instellingen: InstellingenDep,
    gebruiker: CurrentUser,
    schooljaar: Annotated[str, Query(pattern=r"^\d{4}-\d{4}$", examples=["2025-2026"])],
    school: Annotated[str | None, Query(max_length=20)] = None,
    formaat: Literal["json", "csv", "html"] | None = None,
) -> Any:
    # A samenwerkingsverband sees its schools, anyone else their own; `school` may only
    # narrow that, never widen it.
    scholen = list(gebruiker.scholen) if gebruiker.rol == "swv" else [_school(gebruiker)]
    if school is not None:
        if school not in scholen:
            _ongeldig("school", "deze school valt niet onder uw token")
        scholen = [school]
    try:
        rapport = verantwoording_view.verantwoording(
            runner.opslag, scholen, schooljaar, min_cel=instellingen.min_cel
        )
    except ValueError as fout:
        _ongeldig("schooljaar", str(fout))
        raise
    gekozen = kies_formaat(request, formaat, ("json", "csv", "html"))
    if gekozen == "csv":
        return als_bestand(
            verantwoording_view.als_csv(rapport), "csv", f"verantwoording-{schooljaar}"
        )
    if gekozen == "html":
        return als_bestand(
            verantwoording_view.als_html(rapport), "html", f"verantwoording-{schooljaar}"
        )
    return rapport
