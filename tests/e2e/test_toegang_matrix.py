"""The access matrix: every role × every endpoint × every relation to a file, over HTTP,
on SQLite and PostgreSQL.

The expected outcome is written here by hand from issue 4 and the brief's table "Who may
do what" (../shared/domain/README.md); it never asks `application.toegang`, or the test
could not catch the policy being wrong. A command is sent with a stale `If-Match`: the
service checks access before the version, so 412 means "allowed" and 403 "refused", and
no file ever changes, so one scenario serves every cell.

Status codes: allowed → 200 (reads) or 412 (commands); refused inside the school → 403
`geen_toegang`; a file of another school (and, for `swv`, whose token has no school, every
file) → 404. A role refused an endpoint outright may get 403 before the id is looked at:
that answer is the same for every id, so it reveals nothing about the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import httpx
import pytest

from tests.e2e.conftest import SCHOOL, dag, signaal
from tests.e2e.toegang_opzet import (
    BACKENDS,
    CAST,
    DOSSIERS,
    ROLLEN,
    TEKST_AAN_MENTOR,
    TEKST_DOCENT,
    TEKST_MENTOR,
    TEKST_NA_VERWIJZING,
    TEKST_TERUGKOPPELING,
    TEKST_VOOR_VERWIJZING,
    Feiten,
    Persoon,
    Scenario,
    scenario_voor,
)
from tests.e2e.toegang_verwachting import (
    LOG_PER_DOSSIER,
    OVERZICHT_ROLLEN,
    PERSONEEL,
    mag_geschiedenis,
    mag_lezen,
    mag_schrijven,
)

Uitkomst = Literal["toegestaan", "geweigerd", "onbekend"]


@pytest.fixture(scope="module", params=BACKENDS)
def scenario(request: pytest.FixtureRequest) -> Iterator[Scenario]:
    yield from scenario_voor(request)


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


def _body(handeling: str) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "signalen": signaal(),
        "gesprekken": {"met": "leerling", "datum": dag(), "samenvatting": "Gesprek"},
        "ouders-geinformeerd": {"datum": dag(), "wijze": "telefoon"},
        "kernteam-aanmelding": {"datum": dag(3), "vraag": "Advies?"},
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
            json=_body(handeling),
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
    return "toegestaan" if e.mag(p, f) else "geweigerd"


def _uitkomst(e: Eindpunt, antwoord: httpx.Response) -> Uitkomst | None:
    if antwoord.status_code == e.gelukt:
        return "toegestaan"
    if antwoord.status_code == 403 and antwoord.json().get("code") == "geen_toegang":
        return "geweigerd"
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
        if kreeg == "toegestaan":
            afw.toegestaan.append(regel)
        elif verwacht == "toegestaan":
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


# ---- rows of overviews: only readable files, and no names where they do not belong -------


def _leesbaar(p: Persoon) -> set[str]:
    return {naam for naam, f in DOSSIERS.items() if f.school == p.school and mag_lezen(p, f)}


@pytest.mark.parametrize("rol", sorted(OVERZICHT_ROLLEN["casussen"]))
def test_the_case_list_shows_exactly_the_files_the_caller_may_read(
    scenario: Scenario, rol: str
) -> None:
    p = CAST[rol]
    antwoord = scenario.als(rol).get("/casussen", params={"limit": 200})
    assert antwoord.status_code == 200, antwoord.text
    namen = {v: k for k, v in scenario.ids.items()}
    gezien = {namen[i["casus_id"]] for i in antwoord.json()["items"]}
    assert gezien == _leesbaar(p)
    anoniem = DOSSIERS["anoniem"]
    assert not anoniem.noemt_leerling(antwoord.text)


@pytest.mark.parametrize("rol", sorted(OVERZICHT_ROLLEN["agenda"]))
def test_an_agenda_lists_only_files_the_caller_may_read_and_anonymous_ones_by_pseudonym(
    scenario: Scenario, rol: str
) -> None:
    p = CAST[rol]
    namen = {v: k for k, v in scenario.ids.items()}
    for overleg, datum in (("ozs", dag(8)), ("ozs", dag(-20)), ("zat", dag(-5))):
        antwoord = scenario.als(rol).get(f"/agenda/{overleg}", params={"datum": datum})
        assert antwoord.status_code == 200, antwoord.text
        gezien = {namen[i["casus_id"]] for i in antwoord.json()["items"]}
        assert gezien <= _leesbaar(p), f"{overleg} {datum}: {gezien - _leesbaar(p)}"
        anoniem = DOSSIERS["anoniem"]
        assert not anoniem.noemt_leerling(antwoord.text)


def test_someone_elses_caseload_is_for_the_zorgcoordinator_and_shows_only_that_persons_files(
    scenario: Scenario,
) -> None:
    antwoord = scenario.als("zorgcoordinator").get("/werkvoorraad", params={"medewerker": "zt-1"})
    assert antwoord.status_code == 200, antwoord.text
    namen = {v: k for k, v in scenario.ids.items()}
    assert {namen[c["casus_id"]] for c in antwoord.json()["casussen"]} == {"regiehouder"}
    eigen = scenario.als("zorgteam").get("/werkvoorraad")
    assert eigen.status_code == 200
    assert {namen[c["casus_id"]] for c in eigen.json()["casussen"]} == {"regiehouder"}
    ib = scenario.als("intern_begeleider").get("/werkvoorraad")
    assert {namen[c["casus_id"]] for c in ib.json()["casussen"]} == {"gekoppeld", "anoniem"}
    anoniem = DOSSIERS["anoniem"]
    assert not anoniem.noemt_leerling(ib.text)


# ---- what a role sees of a file -----------------------------------------------------------


ZIET_NAAM_BIJ_ANONIEM = {"mentor", "zorgcoordinator"}  # of the class; plus the regiehouder


@pytest.mark.parametrize("rol", ["mentor", "zorgcoordinator", "teamleider", "intern_begeleider"])
def test_an_anonymous_file_shows_name_and_number_only_to_mentor_regiehouder_and_coordinator(
    scenario: Scenario, rol: str
) -> None:
    f, cid = DOSSIERS["anoniem"], scenario.ids["anoniem"]
    wie = scenario.als(rol)
    dossier = wie.get(f"/casussen/{cid}")
    geschiedenis = wie.get(f"/casussen/{cid}/geschiedenis")
    assert dossier.status_code == geschiedenis.status_code == 200
    assert dossier.json()["pseudoniem"]
    for antwoord in (dossier, geschiedenis):
        ziet = f.noemt_leerling(antwoord.text)
        assert ziet == (rol in ZIET_NAAM_BIJ_ANONIEM), antwoord.text[:300]
    # Version 1 predates the anonymity; who may see the name is decided on the file now.
    vroeger = wie.get(f"/casussen/{cid}", params={"versie": 1})
    assert vroeger.status_code == 200
    assert f.noemt_leerling(vroeger.text) == (rol in ZIET_NAAM_BIJ_ANONIEM)
    if rol in ZIET_NAAM_BIJ_ANONIEM:
        assert dossier.json()["onderwerp"]["naam"] == f.naam
    else:
        assert "naam" not in dossier.json()["onderwerp"]
        assert "leerlingnummer" not in dossier.json()["onderwerp"]


def test_the_regiehouder_of_an_anonymous_file_sees_the_name_and_another_care_member_does_not(
    scenario: Scenario,
) -> None:
    f, cid = DOSSIERS["anoniem"], scenario.ids["anoniem"]
    assert f.regiehouder == "zt-2"
    regiehouder = scenario.als("zorgteam", sub="zt-2").get(f"/casussen/{cid}")
    collega = scenario.als("zorgteam", sub="zt-1").get(f"/casussen/{cid}")
    nood = scenario.als("teamleider", afdeling="vwo").get(
        f"/casussen/{cid}", headers={"X-Noodtoegang": "Melding veiligheid"}
    )
    assert regiehouder.json()["onderwerp"]["naam"] == f.naam
    for antwoord in (collega, nood):
        assert antwoord.status_code == 200
        assert not f.noemt_leerling(antwoord.text)


def test_the_zat_partner_sees_the_history_only_from_the_referral_on(scenario: Scenario) -> None:
    relatie = "zat_met_toestemming"
    voor, na = scenario.teksten[relatie]
    antwoord = scenario.als("extern").get(f"/casussen/{scenario.ids[relatie]}/geschiedenis")
    assert antwoord.status_code == 200, antwoord.text
    items = antwoord.json()["items"]
    assert items[0]["type"] == "DoorverwezenNaarZAT"
    assert voor not in antwoord.text and na in antwoord.text


def test_the_zat_partner_sees_no_signal_text_from_before_the_referral(scenario: Scenario) -> None:
    relatie = "zat_met_toestemming"
    cid = scenario.ids[relatie]
    extern = scenario.als("extern")
    voor, na = scenario.teksten[relatie]
    assert voor.startswith(TEKST_VOOR_VERWIJZING) and na.startswith(TEKST_NA_VERWIJZING)
    dossier = extern.get(f"/casussen/{cid}")
    assert dossier.status_code == 200, dossier.text
    assert voor not in dossier.text
    assert na in dossier.text, "the ZAT sees what was added after the referral"
    assert [s["omschrijving"] for s in dossier.json()["signalen"]] == [None, na]
    vroeger = extern.get(f"/casussen/{cid}", params={"versie": 2})
    assert vroeger.status_code == 200, vroeger.text
    assert voor not in vroeger.text


def test_a_teacher_sees_only_their_own_signals_and_the_feedback_on_them(
    scenario: Scenario,
) -> None:
    cid = scenario.ids["eigen_klas"]
    antwoord = scenario.als("docent").get(f"/casussen/{cid}")
    assert antwoord.status_code == 200, antwoord.text
    body = antwoord.json()
    assert body.get("weergave") == "docent"
    assert {s["gemeld_door"]["id"] for s in body["signalen"]} == {"d-1"}
    assert [s["omschrijving"] for s in body["signalen"]] == [TEKST_DOCENT]
    assert [t["inhoud"] for t in body["terugkoppelingen"]] == [TEKST_TERUGKOPPELING]
    tekst = json.dumps(body, ensure_ascii=False)
    f = DOSSIERS["eigen_klas"]
    assert TEKST_MENTOR not in tekst and TEKST_AAN_MENTOR not in tekst
    assert not f.noemt_leerling(tekst)
    assert "onderwerp" not in body and "startdocument" not in body


def test_an_auditor_reads_logs_and_trails_without_case_content(scenario: Scenario) -> None:
    auditor = scenario.als("auditor")
    for relatie, cid in scenario.ids.items():
        f = DOSSIERS[relatie]
        if f.school != SCHOOL:
            continue
        for pad in (f"/casussen/{cid}/audittrail", f"/casussen/{cid}/toegangslog"):
            antwoord = auditor.get(pad)
            assert antwoord.status_code == 200, antwoord.text
            assert not f.noemt_leerling(antwoord.text), pad
            for verboden in scenario.teksten[relatie]:
                assert verboden not in antwoord.text, f"{pad} toont {verboden!r}"


# ---- noodtoegang ----------------------------------------------------------------------------


def test_break_glass_opens_an_unrelated_file_for_care_team_and_teamleader_but_not_a_mentor(
    scenario: Scenario,
) -> None:
    cid = scenario.ids["andere_klas"]
    reden = {"X-Noodtoegang": "Leerling in crisis, mentor onbereikbaar"}
    zorgteam, teamleider = scenario.als("zorgteam"), scenario.als("teamleider", afdeling="vwo")
    mentor = scenario.als("mentor")
    for wie in (zorgteam, teamleider):
        assert wie.get(f"/casussen/{cid}").status_code == 403
        assert wie.get(f"/casussen/{cid}", headers=reden).status_code == 200
    assert mentor.get(f"/casussen/{cid}", headers=reden).status_code == 403
    # It opens one file to read: no commands, no overviews, and never another school.
    gesprek = _body("gesprekken")
    assert zorgteam.post(f"/casussen/{cid}/gesprekken", gesprek, headers=reden).status_code == 403
    ander = scenario.ids["andere_school"]
    assert zorgteam.get(f"/casussen/{ander}", headers=reden).status_code == 404
    lijst = zorgteam.get("/casussen", headers=reden)
    assert cid not in {i["casus_id"] for i in lijst.json()["items"]}
