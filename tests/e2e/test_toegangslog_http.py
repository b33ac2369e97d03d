"""The access log over HTTP: one entry per allowed read and per refusal, with the fields
NEN 7513 asks for, written before any data leaves. On SQLite and PostgreSQL, on one
scenario per backend (`toegang_opzet`). Reading the log back is in
`test_toegangslog_inzien.py`, failing closed in `test_toegangslog_dicht.py`."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import SCHOOL, Medewerker, dag, probleem, signaal
from tests.e2e.toegang_opzet import (
    CAST,
    DOSSIERS,
    ROLLEN,
    Scenario,
)

HERKOMST = {
    "X-Namens": "Moeder van de leerling",
    "X-Doel": "Voorbereiding OZS-bespreking",
    "User-Agent": "zorgroute-test/1.0",
}
REDEN = "Leerling in crisis, mentor onbereikbaar"
CASUSVELDEN = ("onderwerp", "signalen", "niveau", "startdocument", "items", "toestemmingen")


def regels_van(s: Scenario, antwoord: httpx.Response, **filter_: Any) -> list[dict[str, Any]]:
    """The entries the request behind `antwoord` left (matched on its X-Request-ID)."""
    request_id = antwoord.headers["X-Request-ID"]
    return [r for r in s.zoek_log(**filter_) if r["bron"]["request_id"] == request_id]


def een_regel(s: Scenario, antwoord: httpx.Response, cid: str | None) -> dict[str, Any]:
    regels = regels_van(s, antwoord, casus_id=cid) if cid else regels_van(s, antwoord)
    assert len(regels) == 1, regels
    return regels[0]


def controleer_nen7513(
    regel: dict[str, Any],
    wie: Medewerker,
    antwoord: httpx.Response,
    *,
    actie: str,
    resultaat: str,
    object_: str,
    casus_id: str | None,
) -> None:
    tijdstip = datetime.fromisoformat(regel["tijdstip"])
    assert tijdstip.tzinfo is not None
    assert abs(datetime.now(UTC) - tijdstip) < timedelta(minutes=2)
    assert regel["gebruiker"] == {"id": wie.sub, "naam": wie.naam, "rol": wie.rol}
    assert regel["namens"] == HERKOMST["X-Namens"]
    assert regel["doel"] == HERKOMST["X-Doel"]
    assert (regel["actie"], regel["resultaat"], regel["object"]) == (actie, resultaat, object_)
    assert regel["casus_id"] == casus_id
    assert regel["regel"], "the policy rule that decided"
    assert regel["bron"] == {
        "adres": "testclient",
        "agent": HERKOMST["User-Agent"],
        "request_id": antwoord.headers["X-Request-ID"],
    }


# ---- one entry per look, with every field ----------------------------------------------------


@pytest.mark.parametrize(
    ("pad", "params", "object_"),
    [
        ("/casussen/{cid}", {}, "casus"),
        ("/casussen/{cid}", {"versie": 1}, "casus"),
        ("/casussen/{cid}", {"op": "2100-01-01T00:00:00+00:00"}, "casus"),
        ("/casussen/{cid}/geschiedenis", {}, "geschiedenis"),
    ],
    ids=["nu", "versie", "op", "geschiedenis"],
)
def test_an_allowed_read_of_a_file_leaves_exactly_one_entry_with_every_nen_7513_field(
    scenario: Scenario, pad: str, params: dict[str, Any], object_: str
) -> None:
    cid = scenario.ids["eigen_klas"]
    mentor = scenario.als("mentor")
    antwoord = mentor.get(pad.format(cid=cid), params=params, headers=HERKOMST)
    assert antwoord.status_code == 200, antwoord.text
    regel = een_regel(scenario, antwoord, cid)
    controleer_nen7513(
        regel,
        mentor,
        antwoord,
        actie="lezen",
        resultaat="toegestaan",
        object_=object_,
        casus_id=cid,
    )
    assert regel["pseudoniem"] is None and regel["reden_noodtoegang"] is None


def test_a_read_of_an_anonymous_file_is_logged_under_its_pseudonym_and_never_its_name(
    scenario: Scenario,
) -> None:
    cid, f = scenario.ids["anoniem"], DOSSIERS["anoniem"]
    zorgteam = scenario.als("zorgteam")
    pseudoniem = scenario.als("zorgcoordinator").lees(cid)["pseudoniem"]
    antwoorden = [
        zorgteam.get(f"/casussen/{cid}", headers=HERKOMST),
        zorgteam.get(f"/casussen/{cid}/geschiedenis", headers=HERKOMST),
        scenario.als("mentor").get(f"/casussen/{cid}", headers=HERKOMST),  # sees the name
        scenario.als("docent").get(f"/casussen/{cid}", headers=HERKOMST),  # refused
    ]
    assert [a.status_code for a in antwoorden] == [200, 200, 200, 403]
    for antwoord in antwoorden:
        regel = een_regel(scenario, antwoord, cid)
        assert regel["pseudoniem"] == pseudoniem
        tekst = json.dumps(regel, ensure_ascii=False)
        assert not f.noemt_leerling(tekst)
    alles = scenario.als("auditor").get(f"/casussen/{cid}/toegangslog", params={"formaat": "csv"})
    assert alles.status_code == 200
    assert not f.noemt_leerling(alles.text)


@pytest.mark.parametrize(
    ("rol", "methode", "pad", "object_"),
    [
        ("mentor", "GET", "/casussen/{cid}", "casus"),
        ("intern_begeleider", "GET", "/casussen/{cid}/geschiedenis", "geschiedenis"),
        ("auditor", "GET", "/casussen/{cid}", "casus"),
        ("mentor", "POST", "/casussen/{cid}/gesprekken", "gesprekken"),
        ("extern", "POST", "/casussen/{cid}/signalen", "signalen"),
        ("docent", "GET", "/casussen", "casussen"),
        ("mentor", "GET", "/casussen/{cid}/audittrail", "audittrail"),
        ("zorgteam", "GET", "/toegangslog", "toegangslog_gebruiker"),
    ],
)
def test_every_refusal_leaves_exactly_one_entry_with_the_rule_that_refused(
    scenario: Scenario, rol: str, methode: str, pad: str, object_: str
) -> None:
    cid = scenario.ids["andere_klas"]
    wie = scenario.als(rol)
    if methode == "GET":
        antwoord = wie.get(pad.format(cid=cid), headers=HERKOMST)
    else:
        body = {"met": "leerling", "datum": dag(), "samenvatting": "x"}
        body = signaal() if pad.endswith("signalen") else body
        antwoord = wie.post(pad.format(cid=cid), body, headers=HERKOMST)
    probleem(antwoord, 403, "geen_toegang")
    over_dossier = "{cid}" in pad and object_ in ("casus", "geschiedenis", "gesprekken", "signalen")
    regel = een_regel(scenario, antwoord, None)
    controleer_nen7513(
        regel,
        wie,
        antwoord,
        actie="weigering",
        resultaat="geweigerd",
        object_=object_,
        casus_id=cid if over_dossier else None,
    )


def test_a_teacher_refused_the_history_of_their_own_signals_file_is_logged_as_a_refusal(
    scenario: Scenario,
) -> None:
    cid = scenario.ids["eigen_klas"]
    antwoord = scenario.als("docent").get(f"/casussen/{cid}/geschiedenis", headers=HERKOMST)
    probleem(antwoord, 403, "geen_toegang")
    regel = een_regel(scenario, antwoord, cid)
    assert (regel["actie"], regel["resultaat"]) == ("weigering", "geweigerd")


def test_every_look_in_the_matrix_leaves_one_entry_and_every_refusal_one_refusal(
    scenario: Scenario,
) -> None:
    """All roles × all files of the school × file, version and history: 200 → exactly one
    `toegestaan` entry, 403 → exactly one `geweigerd` entry, for that request."""
    verwacht: dict[str, tuple[str, str, str]] = {}
    for rol in ROLLEN:
        if CAST[rol].school is None:
            continue  # swv: no school, so no file and no entry in a school's log
        wie = scenario.als(rol)
        for relatie, f in DOSSIERS.items():
            if f.school != SCHOOL:
                continue
            cid = scenario.ids[relatie]
            for pad, params in (
                (f"/casussen/{cid}", {}),
                (f"/casussen/{cid}", {"versie": 1}),
                (f"/casussen/{cid}/geschiedenis", {}),
            ):
                antwoord = wie.get(pad, params=params)
                assert antwoord.status_code in (200, 403), f"{rol} {relatie}: {antwoord.text}"
                resultaat = "toegestaan" if antwoord.status_code == 200 else "geweigerd"
                verwacht[antwoord.headers["X-Request-ID"]] = (rol, cid, resultaat)
    regels = [r for r in scenario.zoek_log(limiet=1_000_000) if r["bron"]["request_id"] in verwacht]
    per_verzoek = Counter(r["bron"]["request_id"] for r in regels)
    assert {k for k, n in per_verzoek.items() if n != 1} == set()
    assert set(per_verzoek) == set(verwacht), "a request without an entry"
    for r in regels:
        rol, cid, resultaat = verwacht[r["bron"]["request_id"]]
        assert (r["gebruiker"]["rol"], r["casus_id"], r["resultaat"]) == (rol, cid, resultaat)
    assert len(verwacht) > 200


def test_an_overview_logs_one_entry_per_file_it_shows_and_an_export_as_exporteren(
    scenario: Scenario,
) -> None:
    teamleider = scenario.als("teamleider")
    lijst = teamleider.get("/casussen", headers=HERKOMST)
    assert lijst.status_code == 200
    getoond = sorted(i["casus_id"] for i in lijst.json()["items"])
    regels = regels_van(scenario, lijst)
    assert sorted(r["casus_id"] for r in regels) == getoond and getoond
    assert {(r["actie"], r["resultaat"], r["object"]) for r in regels} == {
        ("zoeken", "toegestaan", "casussen")
    }
    export = scenario.als("zorgcoordinator").get(
        f"/casussen/{scenario.ids['gekoppeld']}/audittrail",
        params={"formaat": "csv"},
        headers=HERKOMST,
    )
    assert export.status_code == 200
    regel = een_regel(scenario, export, scenario.ids["gekoppeld"])
    assert (regel["actie"], regel["object"]) == ("exporteren", "audittrail")
    agenda = scenario.als("zorgcoordinator").get(
        "/agenda/ozs", params={"datum": dag(8), "formaat": "ics"}
    )
    assert agenda.status_code == 200
    assert {r["actie"] for r in regels_van(scenario, agenda)} <= {"exporteren"}


@pytest.mark.parametrize(
    ("rol", "pad", "params"),
    [
        ("zorgcoordinator", "/casussen", {}),
        ("zorgcoordinator", "/agenda/ozs", {"datum": dag(8)}),
        ("zorgteam", "/werkvoorraad", {}),  # as zt-2, the file's regiehouder
    ],
    ids=["lijst", "agenda", "werkvoorraad"],
)
def test_an_overview_logs_an_anonymous_file_under_its_pseudonym(
    scenario: Scenario, rol: str, pad: str, params: dict[str, Any]
) -> None:
    cid, f = scenario.ids["anoniem"], DOSSIERS["anoniem"]
    pseudoniem = scenario.als("zorgcoordinator").lees(cid)["pseudoniem"]
    kijker = scenario.als(rol, sub="zt-2") if rol == "zorgteam" else scenario.als(rol)
    antwoord = kijker.get(pad, params=params, headers=HERKOMST)
    assert antwoord.status_code == 200, antwoord.text
    regels = [r for r in regels_van(scenario, antwoord) if r["casus_id"] == cid]

    assert len(regels) == 1  # the anonymous file is on this overview
    assert regels[0]["pseudoniem"] == pseudoniem
    assert not f.noemt_leerling(json.dumps(regels[0], ensure_ascii=False))
