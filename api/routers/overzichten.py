"""Views for the care team's daily work: the case list, meeting agendas, caseloads,
trends. All are read models kept by the projection runner; `?na=` waits for a write."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from api.deps import App, BronDep, CurrentUser, InstellingenDep, Views, actueel, wacht_op
from api.formaten import als_bestand, kies_formaat
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX, bestanden
from api.schemas.velden import Cursor, Datum, Zoekterm
from application.gebruiker import Gebruiker
from application.toegang import leesfilter
from application.toegangslog import Actie
from application.zicht import leesbaar
from domain.waarden import Niveau, Status
from projections import agenda as agenda_view
from projections import agenda_formaten, beheer, casussen, trends_beperkt, verantwoording_weergave
from projections import trends as trends_view
from projections import verantwoording as verantwoording_view
from projections import werkvoorraad as werkvoorraad_view

router = APIRouter(prefix=API_PREFIX, tags=["overzichten"])


def _school(gebruiker: Gebruiker) -> str:
    # Files are per school; a token without one (swv) has no case-level overviews here.
    if not gebruiker.school:
        _ongeldig("school", "dit overzicht vraagt een token met een school")
    return str(gebruiker.school)


def _een_school(gebruiker: Gebruiker, school: str | None) -> str:
    """The school an aggregate is about: a samenwerkingsverband names one of its schools."""
    if gebruiker.rol == "swv":
        if school is None or school not in gebruiker.scholen:
            _ongeldig("school", "kies een school van uw samenwerkingsverband")
        return str(school)
    if school is not None and school != gebruiker.school:
        _ongeldig("school", "deze school valt niet onder uw token")
    return _school(gebruiker)


def _dossiers(items: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    # The access log names an anonymous file by its pseudonym only. The case list calls
    # it `pseudoniem`; agenda and caseload show it as the file's `weergavenaam`.
    return [
        (str(i["casus_id"]), (i.get("pseudoniem") or i.get("weergavenaam")) if i.get("anoniem") else None)
        for i in items
    ]  # fmt: skip


def _alleen_leesbaar(
    gebruiker: Gebruiker, casusrijen: list[dict[str, Any]], items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The items whose file this caller may read, decided on the files' case-list rows."""
    mag = leesbaar(gebruiker, casusrijen)
    return [i for i in items if str(i["casus_id"]) in mag]


def _json(resultaat: dict[str, Any]) -> Response:
    # Written here rather than through FastAPI's encoder: an agenda or caseload holds
    # hundreds of nested items, and walking them with `jsonable_encoder` cost more than
    # building them. The views give plain JSON values only, so the body is the same.
    return Response(orjson.dumps(resultaat), media_type="application/json")


def _ongeldig(veld: str, melding: str, plek: str = "query") -> None:
    raise RequestValidationError(
        [{"type": "value_error", "loc": (plek, veld), "msg": melding, "melding": melding}]
    )


@router.get(
    "/casussen",
    summary="Dossiers van de school, laatst gewijzigd eerst / Case list",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[actueel("casussen")],
)
def lijst(
    runner: Views,
    service: App,
    gebruiker: CurrentUser,
    bron: BronDep,
    status: Status | None = None,
    niveau: Niveau | None = None,
    klas: Annotated[Zoekterm | None, Query(max_length=50)] = None,
    afdeling: Annotated[Zoekterm | None, Query(max_length=50)] = None,
    regiehouder: Zoekterm | None = None,
    anoniem: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor | None = None,
) -> dict[str, Any]:
    filters = {
        "status": status,
        "niveau": niveau,
        "klas": klas,
        "afdeling": afdeling,
        "regiehouder": regiehouder,
        "anoniem": anoniem,
    }
    service.poortwachter.overzicht(gebruiker, "casussen", bron)
    try:
        resultaat = casussen.lijst(
            runner.opslag, _school(gebruiker), filters, limit, cursor, leesfilter(gebruiker)
        )
    except ValueError:
        _ongeldig("cursor", "ongeldige cursor; gebruik `volgende_cursor` uit een vorig antwoord")
        raise
    if regiehouder is not None:
        # Whose files these are tells about a person: the search itself is on record
        # (whom it asked about), also when the answer is empty, besides each file.
        service.poortwachter.zoekopdracht(
            gebruiker, "casussen", {"regiehouder": regiehouder}, _dossiers(resultaat["items"]), bron
        )
    else:
        service.poortwachter.inzage(gebruiker, "casussen", _dossiers(resultaat["items"]), bron)
    return resultaat


@router.get(
    "/agenda/{overleg}",
    summary="Agenda van een overleg op een datum / Meeting agenda",
    description="JSON, of `text/calendar` (`formaat=ics`) of CSV (`formaat=csv`).",
    responses=bestanden("csv", "ics") | fout_antwoorden(401, 422, 503),
    dependencies=[actueel("agenda", "casussen")],
)
def agenda(
    request: Request,
    overleg: Literal["kernteam", "ozs", "zat"],
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    bron: BronDep,
    datum: Datum | None = None,
    formaat: Literal["json", "csv", "ics"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "agenda", bron)
    school = _school(gebruiker)
    dag = datum or service.vandaag()
    resultaat, casusrijen = agenda_view.agenda_met_dossiers(runner.opslag, school, overleg, dag)
    resultaat["items"] = _alleen_leesbaar(gebruiker, casusrijen, resultaat["items"])
    gekozen = kies_formaat(request, formaat, ("json", "csv", "ics"))
    actie: Actie = "zoeken" if gekozen == "json" else "exporteren"
    service.poortwachter.inzage(
        gebruiker, f"agenda:{overleg}:{dag}", _dossiers(resultaat["items"]), bron, actie
    )
    if gekozen == "csv":
        return als_bestand(agenda_formaten.csv_van(resultaat), "csv", f"agenda-{overleg}-{dag}")
    if gekozen == "ics":
        return als_bestand(
            agenda_formaten.ics_van(resultaat, school), "ics", f"agenda-{overleg}-{dag}"
        )
    return _json(resultaat)


@router.get(
    "/werkvoorraad",
    summary="Werkvoorraad van een medewerker / Caseload",
    description="Standaard die van de aanroeper; `peildatum` standaard vandaag.",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[actueel("werkvoorraad")],
    response_model=dict[str, Any],
)
def werkvoorraad(
    service: App,
    runner: Views,
    gebruiker: CurrentUser,
    bron: BronDep,
    medewerker: Zoekterm | None = None,
    peildatum: Datum | None = None,
) -> Response:
    wie = medewerker or gebruiker.sub
    soort = "werkvoorraad" if wie == gebruiker.sub else "werkvoorraad_ander"
    service.poortwachter.overzicht(gebruiker, soort, bron)
    resultaat = werkvoorraad_view.werkvoorraad(
        runner.opslag, _school(gebruiker), wie, peildatum or service.vandaag()
    )
    dossiers = _dossiers(resultaat["casussen"])
    if soort == "werkvoorraad_ander":
        # Someone else's caseload tells about that person, even when it is empty: the
        # search names them, beside the files it shows.
        dag = peildatum.isoformat() if peildatum else None
        filters = {"medewerker": wie, "peildatum": dag}
        service.poortwachter.zoekopdracht(gebruiker, soort, filters, dossiers, bron)
    else:
        service.poortwachter.inzage(gebruiker, soort, dossiers, bron)
    return _json(resultaat)


@router.get(
    "/trends",
    summary="Signalen per periode en groep, met opvallende stijgingen / Signal trends",
    responses=fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("trends")],
    response_model=dict[str, Any],
)
def trends(
    runner: Views,
    service: App,
    instellingen: InstellingenDep,
    gebruiker: CurrentUser,
    bron: BronDep,
    van: Datum,
    tot: Datum,
    interval: Literal["week", "maand"] = "maand",
    per: Annotated[Zoekterm, Query(max_length=100)] = "categorie",
    school: Annotated[Zoekterm | None, Query(max_length=20)] = None,
) -> Response:
    service.poortwachter.overzicht(gebruiker, "trends", bron)
    gekozen = _een_school(gebruiker, school)
    positie = beheer.positie_van(runner, "trends")
    try:
        if trends_beperkt.beperkt(gebruiker.rol):
            # Outside the care team: small counts suppressed (docs/trends.md).
            resultaat = trends_beperkt.trends_beperkt_bij(
                runner.opslag, gekozen, van, tot, interval, per, instellingen.min_cel,
                service.vandaag(), positie,
            )  # fmt: skip
        else:
            resultaat = trends_view.trends_bij(
                runner.opslag, gekozen, van, tot, interval, per, positie
            )
    except trends_view.OngeldigeTrendvraag as fout:
        _ongeldig(fout.veld, fout.melding)
        raise
    service.poortwachter.aantallen_gelezen(gebruiker, "trends", [gekozen], bron)
    return _json(resultaat)


@router.get(
    "/verantwoording",
    summary="Verantwoording aan het samenwerkingsverband / Accountability report",
    description="Alleen aantallen per school; kleine aantallen zijn onderdrukt "
    "(`ZORGROUTE_MIN_CEL`). JSON, CSV (`formaat=csv`) of een afdrukbare pagina "
    "(`formaat=html`).",
    responses=bestanden("csv", "html") | fout_antwoorden(401, 422, 503),
    dependencies=[wacht_op("verantwoording")],
)
def verantwoording(
    request: Request,
    runner: Views,
    instellingen: InstellingenDep,
    service: App,
    gebruiker: CurrentUser,
    bron: BronDep,
    schooljaar: Annotated[str, Query(pattern=r"^\d{4}-\d{4}$", examples=["2025-2026"])],
    school: Annotated[Zoekterm | None, Query(max_length=20)] = None,
    formaat: Literal["json", "csv", "html"] | None = None,
) -> Any:
    service.poortwachter.overzicht(gebruiker, "verantwoording", bron)
    # A samenwerkingsverband sees its schools, anyone else their own; `school` may only
    # narrow that, never widen it.
    scholen = list(gebruiker.scholen) if gebruiker.rol == "swv" else [_school(gebruiker)]
    if school is not None:
        if school not in scholen:
            _ongeldig("school", "deze school valt niet onder uw token")
        scholen = [school]
    try:
        rapport = verantwoording_view.verantwoording_bij(
            runner.opslag,
            scholen,
            schooljaar,
            instellingen.min_cel,
            beheer.positie_van(runner, "verantwoording"),
            # The signal table is suppressed together with the trends' months.
            vandaag=service.vandaag(),
            trends_positie=beheer.positie_van(runner, "trends"),
        )
    except ValueError as fout:
        _ongeldig("schooljaar", str(fout))
        raise
    gekozen = kies_formaat(request, formaat, ("json", "csv", "html"))
    actie: Actie = "zoeken" if gekozen == "json" else "exporteren"
    service.poortwachter.aantallen_gelezen(gebruiker, "verantwoording", scholen, bron, actie)
    if gekozen == "csv":
        return als_bestand(
            verantwoording_weergave.als_csv(rapport), "csv", f"verantwoording-{schooljaar}"
        )
    if gekozen == "html":
        return als_bestand(
            verantwoording_weergave.als_html(rapport), "html", f"verantwoording-{schooljaar}"
        )
    return _json(rapport)
