"""The access log over HTTP: one entry per allowed read and per refusal, with the fields
NEN 7513 asks for, written before any data leaves, and no data when it cannot be written.
On SQLite and PostgreSQL, on one scenario per backend (`toegang_opzet`)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel
from infrastructure.persistence import postgres_doel, sqlite_pad
from infrastructure.settings import Settings
from tests.e2e.conftest import SCHOOL, Medewerker, Omgeving, dag, leerling, probleem, signaal
from tests.e2e.toegang_opzet import (
    BACKENDS,
    CAST,
    DOSSIERS,
    ROLLEN,
    Scenario,
    scenario_voor,
)

HERKOMST = {
    "X-Namens": "Moeder van de leerling",
    "X-Doel": "Voorbereiding OZS-bespreking",
    "User-Agent": "zorgroute-test/1.0",
}
REDEN = "Leerling in crisis, mentor onbereikbaar"
CASUSVELDEN = ("onderwerp", "signalen", "niveau", "startdocument", "items", "toestemmingen")


@pytest.fixture(scope="module", params=BACKENDS)
def scenario(request: pytest.FixtureRequest) -> Iterator[Scenario]:
    yield from scenario_voor(request)


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


# ---- reading the log back --------------------------------------------------------------------


def test_the_auditor_reads_a_files_log_over_http_with_the_same_fields(scenario: Scenario) -> None:
    cid = scenario.ids["gekoppeld"]
    ib = scenario.als("intern_begeleider")
    gelezen = ib.get(f"/casussen/{cid}", headers=HERKOMST)
    geweigerd = scenario.als("mentor").get(f"/casussen/{cid}", headers=HERKOMST)
    assert (gelezen.status_code, geweigerd.status_code) == (200, 403)

    for rol in ("auditor", "zorgcoordinator"):
        log = scenario.als(rol).get(f"/casussen/{cid}/toegangslog")
        assert log.status_code == 200, log.text
        per_id = {r["bron"]["request_id"]: r for r in log.json()["items"]}
        regel = per_id[gelezen.headers["X-Request-ID"]]
        controleer_nen7513(
            regel,
            ib,
            gelezen,
            actie="lezen",
            resultaat="toegestaan",
            object_="casus",
            casus_id=cid,
        )
        weigering = per_id[geweigerd.headers["X-Request-ID"]]
        assert (weigering["actie"], weigering["resultaat"]) == ("weigering", "geweigerd")
        assert {r["casus_id"] for r in log.json()["items"]} == {cid}
    # The auditor's audit trail merges the file's changes with who looked.
    trail = scenario.als("auditor").get(f"/casussen/{cid}/audittrail")
    ids = {r["bron"]["request_id"] for r in trail.json()["inzages"]}
    assert gelezen.headers["X-Request-ID"] in ids and trail.json()["items"]


def test_the_log_search_filters_on_user_action_and_period_and_exports_csv(
    scenario: Scenario,
) -> None:
    voor = datetime.now(UTC) - timedelta(seconds=1)
    mentor = scenario.als("mentor", sub="m-zoek", naam="Mentor Zoek")
    gelezen = mentor.get(f"/casussen/{scenario.ids['eigen_klas']}", headers=HERKOMST)
    geweigerd = mentor.get(f"/casussen/{scenario.ids['andere_klas']}", headers=HERKOMST)
    auditor = scenario.als("auditor")
    params: dict[str, Any] = {"gebruiker": "m-zoek", "van": voor.isoformat()}

    alles = auditor.get("/toegangslog", params=params)
    assert [r["bron"]["request_id"] for r in alles.json()["items"]] == [
        gelezen.headers["X-Request-ID"],
        geweigerd.headers["X-Request-ID"],
    ]
    weigeringen = auditor.get("/toegangslog", params={**params, "actie": "weigering"})
    assert [r["actie"] for r in weigeringen.json()["items"]] == ["weigering"]
    later = auditor.get(
        "/toegangslog",
        params={**params, "van": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
    )
    assert later.json()["items"] == []

    export = auditor.get("/toegangslog", params={**params, "formaat": "csv"})
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rijen = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["request_id"] for r in rijen] == [
        gelezen.headers["X-Request-ID"],
        geweigerd.headers["X-Request-ID"],
    ]
    eerste = rijen[0]
    assert (eerste["gebruiker_id"], eerste["gebruiker_naam"], eerste["gebruiker_rol"]) == (
        "m-zoek",
        "Mentor Zoek",
        "mentor",
    )
    assert (eerste["namens"], eerste["doel"], eerste["bron_agent"]) == (
        HERKOMST["X-Namens"],
        HERKOMST["X-Doel"],
        HERKOMST["User-Agent"],
    )
    assert (eerste["actie"], eerste["resultaat"], eerste["casus_id"]) == (
        "lezen",
        "toegestaan",
        scenario.ids["eigen_klas"],
    )


def test_break_glass_is_logged_as_noodtoegang_and_listed_with_its_reason_for_the_auditor(
    scenario: Scenario,
) -> None:
    cid = scenario.ids["andere_afdeling"]
    teamleider = scenario.als("teamleider")
    antwoord = teamleider.get(f"/casussen/{cid}", headers={**HERKOMST, "X-Noodtoegang": REDEN})
    assert antwoord.status_code == 200, antwoord.text
    regel = een_regel(scenario, antwoord, cid)
    controleer_nen7513(
        regel,
        teamleider,
        antwoord,
        actie="noodtoegang",
        resultaat="toegestaan",
        object_="casus",
        casus_id=cid,
    )
    assert regel["reden_noodtoegang"] == REDEN

    rapport = scenario.als("auditor").get("/toegangslog/noodtoegang")
    assert rapport.status_code == 200
    gevonden = [
        r
        for r in rapport.json()["items"]
        if r["bron"]["request_id"] == antwoord.headers["X-Request-ID"]
    ]
    assert [(r["reden_noodtoegang"], r["gebruiker"]["id"]) for r in gevonden] == [(REDEN, "tl-1")]
    assert all(r["actie"] == "noodtoegang" for r in rapport.json()["items"])
    csv_rapport = scenario.als("auditor").get("/toegangslog/noodtoegang", params={"formaat": "csv"})
    assert REDEN in csv_rapport.text
    # A reason does not turn a normal read into break-glass, nor a mentor into a teamleider.
    gewoon = scenario.als("zorgcoordinator").get(
        f"/casussen/{cid}", headers={"X-Noodtoegang": REDEN}
    )
    assert een_regel(scenario, gewoon, cid)["actie"] == "lezen"
    mentor = scenario.als("mentor").get(f"/casussen/{cid}", headers={"X-Noodtoegang": REDEN})
    assert mentor.status_code == 403
    assert een_regel(scenario, mentor, cid)["actie"] == "weigering"


# ---- fail closed --------------------------------------------------------------------------------


def maak_onschrijfbaar(
    s: Scenario, monkeypatch: pytest.MonkeyPatch, kapot: Callable[[Any], None]
) -> None:
    """Every way the port writes (one entry, or an overview's entries at once) fails."""
    for methode in ("schrijf", "schrijf_alle"):
        if hasattr(s.logboek, methode):
            monkeypatch.setattr(s.logboek, methode, kapot)


def _geen_casusgegevens(s: Scenario, antwoord: httpx.Response, relatie: str) -> None:
    body = probleem(antwoord, 503, "toegangslog_onbeschikbaar")
    f = DOSSIERS[relatie]
    assert not f.noemt_leerling(antwoord.text)
    for verboden in s.teksten[relatie]:
        assert verboden not in antwoord.text
    assert not set(body) & set(CASUSVELDEN), body


@pytest.mark.parametrize(
    ("rol", "pad", "params"),
    [
        ("zorgcoordinator", "/casussen/{cid}", {}),
        ("zorgcoordinator", "/casussen/{cid}", {"versie": 2}),
        ("zorgcoordinator", "/casussen/{cid}/geschiedenis", {}),
        ("auditor", "/casussen/{cid}/audittrail", {}),
        ("zorgcoordinator", "/casussen", {}),
        ("zorgcoordinator", "/agenda/ozs", {"datum": dag(8)}),
        ("mentor", "/casussen/{cid}", {}),  # a refusal must be logged too
        ("teamleider", "/casussen/{cid}", {"X-Noodtoegang": REDEN}),
    ],
    ids=["dossier", "versie", "geschiedenis", "audittrail", "lijst", "agenda", "weigering", "nood"],
)
def test_a_read_answers_503_without_case_data_when_the_log_cannot_be_written(
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    rol: str,
    pad: str,
    params: dict[str, Any],
) -> None:
    relatie = "andere_afdeling"  # the teamleider's break-glass case; the mentor's refusal
    cid = scenario.ids[relatie]
    geschreven: list[object] = []

    def kapot(regels: Toegangsregel | Sequence[Toegangsregel]) -> None:
        geschreven.append(regels)
        raise ToegangslogOnbeschikbaar("schijf vol")

    maak_onschrijfbaar(scenario, monkeypatch, kapot)
    kop = {"X-Noodtoegang": params.pop("X-Noodtoegang")} if "X-Noodtoegang" in params else {}
    antwoord = scenario.als(rol).get(pad.format(cid=cid), params=params, headers=kop)
    _geen_casusgegevens(scenario, antwoord, relatie)
    assert geschreven, "the service tried to log before it answered"


def test_a_refused_command_answers_503_when_its_refusal_cannot_be_logged(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    def kapot(regels: Toegangsregel | Sequence[Toegangsregel]) -> None:
        raise ToegangslogOnbeschikbaar("schijf vol")

    maak_onschrijfbaar(scenario, monkeypatch, kapot)
    cid = scenario.ids["andere_klas"]
    gesprek = {"met": "leerling", "datum": dag(), "samenvatting": "x"}
    antwoord = scenario.als("mentor").post(f"/casussen/{cid}/gesprekken", gesprek)
    _geen_casusgegevens(scenario, antwoord, "andere_klas")


def _breek_opslag(settings: Settings) -> None:
    """Rename the log's table under the running app, as a lost disk or schema would."""
    if settings.is_sqlite:
        pad = Path(sqlite_pad(settings.database_url))
        bestand = pad.with_name(pad.stem + ".toegangslog" + (pad.suffix or ".sqlite"))
        with sqlite3.connect(bestand) as verbinding:
            verbinding.execute("ALTER TABLE toegangslog RENAME TO toegangslog_kwijt")
        return
    doel = postgres_doel(settings.database_url)
    with psycopg.connect(**doel.verbinding(autocommit=True)) as verbinding:
        verbinding.execute(
            sql.SQL("ALTER TABLE {}.toegangslog RENAME TO toegangslog_kwijt").format(
                sql.Identifier(doel.schema or "public")
            )
        )


def test_with_the_log_storage_gone_a_file_read_answers_503_and_no_case_data(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    naam = "Lotte Lekvrij"
    cid = zc.meld(leerling("777001", naam), omschrijving="GEHEIM: zorgen over thuis")
    assert zc.get(f"/casussen/{cid}").status_code == 200
    _breek_opslag(omgeving.settings)

    for pad in (f"/casussen/{cid}", f"/casussen/{cid}/geschiedenis", "/casussen"):
        antwoord = zc.get(pad)
        body = probleem(antwoord, 503, "toegangslog_onbeschikbaar")
        for verboden in (naam, "777001", "GEHEIM"):
            assert verboden not in antwoord.text
        assert not set(body) & set(CASUSVELDEN)
