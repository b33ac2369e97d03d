"""Issue 13, item 3: a file stays anonymous until the zorgcoördinator lifts it, and beside
its pseudonym nothing narrows it down (class, department, year, number, birth date, the
reason it is anonymous) in the file, an old version, the history, lists, agendas and
caseloads. Over HTTP, on both backends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Medewerker, Omgeving, bijgewerkt, dag, leerling, probleem, signaal

NAAM, NUMMER, KLAS, REDEN = "Fenna Geheim", "700001", "2A", "Dreiging vanuit de thuissituatie"
INBRENG = {
    "datum": dag(-20),
    "ondersteuningsvraag": "Hoe blijft zij veilig op school?",
    "doel": "Veiligheid",
    "waarom_nu": "Escalatie",
    "sterke_kanten": "Veerkrachtig",
}


@pytest.fixture
def mensen(omgeving: Omgeving) -> dict[str, Medewerker]:
    return {
        "zc": omgeving.als("zorgcoordinator", sub="zc-1"),
        "mentor": omgeving.als("mentor", sub="m-2a", klassen=[KLAS]),
        "teamleider": omgeving.als("teamleider", sub="tl-havo", afdeling="havo"),
        "ib": omgeving.als("intern_begeleider", sub="ib-1"),
        "zorgteam": omgeving.als("zorgteam", sub="zt-2"),
    }


def _anoniem_dossier(zc: Medewerker) -> str:
    cid = zc.meld(leerling(NUMMER, NAAM, geboortedatum="2011-04-01"))
    zc.stap(cid, "ozs-inbreng", {**INBRENG, "anoniem": True, "reden_anoniem": REDEN})
    zc.stap(cid, "regiehouder", {"medewerker_id": "zt-1", "naam": "R. Houder"})
    zc.stap(cid, "intern-begeleider", {"medewerker_id": "ib-1", "naam": "I. Begeleider"})
    return cid


def _verraadt(tekst: str) -> list[str]:
    """What in an answer points at the pupil behind the pseudonym."""
    verdacht = [NAAM, NUMMER, REDEN, "2011-04-01", f'"{KLAS}"', '"havo"']
    return [v for v in verdacht if v in tekst]


def _alles_wat_hij_ziet(wie: Medewerker, cid: str) -> dict[str, str]:
    dossier = wie.get(f"/casussen/{cid}")
    assert dossier.status_code == 200, dossier.text
    antwoorden = {
        "dossier": dossier.text,
        "versie 1": wie.get(f"/casussen/{cid}", params={"versie": 1}).text,
        "op": wie.get(f"/casussen/{cid}", params={"op": dossier.json()["gewijzigd_op"]}).text,
        "geschiedenis": wie.get(f"/casussen/{cid}/geschiedenis").text,
    }
    lijst = wie.get("/casussen", params=bijgewerkt(wie)).json()["items"]
    antwoorden["lijst"] = json.dumps([i for i in lijst if i["casus_id"] == cid])
    return antwoorden


def _zonder_verraad(wie: Medewerker, cid: str, pseudoniem: str) -> None:
    for waar, tekst in _alles_wat_hij_ziet(wie, cid).items():
        assert not _verraadt(tekst), (waar, _verraadt(tekst))
    assert pseudoniem in _alles_wat_hij_ziet(wie, cid)["dossier"]


@pytest.mark.parametrize("wie", ["teamleider", "ib", "zorgteam"])
def test_beside_the_pseudonym_nothing_narrows_the_file_down(
    mensen: dict[str, Medewerker], wie: str
) -> None:
    cid = _anoniem_dossier(mensen["zc"])
    pseudoniem = mensen["zc"].lees(cid)["pseudoniem"]
    _zonder_verraad(mensen[wie], cid, pseudoniem)
    # Who may see the name still does.
    for wie_wel in ("zc", "mentor"):
        assert mensen[wie_wel].lees(cid)["onderwerp"]["naam"] == NAAM


@pytest.mark.parametrize("wie", ["teamleider", "ib", "zorgteam"])
def test_the_file_stays_anonymous_after_closing_and_reopening_by_a_signal(
    mensen: dict[str, Medewerker], wie: str
) -> None:
    zc = mensen["zc"]
    cid = _anoniem_dossier(zc)
    pseudoniem = zc.lees(cid)["pseudoniem"]
    zc.stap(cid, "afsluiting", {"datum": dag(-1), "reden": "geen_zorg_meer"})
    mensen["mentor"].meld(leerling(NUMMER, NAAM))
    dossier = zc.lees(cid)
    assert (dossier["traject"], dossier["anoniem"], dossier["pseudoniem"]) == (2, True, pseudoniem)
    # A new intake without `anoniem` does not lift it either.
    zc.stap(cid, "ouders-geinformeerd", {"datum": dag(-1), "wijze": "telefoon"})
    zc.stap(
        cid,
        "toestemmingen",
        {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": dag(-1)},
    )
    zc.stap(cid, "ozs-inbreng", INBRENG)
    assert zc.lees(cid)["anoniem"] is True
    if wie == "ib":  # coupled again in the new traject
        zc.stap(cid, "intern-begeleider", {"medewerker_id": "ib-1", "naam": "I. Begeleider"})
    _zonder_verraad(mensen[wie], cid, pseudoniem)


def test_a_filter_on_class_or_department_never_places_the_pseudonym(
    mensen: dict[str, Medewerker],
) -> None:
    cid = _anoniem_dossier(mensen["zc"])
    for wie in ("teamleider", "zc"):
        for filter_ in ({"klas": KLAS}, {"afdeling": "havo"}, {"klas": KLAS.lower()}):
            items = (
                mensen[wie]
                .get("/casussen", params={**bijgewerkt(mensen[wie]), **filter_})
                .json()["items"]
            )
            assert cid not in [i["casus_id"] for i in items], (wie, filter_)
        items = (
            mensen[wie]
            .get("/casussen", params={"anoniem": "true", **bijgewerkt(mensen[wie])})
            .json()["items"]
        )
        (item,) = [i for i in items if i["casus_id"] == cid]
        assert (item["klas"], item["afdeling"], item["leerjaar"], item["naam"]) == (None,) * 4


def test_agenda_and_caseload_show_no_class_beside_the_pseudonym(
    mensen: dict[str, Medewerker],
) -> None:
    cid = _anoniem_dossier(mensen["zc"])
    agenda = mensen["teamleider"].get(
        "/agenda/ozs", params={"datum": dag(8), **bijgewerkt(mensen["teamleider"])}
    )
    items = [i for i in agenda.json()["items"] if i["casus_id"] == cid]
    assert items and all(i["klas"] is None for i in items)
    csv = mensen["teamleider"].get(
        "/agenda/ozs",
        params={"datum": dag(8), "formaat": "csv", **bijgewerkt(mensen["teamleider"])},
    )
    assert not _verraadt(csv.text.replace(KLAS, f'"{KLAS}"'))
    werk = mensen["ib"].get("/werkvoorraad", params=bijgewerkt(mensen["ib"])).json()
    (casus,) = [c for c in werk["casussen"] if c["casus_id"] == cid]
    assert casus["klas"] is None and not _verraadt(json.dumps(werk))


def test_the_zorgcoordinator_lifts_anonymity_with_a_reason(mensen: dict[str, Medewerker]) -> None:
    zc = mensen["zc"]
    cid = _anoniem_dossier(zc)
    for wie in ("mentor", "teamleider"):
        body = {"reden": "Niet langer nodig"}
        probleem(mensen[wie].doe(cid, "anonimiteit-opheffing", body), 403, "geen_toegang")
    probleem(zc.doe(cid, "anonimiteit-opheffing", {}), 422, "ongeldige_invoer")
    zc.stap(cid, "anonimiteit-opheffing", {"reden": "Ouders en leerling stemmen in."})
    dossier = mensen["teamleider"].lees(cid)
    assert (dossier["anoniem"], dossier["pseudoniem"]) == (False, None)
    assert dossier["onderwerp"]["naam"] == NAAM
    assert zc.geschiedenis(cid)[-1]["type"] == "AnonimiteitOpgeheven"
    probleem(zc.doe(cid, "anonimiteit-opheffing", {"reden": "x"}), 409, "niet_anoniem")


def test_the_audit_trail_of_an_anonymous_file_shows_no_class_change(
    mensen: dict[str, Medewerker], omgeving: Omgeving
) -> None:
    zc = mensen["zc"]
    cid = _anoniem_dossier(zc)
    correctie = {"klas": "3B", "leerjaar": 3, "reden": "Overgeplaatst"}
    positie = zc.doe(cid, "onderwerp-correctie", correctie).json()["positie"]
    auditor = omgeving.als("auditor", sub="fg-1")
    trail = auditor.get(f"/casussen/{cid}/audittrail", params={"na": positie}).json()
    items: list[dict[str, Any]] = trail["items"] if isinstance(trail, dict) else trail
    gevonden = [i for i in items if i["gebeurtenis"] == "OnderwerpGecorrigeerd"]
    assert gevonden and gevonden[0]["wijzigingen"] == {}
    assert "3B" not in json.dumps(items) and not _verraadt(json.dumps(items))
    per_persoon = auditor.get("/audittrail", params={"gebruiker": "zc-1", "na": positie}).json()
    assert per_persoon["items"] and "3B" not in json.dumps(per_persoon)
    assert not _verraadt(json.dumps(per_persoon))
    # The zorgcoördinator, who sees the name, sees the class change too.
    eigen = zc.get(f"/casussen/{cid}/audittrail", params={"na": positie}).json()["items"]
    assert eigen[-1]["wijzigingen"]["klas"] == {"oud": KLAS, "nieuw": "3B"}


def test_a_signal_on_an_anonymous_file_keeps_its_subject_out_of_the_history(
    mensen: dict[str, Medewerker],
) -> None:
    cid = _anoniem_dossier(mensen["zc"])
    mensen["mentor"].post("/signalen", signaal(leerling(NUMMER, NAAM)))
    geschiedenis = mensen["teamleider"].get(f"/casussen/{cid}/geschiedenis").text
    assert not _verraadt(geschiedenis)
