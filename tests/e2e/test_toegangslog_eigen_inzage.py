"""Reading the log and the trails is a look too (issue 13, item 7): the access log of a
file, the search of the log (JSON and CSV), the break-glass report, the audit trail per
user and someone else's caseload each leave their entries before they answer, one for
the search and one per file the answer names, and answer 503 without data when those
cannot be written. On SQLite and PostgreSQL (`scenario`)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel
from tests.e2e.conftest import probleem
from tests.e2e.test_toegangslog_dicht import maak_onschrijfbaar
from tests.e2e.test_toegangslog_http import HERKOMST, REDEN, controleer_nen7513, regels_van
from tests.e2e.toegang_opzet import DOSSIERS, SCHOOL, Scenario


def _pseudoniem(s: Scenario) -> str:
    return str(s.als("zorgcoordinator").lees(s.ids["anoniem"])["pseudoniem"])


def _zoekregel(s: Scenario, antwoord: httpx.Response) -> dict[str, Any]:
    """The one entry of this request that names no file: the search itself."""
    zonder = [r for r in regels_van(s, antwoord) if r["casus_id"] is None]
    assert len(zonder) == 1, zonder
    return zonder[0]


def _per_dossier(s: Scenario, antwoord: httpx.Response) -> dict[str, dict[str, Any]]:
    """This request's entries that name a file, by file; each file only once."""
    regels = [r for r in regels_van(s, antwoord) if r["casus_id"] is not None]
    dubbel = [c for c, n in Counter(r["casus_id"] for r in regels).items() if n > 1]
    assert not dubbel, dubbel
    return {r["casus_id"]: r for r in regels}


def _anoniem_alleen_pseudoniem(s: Scenario, regel: dict[str, Any]) -> None:
    assert regel["pseudoniem"] == _pseudoniem(s)
    assert not DOSSIERS["anoniem"].noemt_leerling(json.dumps(regel, ensure_ascii=False))


# ---- the log of one file -----------------------------------------------------------------


@pytest.mark.parametrize("rol", ["auditor", "zorgcoordinator"])
@pytest.mark.parametrize(("formaat", "actie"), [("json", "lezen"), ("csv", "exporteren")])
def test_reading_a_files_access_log_leaves_one_entry_naming_that_file(
    scenario: Scenario, rol: str, formaat: str, actie: str
) -> None:
    cid = scenario.ids["gekoppeld"]
    wie = scenario.als(rol)
    antwoord = wie.get(
        f"/casussen/{cid}/toegangslog", params={"formaat": formaat}, headers=HERKOMST
    )
    assert antwoord.status_code == 200, antwoord.text
    regels = regels_van(scenario, antwoord)
    assert len(regels) == 1, regels
    controleer_nen7513(
        regels[0],
        wie,
        antwoord,
        actie=actie,
        resultaat="toegestaan",
        object_="toegangslog",
        casus_id=cid,
    )
    assert regels[0]["regel"] == f"toegangslog:{rol}:rol"
    assert regels[0]["pseudoniem"] is None
    # This read is in the next answer, not in its own.
    assert antwoord.headers["X-Request-ID"] not in antwoord.text
    volgende = wie.get(f"/casussen/{cid}/toegangslog").json()["items"]
    assert antwoord.headers["X-Request-ID"] in {r["bron"]["request_id"] for r in volgende}


def test_reading_an_anonymous_files_access_log_names_it_by_its_pseudonym_only(
    scenario: Scenario,
) -> None:
    cid = scenario.ids["anoniem"]
    antwoord = scenario.als("auditor").get(f"/casussen/{cid}/toegangslog", headers=HERKOMST)
    assert antwoord.status_code == 200, antwoord.text
    regels = regels_van(scenario, antwoord, casus_id=cid)
    assert len(regels) == 1, regels
    _anoniem_alleen_pseudoniem(scenario, regels[0])


# ---- searching the log ---------------------------------------------------------------------


@pytest.mark.parametrize(("formaat", "actie"), [("json", "zoeken"), ("csv", "exporteren")])
def test_a_log_search_logs_whom_it_searched_and_each_file_its_answer_names(
    scenario: Scenario, formaat: str, actie: str
) -> None:
    voor = datetime.now(UTC) - timedelta(seconds=1)
    mentor = scenario.als("mentor", sub=f"m-gezocht-{formaat}")
    eigen, ander = scenario.ids["eigen_klas"], scenario.ids["andere_klas"]
    assert mentor.get(f"/casussen/{eigen}").status_code == 200
    assert mentor.get(f"/casussen/{eigen}/geschiedenis").status_code == 200
    assert mentor.get(f"/casussen/{ander}").status_code == 403  # a refusal names a file too
    auditor = scenario.als("auditor")
    params = {"gebruiker": mentor.sub, "van": voor.isoformat(), "formaat": formaat}
    antwoord = auditor.get("/toegangslog", params=params, headers=HERKOMST)
    assert antwoord.status_code == 200, antwoord.text

    zoek = _zoekregel(scenario, antwoord)
    object_ = f"toegangslog_gebruiker?gebruiker={mentor.sub}&van={voor.isoformat()}"
    controleer_nen7513(
        zoek, auditor, antwoord, actie=actie, resultaat="toegestaan", object_=object_, casus_id=None
    )
    assert zoek["regel"] == "toegangslog_gebruiker:auditor:rol"
    per_dossier = _per_dossier(scenario, antwoord)
    assert set(per_dossier) == {eigen, ander}  # three entries in the answer, two files
    assert {(r["actie"], r["object"], r["regel"]) for r in per_dossier.values()} == {
        (actie, object_, "toegangslog_gebruiker:auditor:rol")
    }


def test_a_log_search_names_an_anonymous_file_by_its_pseudonym_only(scenario: Scenario) -> None:
    cid = scenario.ids["anoniem"]
    zorgteam = scenario.als("zorgteam", sub="zt-anoniem-gezocht")
    assert zorgteam.get(f"/casussen/{cid}").status_code == 200
    antwoord = scenario.als("auditor").get("/toegangslog", params={"gebruiker": zorgteam.sub})
    assert antwoord.status_code == 200, antwoord.text
    assert set(_per_dossier(scenario, antwoord)) == {cid}
    _anoniem_alleen_pseudoniem(scenario, _per_dossier(scenario, antwoord)[cid])


def test_searching_ones_own_log_again_and_again_writes_the_same_few_entries_each_time(
    scenario: Scenario,
) -> None:
    """A search's entries are in later answers, never in its own, and name each file once:
    the log grows by one entry per file and one for the search, however often it is asked."""
    auditor = scenario.als("auditor", sub="au-herhaalt")
    for relatie in ("gekoppeld", "anoniem"):
        assert auditor.get(f"/casussen/{scenario.ids[relatie]}/toegangslog").status_code == 200
    groottes, geschreven = [], []
    for _ in range(3):
        antwoord = auditor.get("/toegangslog", params={"gebruiker": auditor.sub})
        assert antwoord.status_code == 200, antwoord.text
        eigen = antwoord.headers["X-Request-ID"]
        items = antwoord.json()["items"]
        assert eigen not in {r["bron"]["request_id"] for r in items}
        groottes.append(len(items))
        geschreven.append(len(regels_van(scenario, antwoord)))
    assert geschreven == [3, 3, 3]  # the search and the two files it names
    assert groottes == [2, 5, 8]


# ---- the break-glass report ---------------------------------------------------------------


def test_the_break_glass_report_logs_its_search_and_each_file_by_pseudonym_if_anonymous(
    scenario: Scenario,
) -> None:
    voor = datetime.now(UTC) - timedelta(seconds=1)
    cid = scenario.ids["anoniem"]
    teamleider = scenario.als("teamleider", sub="tl-nood-rapport", afdeling="vwo")
    nood = teamleider.get(f"/casussen/{cid}", headers={"X-Noodtoegang": REDEN})
    assert nood.status_code == 200, nood.text
    auditor = scenario.als("auditor")
    antwoord = auditor.get(
        "/toegangslog/noodtoegang", params={"van": voor.isoformat()}, headers=HERKOMST
    )
    assert antwoord.status_code == 200, antwoord.text
    assert [r["bron"]["request_id"] for r in antwoord.json()["items"]] == [
        nood.headers["X-Request-ID"]
    ]
    object_ = f"noodtoegang?van={voor.isoformat()}"
    controleer_nen7513(
        _zoekregel(scenario, antwoord),
        auditor,
        antwoord,
        actie="zoeken",
        resultaat="toegestaan",
        object_=object_,
        casus_id=None,
    )
    per_dossier = _per_dossier(scenario, antwoord)
    assert set(per_dossier) == {cid}
    assert per_dossier[cid]["object"] == object_
    _anoniem_alleen_pseudoniem(scenario, per_dossier[cid])
    # The report's own entries are no break-glass: asking again shows the same one read.
    opnieuw = auditor.get("/toegangslog/noodtoegang", params={"van": voor.isoformat()})
    assert [r["bron"]["request_id"] for r in opnieuw.json()["items"]] == [
        nood.headers["X-Request-ID"]
    ]
    export = auditor.get(
        "/toegangslog/noodtoegang", params={"van": voor.isoformat(), "formaat": "csv"}
    )
    assert export.status_code == 200
    assert {r["actie"] for r in regels_van(scenario, export)} == {"exporteren"}


# ---- the audit trail per user ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rol", "formaat", "actie"),
    [("auditor", "json", "zoeken"), ("auditor", "csv", "exporteren"), ("zorgcoordinator", "json", "zoeken")],
)  # fmt: skip
def test_the_audit_trail_per_user_logs_whom_it_searched_and_each_file_it_names(
    scenario: Scenario, rol: str, formaat: str, actie: str
) -> None:
    wie = scenario.als(rol)
    antwoord = wie.get(
        "/audittrail", params={"gebruiker": "zc-1", "formaat": formaat}, headers=HERKOMST
    )
    assert antwoord.status_code == 200, antwoord.text
    if formaat == "csv":
        getoond = {r["casus_id"] for r in csv.DictReader(io.StringIO(antwoord.text))}
    else:
        getoond = {r["casus_id"] for r in antwoord.json()["items"]}
    assert scenario.ids["anoniem"] in getoond and len(getoond) > 5

    object_ = "audittrail_gebruiker?gebruiker=zc-1"
    controleer_nen7513(
        _zoekregel(scenario, antwoord),
        wie,
        antwoord,
        actie=actie,
        resultaat="toegestaan",
        object_=object_,
        casus_id=None,
    )
    per_dossier = _per_dossier(scenario, antwoord)
    assert set(per_dossier) == getoond
    assert {(r["actie"], r["object"], r["regel"]) for r in per_dossier.values()} == {
        (actie, object_, f"audittrail_gebruiker:{rol}:rol")
    }
    _anoniem_alleen_pseudoniem(scenario, per_dossier[scenario.ids["anoniem"]])
    benoemd = {c for c, r in per_dossier.items() if r["pseudoniem"] is not None}
    assert benoemd == {
        scenario.ids[n] for n, f in DOSSIERS.items() if f.anoniem and f.school == SCHOOL
    }


# ---- someone else's caseload ------------------------------------------------------------------


@pytest.mark.parametrize("medewerker", ["zt-2", "niemand-in-het-bijzonder"])
def test_someone_elses_caseload_logs_whose_it_is_even_when_it_is_empty(
    scenario: Scenario, medewerker: str
) -> None:
    zc = scenario.als("zorgcoordinator")
    antwoord = zc.get("/werkvoorraad", params={"medewerker": medewerker}, headers=HERKOMST)
    assert antwoord.status_code == 200, antwoord.text
    getoond = {c["casus_id"] for c in antwoord.json()["casussen"]}
    assert bool(getoond) == (medewerker == "zt-2")

    object_ = f"werkvoorraad_ander?medewerker={medewerker}"
    controleer_nen7513(
        _zoekregel(scenario, antwoord),
        zc,
        antwoord,
        actie="zoeken",
        resultaat="toegestaan",
        object_=object_,
        casus_id=None,
    )
    per_dossier = _per_dossier(scenario, antwoord)
    assert set(per_dossier) == getoond
    assert all(r["object"] == object_ for r in per_dossier.values())
    if scenario.ids["anoniem"] in per_dossier:
        _anoniem_alleen_pseudoniem(scenario, per_dossier[scenario.ids["anoniem"]])


# ---- fail closed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rol", "pad", "params"),
    [
        ("auditor", "/casussen/{cid}/toegangslog", {}),
        ("zorgcoordinator", "/casussen/{cid}/toegangslog", {"formaat": "csv"}),
        ("auditor", "/toegangslog", {"gebruiker": "m-1"}),
        ("auditor", "/toegangslog", {"formaat": "csv"}),
        ("auditor", "/toegangslog/noodtoegang", {}),
        ("auditor", "/audittrail", {"gebruiker": "zc-1"}),
        ("zorgcoordinator", "/audittrail", {"gebruiker": "zc-1", "formaat": "csv"}),
    ],
    ids=["log-dossier", "log-dossier-csv", "zoeken", "zoeken-csv", "nood", "trail", "trail-csv"],
)
def test_a_read_of_the_log_or_a_trail_answers_503_without_data_when_it_cannot_be_logged(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch, rol: str, pad: str, params: dict[str, Any]
) -> None:
    cid = scenario.ids["gekoppeld"]
    # Something to tell: a read and a break-glass read are in the log before it breaks.
    assert scenario.als("intern_begeleider").get(f"/casussen/{cid}").status_code == 200
    nood = {"X-Noodtoegang": REDEN}
    teamleider = scenario.als("teamleider", afdeling="vwo")
    assert teamleider.get(f"/casussen/{cid}", headers=nood).status_code == 200
    geschreven: list[object] = []

    def kapot(regels: Toegangsregel | Sequence[Toegangsregel]) -> None:
        geschreven.append(regels)
        raise ToegangslogOnbeschikbaar("schijf vol")

    maak_onschrijfbaar(scenario, monkeypatch, kapot)
    antwoord = scenario.als(rol).get(pad.format(cid=cid), params=params)
    body = probleem(antwoord, 503, "toegangslog_onbeschikbaar")
    assert "items" not in body and "inzages" not in body
    assert cid not in antwoord.text and "ib-1" not in antwoord.text
    assert geschreven, "the service tried to log before it answered"
