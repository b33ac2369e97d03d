"""Issue 13, item 2: no check answers before access is decided. A caller who may not read
a file gets the same answer whatever the file's state (none, small, large, closed,
anonymous), and every refusal is in the access log. The attacks as the review ran them,
over HTTP on both backends, and their variants through other roles and endpoints."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Omgeving, bijgewerkt, dag, leerling, probleem, signaal

INBRENG = {
    "datum": dag(-1),
    "ondersteuningsvraag": "Hoe komt zij weer tot rust?",
    "doel": "Rust",
    "waarom_nu": "Escalatie",
    "sterke_kanten": "Eerlijk",
}


def log_van(omgeving: Omgeving, antwoord: httpx.Response) -> list[dict[str, Any]]:
    """The access-log entries the request behind `antwoord` left."""
    auditor = omgeving.als("auditor", sub="fg-1")
    rid = antwoord.headers["X-Request-ID"]
    items = auditor.get("/toegangslog", params={"limiet": 1000}).json()["items"]
    return [i for i in items if i["bron"]["request_id"] == rid]


def _gelijk(antwoord: httpx.Response) -> tuple[Any, ...]:
    """What must not differ between files: status, fields, code and text."""
    body = antwoord.json()
    return (
        antwoord.status_code,
        tuple(sorted(body)),
        body.get("code"),
        body.get("detail"),
        "ETag" in antwoord.headers,
    )


@pytest.fixture
def dossiers(omgeving: Omgeving) -> dict[str, dict[str, Any]]:
    """Pupils of class 2A in every state a file can be in, and one with no file."""
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    staten: dict[str, dict[str, Any]] = {}
    for naam, nummer in [("geen", "500001"), ("klein", "500002"), ("groot", "500003"),
                         ("gesloten", "500004"), ("anoniem", "500005")]:  # fmt: skip
        staten[naam] = leerling(nummer, f"Leerling {naam}")
    zc.meld(staten["klein"])
    groot = zc.meld(staten["groot"])
    for _ in range(5):
        zc.stap(groot, "gesprekken", {"met": "leerling", "datum": dag(-2), "samenvatting": "x"})
    gesloten = zc.meld(staten["gesloten"])
    zc.stap(gesloten, "afsluiting", {"datum": dag(-1), "reden": "geen_zorg_meer"})
    anoniem = zc.meld(staten["anoniem"])
    zc.stap(anoniem, "ozs-inbreng", {**INBRENG, "anoniem": True, "reden_anoniem": "Veiligheid"})
    return staten


NIET_LEZERS = [
    ("docent", {}),
    ("mentor", {"klassen": ["4C"]}),
    ("teamleider", {"afdeling": "vwo"}),
    ("intern_begeleider", {}),
]


@pytest.mark.parametrize(("rol", "claims"), NIET_LEZERS, ids=[r for r, _ in NIET_LEZERS])
def test_if_match_on_a_signal_tells_a_non_reader_nothing_about_any_pupil(
    omgeving: Omgeving, dossiers: dict[str, dict[str, Any]], rol: str, claims: dict[str, Any]
) -> None:
    wie = omgeving.als(rol, sub=f"{rol}-x", **claims)
    antwoorden = {
        naam: wie.post("/signalen", signaal(o), headers={"If-Match": '"999999"'})
        for naam, o in dossiers.items()
    }
    for antwoord in antwoorden.values():
        body = probleem(antwoord, 403, "versie_verborgen")
        assert "actuele_versie" not in body and "ETag" not in antwoord.headers
        # Refused, and the refusal is on record.
        (regel,) = log_van(omgeving, antwoord)
        assert (regel["actie"], regel["resultaat"]) == ("weigering", "geweigerd")
        assert regel["regel"] == "signalen:versie:geen_regel"
    assert len({_gelijk(a) for a in antwoorden.values()}) == 1
    # Nothing was stored: the pupil without a file still has none.
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    lijst = zc.get("/casussen", params={**bijgewerkt(zc), "limit": 200}).json()["items"]
    assert "Leerling geen" not in str(lijst)


@pytest.mark.parametrize(("rol", "claims"), NIET_LEZERS, ids=[r for r, _ in NIET_LEZERS])
def test_a_plain_signal_answers_a_non_reader_alike_for_every_state_of_the_file(
    omgeving: Omgeving, dossiers: dict[str, dict[str, Any]], rol: str, claims: dict[str, Any]
) -> None:
    wie = omgeving.als(rol, sub=f"{rol}-x", **claims)
    antwoorden = [wie.post("/signalen", signaal(o)) for o in dossiers.values()]
    for antwoord in antwoorden:
        assert antwoord.status_code == 201, antwoord.text
        assert "versie" not in antwoord.json() and "nieuw" not in antwoord.json()
    assert len({_gelijk(a) for a in antwoorden}) == 1


def test_whoever_may_read_the_file_does_get_its_version_and_whether_it_is_new(
    omgeving: Omgeving,
) -> None:
    mentor = omgeving.als("mentor", sub="m-2a", klassen=["2A"])
    eerste = mentor.post("/signalen", signaal(leerling("600001")))
    assert (eerste.status_code, eerste.json()["nieuw"], eerste.json()["versie"]) == (201, True, 2)
    assert eerste.headers["ETag"] == '"2"'
    tweede = mentor.post("/signalen", signaal(leerling("600001")))
    assert (tweede.status_code, tweede.json()["nieuw"], tweede.json()["versie"]) == (201, False, 3)
    probleem(
        mentor.post("/signalen", signaal(leerling("600001")), headers={"If-Match": "1"}),
        412,
        "versie_conflict",
    )


def test_trying_pupil_numbers_on_a_known_anonymous_file_tells_nothing(
    omgeving: Omgeving, dossiers: dict[str, dict[str, Any]]
) -> None:
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    cid = zc.meld(dossiers["anoniem"])
    # The teamleider of the department reads the file, under its pseudonym only.
    teamleider = omgeving.als("teamleider", sub="tl-havo", afdeling="havo")
    assert "leerlingnummer" not in teamleider.lees(cid)["onderwerp"]
    for wie in (teamleider, omgeving.als("docent", sub="d-9")):
        for koppen in ({}, {"If-Match": '"999"'}):
            pogingen = [
                wie.post(f"/casussen/{cid}/signalen", signaal(leerling(nummer)), headers=koppen)
                for nummer in ("500004", "500005", "500006")  # the right one in the middle
            ]
            assert len({_gelijk(p) for p in pogingen}) == 1, [p.text for p in pogingen]
            assert pogingen[0].status_code in (403, 412, 422)  # 412: the teamleider reads it
    # Whoever sees the subject is told when it does not match.
    body = probleem(
        zc.post(f"/casussen/{cid}/signalen", signaal(leerling("500006"))), 422, "ongeldige_invoer"
    )
    assert body["fouten"][0]["melding"] == "past niet bij het dossier in het pad"
    assert zc.post(f"/casussen/{cid}/signalen", signaal(dossiers["anoniem"])).status_code == 201


def test_a_command_by_a_writer_who_may_not_read_gives_no_version_either(
    omgeving: Omgeving,
) -> None:
    # The zorgteam discusses a file with the contactpersoon zorg before it may read it.
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    zorgteam = omgeving.als("zorgteam", sub="zt-1")
    cid = zc.meld(leerling("600002"))
    bespreking = {"datum": dag(-1), "advies": "Volgen", "besluit": "advies"}
    probleem(zorgteam.get(f"/casussen/{cid}"), 403, "geen_toegang")
    geweigerd = zorgteam.doe(
        cid, "contactpersoonbesprekingen", bespreking, headers={"If-Match": "1"}
    )
    probleem(geweigerd, 403, "versie_verborgen")
    gelukt = zorgteam.doe(cid, "contactpersoonbesprekingen", bespreking)
    assert gelukt.status_code == 201
    assert set(gelukt.json()) == {"casus_id", "positie"} and "ETag" not in gelukt.headers


def test_a_teacher_reading_their_own_signals_sees_no_version(omgeving: Omgeving) -> None:
    docent = omgeving.als("docent", sub="d-1")
    cid = docent.meld(leerling("600003"))
    antwoord = docent.get(f"/casussen/{cid}")
    assert antwoord.status_code == 200
    assert "versie" not in antwoord.json() and "ETag" not in antwoord.headers


@pytest.mark.parametrize(
    ("handeling", "body", "koppen", "status", "code"),
    [
        ("ozs-inbreng", INBRENG, {}, 409, "ouders_niet_geinformeerd"),
        (
            "gesprekken",
            {"met": "leerling", "datum": dag(-1), "samenvatting": "x"},
            {"If-Match": "99"},
            412,
            "versie_conflict",
        ),
        ("signalen", signaal(leerling("999999")), {}, 422, "ongeldige_invoer"),
    ],
    ids=["409", "412", "422"],
)
def test_an_allowed_write_that_stores_nothing_is_logged_as_an_attempt(
    omgeving: Omgeving,
    handeling: str,
    body: dict[str, Any],
    koppen: dict[str, str],
    status: int,
    code: str,
) -> None:
    mentor = omgeving.als("mentor", sub="m-2a", klassen=["2A"])
    cid = mentor.meld(leerling("600004"))
    antwoord = mentor.doe(cid, handeling, body, headers=koppen)
    probleem(antwoord, status, code)
    (regel,) = log_van(omgeving, antwoord)
    assert (regel["actie"], regel["resultaat"], regel["casus_id"]) == ("wijzigen", "mislukt", cid)
    assert regel["object"] == handeling
    assert regel["regel"].endswith(f":{code}") and regel["regel"].startswith(f"{handeling}:mentor:")


def test_a_refused_write_is_logged_as_a_refusal(omgeving: Omgeving) -> None:
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    cid = zc.meld(leerling("600005"))
    mentor = omgeving.als("mentor", sub="m-4c", klassen=["4C"])
    antwoord = mentor.doe(
        cid, "gesprekken", {"met": "leerling", "datum": dag(-1), "samenvatting": "x"}
    )
    probleem(antwoord, 403, "geen_toegang")
    (regel,) = log_van(omgeving, antwoord)
    assert (regel["actie"], regel["resultaat"], regel["casus_id"]) == (
        "weigering",
        "geweigerd",
        cid,
    )


def test_feedback_to_a_reporter_is_seen_by_that_reporter_only(omgeving: Omgeving) -> None:
    # Issue 13, item 6.
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    a, b = omgeving.als("docent", sub="d-a"), omgeving.als("docent", sub="d-b")
    cid = a.meld(leerling("600006"))
    b.meld(leerling("600006"))
    terug = {"aan": "signaalgever", "datum": dag(-1), "inhoud": "Voor docent A"}
    probleem(zc.doe(cid, "terugkoppelingen", terug), 409, "signaalgever_onbekend")
    zc.stap(cid, "terugkoppelingen", {**terug, "signaalgever": "d-a"})
    assert [t["inhoud"] for t in a.lees(cid)["terugkoppelingen"]] == ["Voor docent A"]
    assert b.lees(cid)["terugkoppelingen"] == []
    assert "Voor docent A" not in b.get(f"/casussen/{cid}").text
    # The zorgcoördinator sees for whom it was.
    assert zc.lees(cid)["terugkoppelingen"][0]["signaalgever"] == "d-a"


def test_a_list_of_someones_files_leaves_the_search_on_record_even_when_empty(
    omgeving: Omgeving,
) -> None:
    # Issue 13, item 7: `?regiehouder=` tells whose files these are.
    zc = omgeving.als("zorgcoordinator", sub="zc-1")
    leeg = zc.get("/casussen", params={"regiehouder": "zt-9", **bijgewerkt(zc)})
    assert leeg.status_code == 200 and leeg.json()["items"] == []
    (regel,) = log_van(omgeving, leeg)
    assert (regel["actie"], regel["object"], regel["casus_id"]) == (
        "zoeken",
        "casussen?regiehouder=zt-9",
        None,
    )
    cid = zc.meld(leerling("600007"))
    zc.stap(cid, "ozs-inbreng", {**INBRENG, "anoniem": True, "reden_anoniem": "Veiligheid"})
    zc.stap(cid, "regiehouder", {"medewerker_id": "zt-9", "naam": "R"})
    gevuld = zc.get("/casussen", params={"regiehouder": "zt-9", **bijgewerkt(zc)})
    regels = log_van(omgeving, gevuld)
    assert {r["casus_id"] for r in regels} == {None, cid}
    assert all(r["object"] == "casussen?regiehouder=zt-9" for r in regels)
