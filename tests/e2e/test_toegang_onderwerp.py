"""Issue 13, item 1: who a file is about is set when it opens and changes only by the
zorgcoördinator's correction. A later signal with other details records the concern and
moves nothing, so nobody signals their way into a file, renames a pupil, or locks a mentor
out. Class names compare as the school writes them. Over HTTP, on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Medewerker, Omgeving, bijgewerkt, dag, leerling, probleem, signaal

NUMMER = "300022"


def _v2a(**extra: Any) -> dict[str, Any]:
    return leerling(NUMMER, "Noor Echt", klas="V2A", afdeling="vwo", leerjaar=2, **extra)


def _onderwerp(dossier: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in dossier["onderwerp"].items() if v is not None}


@pytest.fixture
def mensen(omgeving: Omgeving) -> dict[str, Medewerker]:
    return {
        "zc": omgeving.als("zorgcoordinator", sub="zc-1"),
        "mentor_v2a": omgeving.als("mentor", sub="m-v2a", klassen=["V2A"]),
        "mentor_h3a": omgeving.als("mentor", sub="m-h3a", klassen=["H3A"]),
        "teamleider_havo": omgeving.als("teamleider", sub="tl-havo", afdeling="havo"),
        "teamleider_vwo": omgeving.als("teamleider", sub="tl-vwo", afdeling="vwo"),
        "docent": omgeving.als("docent", sub="d-1"),
    }


# Each way the first issue's attack went: who signals, and what they claim about the pupil.
AANVALLEN = [
    ("mentor_h3a", {"klas": "H3A", "afdeling": "havo", "leerjaar": 3}),
    ("teamleider_havo", {"afdeling": "havo"}),
    ("docent", {"naam": "Naam Overschreven"}),
    ("docent", {"geboortedatum": "2008-01-01"}),
    ("mentor_h3a", {"klas": "h3a"}),
]


@pytest.mark.parametrize(("wie", "claim"), AANVALLEN, ids=lambda x: str(x))
def test_a_signal_with_other_details_records_the_concern_and_moves_nothing(
    mensen: dict[str, Medewerker], wie: str, claim: dict[str, Any]
) -> None:
    cid = mensen["zc"].meld(_v2a())
    aanvaller = mensen[wie]
    antwoord = aanvaller.post("/signalen", signaal({**_v2a(), **claim}))
    assert antwoord.status_code == 201, antwoord.text
    assert antwoord.json()["casus_id"] == cid

    dossier = mensen["zc"].lees(cid)
    assert _onderwerp(dossier) == _v2a()
    assert len(dossier["signalen"]) == 2
    # The real mentor keeps the file; whoever claimed another class or department does
    # not get in by it.
    assert mensen["mentor_v2a"].get(f"/casussen/{cid}").status_code == 200
    if wie != "docent":
        probleem(aanvaller.get(f"/casussen/{cid}"), 403, "geen_toegang")
        probleem(aanvaller.get(f"/casussen/{cid}/geschiedenis"), 403, "geen_toegang")
    # The signal keeps what its reporter said, for the zorgcoördinator to see.
    laatste = mensen["zc"].geschiedenis(cid)[-1]
    assert laatste["type"] == "SignaalGemeld"
    assert _onderwerp(laatste["gegevens"]) == {**_v2a(), **claim}


def test_the_same_holds_for_a_signal_on_the_file_named_in_the_path(
    mensen: dict[str, Medewerker],
) -> None:
    cid = mensen["zc"].meld(_v2a())
    # Whoever may not see the subject cannot even name one beside the path.
    probleem(
        mensen["mentor_h3a"].post(f"/casussen/{cid}/signalen", signaal({**_v2a(), "klas": "H3A"})),
        422,
        "ongeldige_invoer",
    )
    assert _onderwerp(mensen["zc"].lees(cid)) == _v2a()


def test_a_class_case_keeps_its_mentor_whatever_case_a_reporter_types(
    mensen: dict[str, Medewerker], omgeving: Omgeving
) -> None:
    mentor = omgeving.als("mentor", sub="m-h3a", klassen=["H3A"])
    klascasus = {"type": "klas", "klas": "H3A", "afdeling": "havo", "leerjaar": 3}
    cid = mentor.meld(klascasus, categorieen=["groepsklimaat"])
    antwoord = mensen["docent"].post(
        "/signalen", signaal({**klascasus, "klas": "h3a"}, categorieen=["groepsklimaat"])
    )
    assert antwoord.json()["casus_id"] == cid
    assert mentor.lees(cid)["onderwerp"]["klas"] == "H3A"


def test_class_names_are_compared_as_the_school_writes_them(omgeving: Omgeving) -> None:
    # A file opened as "h3a " is the H3A mentor's, in a read and in the list.
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    cid = zc.meld(leerling("400001", klas="h3a ", afdeling="HAVO", leerjaar=3))
    mentor = omgeving.als("mentor", sub="m-h3a", klassen=["H3A"])
    teamleider = omgeving.als("teamleider", sub="tl-havo", afdeling="havo")
    assert mentor.get(f"/casussen/{cid}").status_code == 200
    assert teamleider.get(f"/casussen/{cid}").status_code == 200
    for wie in (mentor, teamleider):
        lijst = wie.get("/casussen", params=bijgewerkt(wie)).json()["items"]
        assert cid in [i["casus_id"] for i in lijst]
    gefilterd = zc.get("/casussen", params={"klas": "H3A", **bijgewerkt(zc)}).json()["items"]
    assert [i["casus_id"] for i in gefilterd] == [cid]


def test_the_zorgcoordinator_corrects_the_subject_with_a_reason_and_access_follows(
    mensen: dict[str, Medewerker],
) -> None:
    zc = mensen["zc"]
    cid = zc.meld(_v2a())
    antwoord = zc.doe(
        cid, "onderwerp-correctie", {"klas": "H3A", "afdeling": "havo", "leerjaar": 3,
                                     "reden": "Overgestapt naar havo 3."},
    )  # fmt: skip
    assert antwoord.status_code == 201, antwoord.text
    assert _onderwerp(zc.lees(cid)) == {**_v2a(), "klas": "H3A", "afdeling": "havo", "leerjaar": 3}
    assert mensen["mentor_h3a"].get(f"/casussen/{cid}").status_code == 200
    probleem(mensen["mentor_v2a"].get(f"/casussen/{cid}"), 403, "geen_toegang")

    item = zc.geschiedenis(cid)[-1]
    assert item["type"] == "OnderwerpGecorrigeerd"
    assert item["gegevens"]["reden"] == "Overgestapt naar havo 3."
    assert item["gegevens"]["bron"] == "correctie"
    trail = zc.get(f"/casussen/{cid}/audittrail", params=bijgewerkt(zc)).json()
    regel = trail["items"][-1] if isinstance(trail, dict) else trail[-1]
    assert regel["wijzigingen"]["klas"] == {"oud": "V2A", "nieuw": "H3A"}
    assert regel["wijzigingen"]["afdeling"] == {"oud": "vwo", "nieuw": "havo"}
    assert "Noor" not in str(regel)


@pytest.mark.parametrize("wie", ["mentor_v2a", "teamleider_vwo", "docent"])
def test_only_the_zorgcoordinator_corrects_a_subject(
    mensen: dict[str, Medewerker], wie: str
) -> None:
    cid = mensen["zc"].meld(_v2a())
    probleem(
        mensen[wie].doe(cid, "onderwerp-correctie", {"naam": "Anders", "reden": "x"}),
        403,
        "geen_toegang",
    )
    assert mensen["zc"].lees(cid)["onderwerp"]["naam"] == "Noor Echt"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"naam": "Noor Echt", "reden": "x"}, 409, "onderwerp_ongewijzigd"),
        ({"naam": "Anders"}, 422, "ongeldige_invoer"),  # no reason
        ({"leerlingnummer": "1", "reden": "x"}, 422, "ongeldige_invoer"),  # names the file
        ({"leerjaar": 0, "reden": "x"}, 422, "ongeldige_invoer"),
    ],
)
def test_a_correction_that_cannot_be_made_stores_nothing(
    mensen: dict[str, Medewerker], body: dict[str, Any], status: int, code: str
) -> None:
    zc = mensen["zc"]
    cid = zc.meld(_v2a())
    versie = zc.lees(cid)["versie"]
    probleem(zc.doe(cid, "onderwerp-correctie", body), status, code)
    assert zc.lees(cid)["versie"] == versie


def test_the_class_that_names_a_class_case_cannot_be_corrected(
    mensen: dict[str, Medewerker],
) -> None:
    zc = mensen["zc"]
    cid = zc.meld({"type": "klas", "klas": "H3A", "afdeling": "havo", "leerjaar": 3})
    probleem(
        zc.doe(cid, "onderwerp-correctie", {"klas": "H3B", "reden": "x"}), 409, "onderwerp_vast"
    )
    assert zc.doe(cid, "onderwerp-correctie", {"afdeling": "vwo", "reden": "x"}).status_code == 201


def test_a_correction_is_possible_on_a_closed_file(mensen: dict[str, Medewerker]) -> None:
    zc = mensen["zc"]
    cid = zc.meld(_v2a())
    zc.stap(cid, "afsluiting", {"datum": dag(), "reden": "geen_zorg_meer"})
    dossier = zc.stap(cid, "onderwerp-correctie", {"naam": "Noor Echt-Anders", "reden": "Spelling"})
    assert (dossier["status"], dossier["onderwerp"]["naam"]) == ("gesloten", "Noor Echt-Anders")


def test_trends_count_a_signal_under_the_files_class_not_the_class_its_reporter_typed(
    mensen: dict[str, Medewerker],
) -> None:
    zc = mensen["zc"]
    zc.meld(_v2a())
    mensen["mentor_h3a"].post("/signalen", signaal({**_v2a(), "klas": "H3A"}))
    vraag = {"van": dag(-1), "tot": dag(), "interval": "maand", "per": "klas"}
    antwoord = zc.get("/trends", params={**vraag, **bijgewerkt(zc)})
    assert antwoord.status_code == 200, antwoord.text
    tekst = antwoord.text
    assert "V2A" in tekst and "H3A" not in tekst
