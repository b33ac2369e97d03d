"""The demo school: ~60 cases over every level and state, built with the real commands."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.demo import AANTAL_LEERLINGEN, SCHOOL, ZORGCOORDINATOR, is_geseed, seed_demo
from api.demo_scenarios import JEUGDARTS, LEERPLICHT, WIJKTEAM
from application.fouten import GeenToegang
from application.gebruiker import Gebruiker, is_organisatie
from application.service import Zorgroute
from domain.waarden import NIVEAUS


def alle_dossiers(service: Zorgroute) -> list[dict[str, Any]]:
    """Every file in the store, found from the event log rather than from the demo's plan."""
    geopend = service.opslag.recorder.select_notifications(
        start=1, limit=1_000_000, topics=["zorgroute:CasusGeopend"]
    )
    return [service.lees(ZORGCOORDINATOR, n.originator_id) for n in geopend]  # type: ignore[arg-type]


def laatste_positie(service: Zorgroute) -> int:
    return service.opslag.recorder.max_notification_id() or 0


def test_demo_school_spreads_over_every_level_and_state(service: Zorgroute) -> None:
    begin = time.monotonic()
    samenvatting = seed_demo(service)
    duur = time.monotonic() - begin

    dossiers = alle_dossiers(service)
    open_dossiers = [d for d in dossiers if d["status"] == "open"]
    gesloten = [d for d in dossiers if d["status"] == "gesloten"]
    leerlingen = [d for d in dossiers if d["onderwerp"]["type"] == "leerling"]
    klassen = [d for d in dossiers if d["onderwerp"]["type"] == "klas"]

    assert duur < 30, f"seeden duurde {duur:.1f} s"
    assert samenvatting.leerlingen == AANTAL_LEERLINGEN
    assert samenvatting.casussen == samenvatting.aangemaakt == len(dossiers)
    assert 55 <= len(dossiers) <= 65
    assert {d["school"] for d in dossiers} == {"99XX"}
    assert set(Counter(d["niveau"] for d in open_dossiers)) == set(NIVEAUS)
    assert samenvatting.per_niveau == dict(Counter(d["niveau"] for d in open_dossiers))
    assert {d["afsluitreden"] for d in gesloten} == {
        "doelen_behaald",
        "geen_zorg_meer",
        "uitgeschreven",
        "overgedragen",
    }
    assert any(d["traject"] == 2 and d["status"] == "open" for d in dossiers)
    assert len(klassen) >= 3
    assert len({d["onderwerp"]["klas"] for d in klassen}) == len(klassen)
    assert all(d["regiehouder"] is None and not d["toestemmingen"] for d in klassen)
    assert {d["niveau"] for d in klassen} >= {"mentor", "kernteam", "ozs"}
    [anoniem] = [d for d in dossiers if d["anoniem"]]
    assert anoniem["pseudoniem"] and anoniem["niveau"] == "ozs"
    assert anoniem["onderwerp"]["type"] == "leerling"

    besluiten = {
        (doel, t["besluit"], t["door"])
        for d in leerlingen
        for doel, t in d["toestemmingen"].items()
    }
    assert {("ozs", "geweigerd", "ouders"), ("zat", "ingetrokken", "ouders")} <= besluiten
    assert ("ozs", "gegeven", "leerling") in besluiten
    assert any(d["opp"] for d in dossiers)
    assert any(d["opschalen"] for d in dossiers)
    assert any(d["intern_begeleider"] for d in dossiers)
    assert any(d["kernteam_aanmelding"] for d in dossiers)
    regiehouders = {d["regiehouder"]["medewerker_id"] for d in dossiers if d["regiehouder"]}
    assert regiehouders == {"zt-bakker", "zt-visser"}


def test_every_demo_pupil_is_fictional_and_plausible(service: Zorgroute) -> None:
    seed_demo(service)

    leerlingen = [
        d["onderwerp"] for d in alle_dossiers(service) if d["onderwerp"]["type"] == "leerling"
    ]

    assert all(o["leerlingnummer"].startswith("30") for o in leerlingen)
    assert {o["afdeling"] for o in leerlingen} == {"mavo", "havo", "vwo"}
    assert {o["leerjaar"] for o in leerlingen} == {1, 2, 3, 4}
    assert all(o["klas"][1] == str(o["leerjaar"]) for o in leerlingen)
    assert all("geboortedatum" in o for o in leerlingen)


def test_demo_partners_read_exactly_the_open_files_referred_to_their_organisation(
    service: Zorgroute,
) -> None:
    seed_demo(service)
    dossiers = alle_dossiers(service)
    verwijzingen = {
        d["casus_id"]: i["gegevens"]["ketenpartners"]
        for d in dossiers
        for i in service.geschiedenis(ZORGCOORDINATOR, UUID(d["casus_id"]))["items"]
        if i["type"] == "DoorverwezenNaarZAT"
    }
    assert verwijzingen and all(is_organisatie(k) for ks in verwijzingen.values() for k in ks)
    verwezen_open = {
        d["casus_id"] for d in dossiers if d["casus_id"] in verwijzingen and d["status"] == "open"
    }

    for organisatie, verwacht in (
        (JEUGDARTS, verwezen_open),
        (WIJKTEAM, verwezen_open),
        (LEERPLICHT, set()),
    ):
        partner = Gebruiker(
            sub=f"ex-{organisatie}",
            naam="Partner",
            rol="extern",
            school=SCHOOL,
            organisatie=organisatie,
        )
        gelezen = set()
        for d in dossiers:
            try:
                service.lees(partner, UUID(d["casus_id"]))
            except GeenToegang:
                continue
            gelezen.add(d["casus_id"])
        assert gelezen == verwacht, organisatie
    assert verwezen_open and verwezen_open < set(verwijzingen)  # a closed referral is read by none


def test_a_second_seed_adds_nothing(service: Zorgroute) -> None:
    assert not is_geseed(service)
    seed_demo(service)
    positie = laatste_positie(service)

    assert is_geseed(service)
    tweede = seed_demo(service)

    assert tweede.aangemaakt == 0
    assert tweede.casussen == 60
    assert laatste_positie(service) == positie


def test_cli_seed_demo_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite only: this checks the command's wiring and messages, the data is covered above.
    monkeypatch.setenv("ZORGROUTE_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    monkeypatch.setenv("ZORGROUTE_ID_SLEUTEL", "een-id-sleutel-van-voldoende-lengte")
    runner = CliRunner()

    eerste = runner.invoke(app, ["seed-demo"])
    tweede = runner.invoke(app, ["seed-demo"])

    assert eerste.exit_code == 0, eerste.output
    assert "60 van 60 dossiers aangemaakt" in eerste.stdout
    assert tweede.exit_code == 0, tweede.output
    assert "niets toegevoegd" in tweede.stdout
