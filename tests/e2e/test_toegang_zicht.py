"""What each role sees once it may look, over HTTP on SQLite and PostgreSQL: only readable
files in overviews, names of anonymous files only where they belong, the ZAT partner's and
teacher's partial views, the auditor without case content, and break-glass access.
Expectations are hand-written (`toegang_verwachting`), never read from the policy."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import SCHOOL, dag
from tests.e2e.test_toegang_matrix import voorbeeld_body
from tests.e2e.toegang_opzet import (
    CAST,
    DOSSIERS,
    TEKST_AAN_MENTOR,
    TEKST_DOCENT,
    TEKST_MENTOR,
    TEKST_NA_VERWIJZING,
    TEKST_TERUGKOPPELING,
    TEKST_VOOR_VERWIJZING,
    Persoon,
    Scenario,
)
from tests.e2e.toegang_verwachting import OVERZICHT_ROLLEN, mag_lezen

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
    gesprek = voorbeeld_body("gesprekken")
    assert zorgteam.post(f"/casussen/{cid}/gesprekken", gesprek, headers=reden).status_code == 403
    ander = scenario.ids["andere_school"]
    assert zorgteam.get(f"/casussen/{ander}", headers=reden).status_code == 404
    lijst = zorgteam.get("/casussen", headers=reden)
    assert cid not in {i["casus_id"] for i in lijst.json()["items"]}
