"""The access matrix: every role × every endpoint × every relation to a file, over HTTP,
on SQLite and PostgreSQL.

The expected outcome is written here by hand from issue 4 and the brief's table "Who may
do what" (../shared/domain/README.md); it never asks `application.toegang`, or the test
could not catch the policy being wrong. A command is sent with a stale `If-Match`: the
service checks access before the version, so 412 means "allowed" and 403 "refused", and
no file ever changes, so one scenario serves every cell. What a role sees once it may
look (rows of overviews, fields of a file, break-glass) is in `test_toegang_zicht.py`.

Status codes: allowed → 200 (reads) or 412 (commands); refused inside the school → 403
`geen_toegang`; a file of another school (and, for `swv`, whose token has no school, every
file) → 404. A role refused an endpoint outright may get 403 before the id is looked at:
that answer is the same for every id, so it reveals nothing about the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import httpx
import pytest

from tests.e2e.conftest import SCHOOL, dag, signaal
from tests.e2e.toegang_opzet import (
    CAST,
    DOSSIERS,
    ROLLEN,
    Feiten,
    Persoon,
    Scenario,
)
from tests.e2e.toegang_verwachting import (
    LOG_PER_DOSSIER,
    OVERZICHT_ROLLEN,
    PERSONEEL,
    mag_geschiedenis,
    mag_lezen,
    mag_schrijven,
)

# "toegestaan_blind": allowed to write, not to read, so an If-Match is refused with
# `versie_verborgen` (issue 13: a version tells how far a file has come).
Uitkomst = Literal["toegestaan", "toegestaan_blind", "geweigerd", "onbekend"]


@dataclass(frozen=True)
class Eindpunt:
    naam: str
    mag: Callable[[Persoon, Feiten], bool]
    vraag: Callable[[Scenario, Persoon, str], httpx.Response]
    gelukt: int  # the status that means "allowed"
    rollen: frozenset[str]  # roles that may use this endpoint for some file


def _verzoek(
    methode: str, pad: str, **kw: Any
) -> Callable[[Scenario, Persoon, str], httpx.Response]:
    def vraag(s: Scenario, p: Persoon, cid: str) -> httpx.Response:
        wie = s.als(p.rol)
        if methode == "GET":
            return wie.get(pad.format(cid=cid), **kw)
        return wie.post(pad.format(cid=cid), **kw)

    return vraag


def _met_nood(fn: Callable[[Persoon, Feiten], bool], nood: bool) -> Callable[..., bool]:
    return lambda p, f: fn(p, f, noodtoegang=nood)  # type: ignore[call-arg]


def _leeseindpunten(nood: bool) -> list[Eindpunt]:
    kop = {"X-Noodtoegang": "Leerling in crisis, mentor onbereikbaar"} if nood else {}
    lezers = frozenset(PERSONEEL) | {"extern"}
    achtervoegsel = "_noodtoegang" if nood else ""
    return [
        Eindpunt(
            "dossier" + achtervoegsel,
            _met_nood(mag_lezen, nood),
            _verzoek("GET", "/casussen/{cid}", headers=kop),
            200,
            lezers,
        ),
        Eindpunt(
            "dossier_versie" + achtervoegsel,
            _met_nood(mag_lezen, nood),
            _verzoek("GET", "/casussen/{cid}", params={"versie": 1}, headers=kop),
            200,
            lezers,
        ),
        Eindpunt(
            "geschiedenis" + achtervoegsel,
            _met_nood(mag_geschiedenis, nood),
            _verzoek("GET", "/casussen/{cid}/geschiedenis", headers=kop),
            200,
            lezers,
        ),
    ]


def voorbeeld_body(handeling: str) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "signalen": signaal(),
        "gesprekken": {"met": "leerling", "datum": dag(), "samenvatting": "Gesprek"},
        "ouders-geinformeerd": {"datum": dag(), "wijze": "telefoon"},
        "kernteam-aanmelding": {"datum": dag(3), "vraag": "Advies?"},
        "kernteam-afmelding": {"reden": "Opgelost in de klas"},
        "kernteambesprekingen": {"datum": dag(), "advies": "Observeren"},
        "interventies": {
            "soort": "faalangsttraining",
            "omschrijving": "Zes weken",
            "startdatum": dag(),
            "evaluatiedatum": dag(42),
        },
        "contactpersoonbesprekingen": {"datum": dag(), "advies": "Inbrengen", "besluit": "advies"},
        "toestemmingen": {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": dag()},
        "ozs-inbreng": {
            "datum": dag(),
            "ondersteuningsvraag": "Wat nu?",
            "doel": "Rust",
            "waarom_nu": "Escalatie",
            "sterke_kanten": "Eerlijk",
        },
        "regiehouder": {"medewerker_id": "zt-9", "naam": "Nieuwe regiehouder"},
        "intern-begeleider": {"medewerker_id": "ib-9", "naam": "Nieuwe IB"},
        "handelingsplan": {"doelen": ["Rust"], "interventies": [], "evaluatiedatum": dag(40)},
        "opp": {
            "uitstroomperspectief": "havo",
            "doelen": ["Diploma"],
            "evaluatiedatum": dag(200),
            "instemming_ouders": True,
        },
        "ozs-besprekingen": {"datum": dag(), "verslag": "Besproken"},
        "terugkoppelingen": {"aan": "mentor", "datum": dag(), "inhoud": "Stand van zaken"},
        "evaluaties": {
            "datum": dag(),
            "doelen_behaald": "ja",
            "conclusie": "Klaar",
            "vervolg": "terug_naar_mentor",
        },
        "zat-verwijzing": {"datum": dag(), "hulpvraag": "Integraal", "ketenpartners": ["wijkteam"]},
        "afsluiting": {"datum": dag(), "reden": "doelen_behaald"},
        "onderwerp-correctie": {"leerjaar": 4, "reden": "Verkeerd leerjaar"},
        "anonimiteit-opheffing": {"reden": "Niet langer nodig"},
    }
    return bodies[handeling]


# The brief's representative set, plus one command of every other rule group of the table.
HANDELINGEN = (
    "signalen",
    "gesprekken",
    "terugkoppelingen",
    "toestemmingen",
    "ozs-inbreng",
    "contactpersoonbesprekingen",
    "regiehouder",
    "handelingsplan",
    "evaluaties",
    "opp",
    "zat-verwijzing",
    "afsluiting",
    "onderwerp-correctie",
    "anonimiteit-opheffing",
)


def _commando(handeling: str) -> Eindpunt:
    def mag(p: Persoon, f: Feiten) -> bool:
        return mag_schrijven(handeling, p, f)

    return Eindpunt(
        handeling,
        mag,
        # A stale version: 412 only once access was granted, so nothing is ever written.
        _verzoek(
            "POST",
            "/casussen/{cid}/" + handeling,
            json=voorbeeld_body(handeling),
            headers={"If-Match": "999"},
        ),
        412,
        frozenset(PERSONEEL),
    )


DOSSIER_EINDPUNTEN: list[Eindpunt] = [
    *_leeseindpunten(nood=False),
    Eindpunt(
        "audittrail",
        lambda p, f: p.rol in LOG_PER_DOSSIER,
        _verzoek("GET", "/casussen/{cid}/audittrail"),
        200,
        LOG_PER_DOSSIER,
    ),
    Eindpunt(
        "toegangslog",
        lambda p, f: p.rol in LOG_PER_DOSSIER,
        _verzoek("GET", "/casussen/{cid}/toegangslog"),
        200,
        LOG_PER_DOSSIER,
    ),
    *[_commando(h) for h in HANDELINGEN],
    *_leeseindpunten(nood=True),
]


def verwachting(e: Eindpunt, p: Persoon, f: Feiten) -> Uitkomst:
    if p.school is None or f.school != p.school:
        return "onbekend"
    if not e.mag(p, f):
        return "geweigerd"
    if e.gelukt == 412 and not mag_geschiedenis(p, f):
        return "toegestaan_blind"
    return "toegestaan"


def _uitkomst(e: Eindpunt, antwoord: httpx.Response) -> Uitkomst | None:
    if antwoord.status_code == e.gelukt:
        return "toegestaan"
    if antwoord.status_code == 403 and antwoord.json().get("code") == "geen_toegang":
        return "geweigerd"
    if antwoord.status_code == 403 and antwoord.json().get("code") == "versie_verborgen":
        return "toegestaan_blind"
    if antwoord.status_code == 404 and antwoord.json().get("code") == "niet_gevonden":
        return "onbekend"
    return None


@dataclass
class Afwijkingen:
    toegestaan: list[str]  # unexpected allows: the ones that must never happen
    geweigerd: list[str]  # unexpected denies
    anders: list[str]  # a refusal with the wrong code, or an answer that is no decision

    def __bool__(self) -> bool:
        return bool(self.toegestaan or self.geweigerd or self.anders)


def loop_cel(s: Scenario, e: Eindpunt, rol: str, afw: Afwijkingen) -> None:
    p = CAST[rol]
    for relatie, f in DOSSIERS.items():
        verwacht = verwachting(e, p, f)
        antwoord = e.vraag(s, p, s.ids[relatie])
        kreeg = _uitkomst(e, antwoord)
        regel = f"{rol} × {e.naam} × {relatie}: verwacht {verwacht}, kreeg {antwoord.status_code}"
        if kreeg == verwacht:
            continue
        if kreeg == "toegestaan" or (kreeg == "toegestaan_blind" and verwacht == "geweigerd"):
            afw.toegestaan.append(regel)
        elif verwacht in ("toegestaan", "toegestaan_blind"):
            afw.geweigerd.append(regel + f" {antwoord.text[:120]}")
        elif kreeg == "geweigerd" and rol not in e.rollen:
            continue  # refused outright, before the id is looked at: reveals nothing
        else:
            afw.anders.append(regel + f" {antwoord.text[:120]}")


@pytest.mark.parametrize("eindpunt", DOSSIER_EINDPUNTEN, ids=lambda e: e.naam)
@pytest.mark.parametrize("rol", ROLLEN)
def test_each_role_gets_exactly_the_access_the_policy_gives_on_every_file(
    scenario: Scenario, rol: str, eindpunt: Eindpunt
) -> None:
    afw = Afwijkingen([], [], [])
    loop_cel(scenario, eindpunt, rol, afw)
    assert not afw.toegestaan, "ONVERWACHT TOEGESTAAN:\n" + "\n".join(afw.toegestaan)
    assert not afw.geweigerd, "onverwacht geweigerd:\n" + "\n".join(afw.geweigerd)
    assert not afw.anders, "verkeerde code:\n" + "\n".join(afw.anders)


# ---- overviews: per role, not per file ----------------------------------------------------


def _schooljaar(vandaag: date) -> str:
    begin = vandaag.year if vandaag.month >= 8 else vandaag.year - 1
    return f"{begin}-{begin + 1}"


def _overzicht(s: Scenario, p: Persoon, soort: str) -> httpx.Response:
    wie = s.als(p.rol)
    swv = {"school": SCHOOL} if p.rol == "swv" else {}
    vragen: dict[str, tuple[str, dict[str, Any]]] = {
        "casussen": ("/casussen", {}),
        "agenda": ("/agenda/ozs", {"datum": dag(8)}),
        "werkvoorraad": ("/werkvoorraad", {}),
        "werkvoorraad_ander": ("/werkvoorraad", {"medewerker": "zt-2"}),
        "trends": ("/trends", {"van": dag(-60), "tot": dag(1), **swv}),
        "verantwoording": ("/verantwoording", {"schooljaar": _schooljaar(date.today()), **swv}),
        "projecties": ("/projecties", {}),
        "audittrail_gebruiker": ("/audittrail", {"gebruiker": "zc-1"}),
        "toegangslog_zoeken": ("/toegangslog", {"gebruiker": "m-1"}),
        "noodtoegang_rapport": ("/toegangslog/noodtoegang", {}),
    }
    pad, params = vragen[soort]
    return wie.get(pad, params=params)


@pytest.mark.parametrize("soort", list(OVERZICHT_ROLLEN))
def test_each_overview_answers_only_the_roles_that_may_see_it(
    scenario: Scenario, soort: str
) -> None:
    toegestaan, geweigerd, anders = [], [], []
    for rol in ROLLEN:
        antwoord = _overzicht(scenario, CAST[rol], soort)
        verwacht = rol in OVERZICHT_ROLLEN[soort]
        if antwoord.status_code == 200 and not verwacht:
            toegestaan.append(f"{rol} × {soort}")
        elif antwoord.status_code == 403 and verwacht:
            geweigerd.append(f"{rol} × {soort}: {antwoord.text[:120]}")
        elif antwoord.status_code not in (200, 403) or (
            antwoord.status_code == 403 and antwoord.json()["code"] != "geen_toegang"
        ):
            anders.append(f"{rol} × {soort}: {antwoord.status_code} {antwoord.text[:120]}")
    assert not toegestaan, "ONVERWACHT TOEGESTAAN:\n" + "\n".join(toegestaan)
    assert not geweigerd, "onverwacht geweigerd:\n" + "\n".join(geweigerd)
    assert not anders, "geen beslissing:\n" + "\n".join(anders)


def test_the_matrix_covers_every_role_endpoint_and_relation() -> None:
    relaties = {
        "eigen_klas",
        "andere_klas",
        "gekoppeld",
        "niet_gekoppeld",
        "regiehouder",
        "andere_afdeling",
        "zat_met_toestemming",
        "zat_andere_organisatie",
        "zat_toestemming_ingetrokken",
        "anoniem",
        "andere_school",
    }
    assert relaties <= set(DOSSIERS)
    assert set(ROLLEN) == set(CAST) and len(ROLLEN) == 10
    cellen = len(ROLLEN) * len(DOSSIER_EINDPUNTEN) * len(DOSSIERS) + len(ROLLEN) * len(
        OVERZICHT_ROLLEN
    )
    assert cellen >= 2000
