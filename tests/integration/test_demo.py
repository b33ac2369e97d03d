"""The demo school: ~60 cases over every level and state, built with the real commands."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.demo import (
    AANTAL_LEERLINGEN,
    SCHOOL,
    ZORGCOORDINATOR,
    Demoklok,
    _plan,
    is_geseed,
    seed_demo,
)
from api.demo_scenarios import JEUGDARTS, LEERPLICHT, WIJKTEAM
from api.samenstelling import service_van
from application.fouten import GeenToegang
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from domain.invoer import is_organisatie
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from domain.waarden import NIVEAUS
from infrastructure.settings import Settings
from tests.integration.conftest import GESPREK, MENTOR, signaal


@pytest.fixture
def klok() -> Demoklok:
    return Demoklok()


@pytest.fixture
def service(settings: Settings, klok: Demoklok) -> Iterator[Zorgroute]:
    """The service as `zorgroute seed-demo` builds it: on a clock the seed moves."""
    with service_van(settings, klok=klok) as service:
        yield service


def alle_dossiers(service: Zorgroute) -> list[dict[str, Any]]:
    """Every file in the store, found from the event log rather than from the demo's plan."""
    geopend = service.opslag.recorder.select_notifications(
        start=1, limit=1_000_000, topics=["zorgroute:CasusGeopend"]
    )
    return [service.lees(ZORGCOORDINATOR, n.originator_id) for n in geopend]  # type: ignore[arg-type]


def laatste_positie(service: Zorgroute) -> int:
    return service.opslag.recorder.max_notification_id() or 0


def test_demo_school_spreads_over_every_level_and_state(service: Zorgroute, klok: Demoklok) -> None:
    begin = time.monotonic()
    samenvatting = seed_demo(service, klok)
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


def test_every_demo_pupil_is_fictional_and_plausible(service: Zorgroute, klok: Demoklok) -> None:
    seed_demo(service, klok)

    leerlingen = [
        d["onderwerp"] for d in alle_dossiers(service) if d["onderwerp"]["type"] == "leerling"
    ]

    assert all(o["leerlingnummer"].startswith("30") for o in leerlingen)
    assert {o["afdeling"] for o in leerlingen} == {"mavo", "havo", "vwo"}
    assert {o["leerjaar"] for o in leerlingen} == {1, 2, 3, 4}
    assert all(o["klas"][1] == str(o["leerjaar"]) for o in leerlingen)
    assert all("geboortedatum" in o for o in leerlingen)


def test_demo_partners_read_exactly_the_open_files_referred_to_their_organisation(
    service: Zorgroute, klok: Demoklok
) -> None:
    seed_demo(service, klok)
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


def test_the_service_s_clock_stamps_every_command_s_events(
    service: Zorgroute, klok: Demoklok
) -> None:
    toen = datetime(2025, 10, 6, 10, 0, tzinfo=UTC)
    with klok.op(toen):
        casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    with klok.op(toen + timedelta(days=2)):
        service.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK))
        assert service.vandaag() == date(2025, 10, 8)

    items = service.geschiedenis(ZORGCOORDINATOR, casus_id)["items"]
    assert [(i["type"], datetime.fromisoformat(i["tijdstip"])) for i in items] == [
        ("CasusGeopend", toen),
        ("SignaalGemeld", toen),
        ("GesprekGevoerd", toen + timedelta(days=2)),
    ]
    assert datetime.fromisoformat(service.lees(ZORGCOORDINATOR, casus_id)["geopend_op"]) == toen


def test_seeded_events_carry_their_business_dates(service: Zorgroute, klok: Demoklok) -> None:
    nu = datetime.now(UTC)
    seed_demo(service, klok)
    starts = {p.start for p in _plan(service.vandaag())}

    geopend: list[date] = []
    for dossier in alle_dossiers(service):
        items = service.geschiedenis(ZORGCOORDINATOR, UUID(dossier["casus_id"]))["items"]
        tijden = [datetime.fromisoformat(i["tijdstip"]) for i in items]
        assert tijden == sorted(tijden) and tijden[-1] <= datetime.now(UTC)
        geopend.append(tijden[0].date())
        for item, tijdstip in zip(items, tijden, strict=True):
            datum = item["gegevens"].get("datum")
            if datum is not None and date.fromisoformat(datum) <= nu.date():
                # A step that happened is recorded on its own date.
                assert tijdstip.date() == date.fromisoformat(datum), item
    # Each file was opened on its first signal's date, months ago, not when seeding ran.
    assert set(geopend) <= starts
    assert max(geopend) < nu.date()


def test_a_second_seed_adds_nothing(service: Zorgroute, klok: Demoklok) -> None:
    assert not is_geseed(service)
    seed_demo(service, klok)
    positie = laatste_positie(service)

    assert is_geseed(service)
    tweede = seed_demo(service, klok)

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
