"""Reading the access log back over HTTP: the auditor's view of a file's log, the search
by user, action and period (JSON and CSV), and the break-glass report."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.test_toegangslog_http import HERKOMST, REDEN, controleer_nen7513, een_regel
from tests.e2e.toegang_opzet import Scenario


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
