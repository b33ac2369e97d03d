"""The access log's storage on both backends: every NEN 7513 field round-trips, the filters
select what they say, numbering has no gaps under concurrent writers, the chain verifies,
tampering is named, and a write that cannot be stored raises instead of vanishing."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from typer.testing import CliRunner

from api.cli import app
from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel
from infrastructure.persistence import postgres_doel
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog

T0 = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
REGEL = Toegangsregel(
    tijdstip=T0,
    school="99XX",
    gebruiker_id="zt-bakker",
    gebruiker_naam="C. Bakker",
    gebruiker_rol="zorgteam",
    actie="noodtoegang",
    resultaat="toegestaan",
    regel="noodtoegang_zorgteam",
    object="casus",
    casus_id="c-123",
    pseudoniem="ANON-7F3K",
    versie=4,
    namens="zc-devries",
    doel="zorgoverleg",
    bron_adres="10.0.0.7",
    bron_agent="pytest/1.0",
    request_id="req-1",
    reden_noodtoegang="Acute zorg, mentor onbereikbaar",
)


@contextlib.contextmanager
def ruw(settings: Settings) -> Iterator[Any]:
    """A direct connection past the class, as a database owner or superuser has one."""
    if settings.is_sqlite:
        pad = Path(settings.database_url.removeprefix("sqlite:///"))
        bestand = sqlite3.connect(pad.with_name(pad.stem + ".toegangslog" + pad.suffix))
        bestand.isolation_level = None
        try:
            yield bestand
        finally:
            bestand.close()
        return
    doel = postgres_doel(settings.database_url)
    with psycopg.connect(
        **doel.verbinding(options=f"-c search_path={doel.schema}", autocommit=True)
    ) as verbinding:
        yield verbinding


def sabotage(settings: Settings, opdracht: str) -> None:
    """Change the log as an owner would: with the guarding triggers out of the way."""
    with ruw(settings) as verbinding:
        if settings.is_sqlite:
            verbinding.execute("DROP TRIGGER IF EXISTS toegangslog_geen_update")
            verbinding.execute("DROP TRIGGER IF EXISTS toegangslog_geen_delete")
            verbinding.execute(opdracht)
        else:
            # As superuser: replica mode skips ordinary triggers, the classic way around them.
            verbinding.execute("SET session_replication_role = replica")
            verbinding.execute(opdracht)


def schrijf_reeks(log: Toegangslog, aantal: int) -> None:
    for i in range(aantal):
        log.schrijf(replace(REGEL, tijdstip=T0 + timedelta(minutes=i), request_id=f"req-{i}"))


def audit_verify(settings: Settings) -> tuple[int, str]:
    uitkomst = CliRunner().invoke(
        app, ["audit", "verify"], env={"ZORGROUTE_DATABASE_URL": settings.database_url}
    )
    return uitkomst.exit_code, uitkomst.output.strip()


def test_alle_velden_komen_terug_zoals_nen_7513_ze_vraagt(log: Toegangslog) -> None:
    log.schrijf(REGEL)
    assert log.zoek(school="99XX") == [
        {
            "volgnummer": 1,
            "tijdstip": "2025-10-01T09:00:00.000000+00:00",
            "gebruiker": {"id": "zt-bakker", "naam": "C. Bakker", "rol": "zorgteam"},
            "namens": "zc-devries",
            "actie": "noodtoegang",
            "object": "casus",
            "casus_id": "c-123",
            "pseudoniem": "ANON-7F3K",
            "versie": 4,
            "resultaat": "toegestaan",
            "regel": "noodtoegang_zorgteam",
            "doel": "zorgoverleg",
            "bron": {"adres": "10.0.0.7", "agent": "pytest/1.0", "request_id": "req-1"},
            "reden_noodtoegang": "Acute zorg, mentor onbereikbaar",
        }
    ]


def test_filters_op_school_casus_gebruiker_actie_tijd_en_noodtoegang(log: Toegangslog) -> None:
    gewoon = replace(REGEL, actie="lezen", reden_noodtoegang=None, regel="mentor_eigen_klas")
    regels = [
        replace(gewoon, tijdstip=T0, casus_id="c-1", gebruiker_id="m-1"),
        replace(gewoon, tijdstip=T0 + timedelta(hours=1), casus_id="c-2", gebruiker_id="m-1"),
        replace(gewoon, tijdstip=T0 + timedelta(hours=2), casus_id="c-1", gebruiker_id="m-2"),
        replace(REGEL, tijdstip=T0 + timedelta(hours=3), casus_id="c-1"),
        replace(gewoon, tijdstip=T0 + timedelta(hours=4), actie="weigering", resultaat="geweigerd"),
        replace(gewoon, tijdstip=T0 + timedelta(hours=5), school="11AA", casus_id="c-1"),
    ]
    for regel in regels:
        log.schrijf(regel)

    def nummers(**filters: Any) -> list[int]:
        return [r["volgnummer"] for r in log.zoek(school="99XX", **filters)]

    assert nummers() == [1, 2, 3, 4, 5]
    assert [r["volgnummer"] for r in log.zoek(school="11AA")] == [6]
    assert nummers(casus_id="c-1") == [1, 3, 4]
    assert nummers(gebruiker="m-1") == [1, 2]
    assert nummers(actie="weigering") == [5]
    # van and tot are inclusive, and compare instants, not the offset they are written in.
    assert nummers(van=T0 + timedelta(hours=1), tot=T0 + timedelta(hours=3)) == [2, 3, 4]
    amsterdam = T0.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert nummers(van=amsterdam + timedelta(hours=2)) == [3, 4, 5]
    assert nummers(alleen_noodtoegang=True) == [4]
    assert nummers(casus_id="c-1", gebruiker="m-2") == [3]
    # The newest entries within the limit, still oldest first.
    assert nummers(limiet=2) == [4, 5]


def test_installeer_is_herhaalbaar_en_laat_regels_staan(log: Toegangslog) -> None:
    schrijf_reeks(log, 3)
    log.installeer()
    log.installeer()
    assert log.verifieer().ok
    assert len(log.zoek(school="99XX")) == 3


def test_acht_gelijktijdige_schrijvers_volgnummers_zonder_gaten(
    log: Toegangslog, settings: Settings
) -> None:
    per_thread, fouten = 25, list[BaseException]()
    start = threading.Barrier(8)

    def schrijver(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                log.schrijf(replace(REGEL, gebruiker_id=f"g-{n}", request_id=f"{n}-{i}"))
        except BaseException as fout:  # "database is locked" would land here
            fouten.append(fout)

    threads = [threading.Thread(target=schrijver, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert fouten == []
    if settings.is_sqlite:  # its own file, next to the events, in WAL mode
        with ruw(settings) as verbinding:
            assert verbinding.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    rijen = log.zoek(school="99XX", limiet=10_000)
    assert [r["volgnummer"] for r in rijen] == list(range(1, 8 * per_thread + 1))
    assert len({r["bron"]["request_id"] for r in rijen}) == 8 * per_thread
    uitkomst = log.verifieer()
    assert (uitkomst.ok, uitkomst.gecontroleerd) == (True, 8 * per_thread)


def test_verify_intact(log: Toegangslog, settings: Settings) -> None:
    assert audit_verify(settings) == (0, "toegangslog intact: 0 regels")
    schrijf_reeks(log, 5)
    assert audit_verify(settings) == (0, "toegangslog intact: 5 regels")


def test_alleen_toevoegen_wijzigen_en_verwijderen_geweigerd(
    log: Toegangslog, settings: Settings
) -> None:
    schrijf_reeks(log, 2)
    fout = sqlite3.Error if settings.is_sqlite else psycopg.Error
    for opdracht in (
        "UPDATE toegangslog SET gebruiker_naam = 'X' WHERE volgnummer = 1",
        "DELETE FROM toegangslog WHERE volgnummer = 2",
    ):
        with ruw(settings) as verbinding, pytest.raises(fout, match="alleen-toevoegen"):
            verbinding.execute(opdracht)
    assert log.verifieer().ok


@pytest.mark.parametrize(
    ("opdracht", "volgnummer", "soort"),
    [
        ("UPDATE toegangslog SET gebruiker_id = 'iemand-anders' WHERE volgnummer = 3", 3, "hash"),
        ("UPDATE toegangslog SET tijdstip = tijdstip WHERE volgnummer = 2", None, None),
        ("DELETE FROM toegangslog WHERE volgnummer = 3", 3, "ontbreekt"),
        ("DELETE FROM toegangslog WHERE volgnummer = 1", 1, "ontbreekt"),
        ("DELETE FROM toegangslog WHERE volgnummer = 5", 5, "ontbreekt"),
        ("DELETE FROM toegangslog WHERE volgnummer >= 4", 4, "ontbreekt"),
        ("UPDATE toegangslog_kop SET hash = 'f00' WHERE id = 1", 5, "keten"),
    ],
)
def test_verify_noemt_de_eerste_gebroken_schakel(
    log: Toegangslog, settings: Settings, opdracht: str, volgnummer: int | None, soort: str | None
) -> None:
    schrijf_reeks(log, 5)
    sabotage(settings, opdracht)
    uitkomst = log.verifieer()
    assert (uitkomst.volgnummer, uitkomst.soort) == (volgnummer, soort)
    code, tekst = audit_verify(settings)
    if volgnummer is None:  # rewriting a value unchanged is no tampering
        assert (code, tekst) == (0, "toegangslog intact: 5 regels")
    else:
        assert code == 1
        assert tekst.startswith(f"toegangslog gebroken bij regel {volgnummer}: ")


def test_herberekende_hash_breekt_de_schakel_naar_de_volgende(
    log: Toegangslog, settings: Settings
) -> None:
    schrijf_reeks(log, 3)
    sabotage(settings, "UPDATE toegangslog SET hash = 'abc' WHERE volgnummer = 2")
    uitkomst = log.verifieer()
    assert (uitkomst.volgnummer, uitkomst.soort, uitkomst.gecontroleerd) == (2, "hash", 1)


def test_schrijven_zonder_opslag_geeft_onbeschikbaar(log: Toegangslog, settings: Settings) -> None:
    log.schrijf(REGEL)
    with ruw(settings) as verbinding:
        verbinding.execute("DROP TABLE toegangslog" + ("" if settings.is_sqlite else " CASCADE"))
    with pytest.raises(ToegangslogOnbeschikbaar) as fout:
        log.schrijf(REGEL)
    # The message names the kind of failure, never values from the entry.
    assert "C. Bakker" not in str(fout.value) and "c-123" not in str(fout.value)
    assert not log.verifieer().ok
    assert audit_verify(settings)[0] == 1


def test_sqlite_bestand_onbruikbaar_geeft_onbeschikbaar(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'z.sqlite'}")
    (tmp_path / "z.toegangslog.sqlite").mkdir()  # a directory where the file should be
    log = Toegangslog.van_settings(settings)
    try:
        with pytest.raises(ToegangslogOnbeschikbaar):
            log.schrijf(REGEL)
    finally:
        log.sluit()


@pytest.mark.postgres
def test_postgres_onbereikbaar_geeft_onbeschikbaar_binnen_de_wachttijd() -> None:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        poort = s.getsockname()[1]  # bound but not listening: connection refused
        settings = Settings(database_url=f"postgresql://x:y@127.0.0.1:{poort}/zorgroute")
        log = Toegangslog.van_settings(settings, wacht_seconden=1)
        begin = datetime.now(UTC)
        try:
            with pytest.raises(ToegangslogOnbeschikbaar):
                log.schrijf(REGEL)
        finally:
            log.sluit()
    assert datetime.now(UTC) - begin < timedelta(seconds=5)


@pytest.mark.postgres
def test_een_verbinding_die_na_rust_verbroken_blijkt_wordt_vervangen_zonder_fout(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a database restart leaves in the pool: connections that look fine but whose
    # server process is gone. A logged read must not fail on one.
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL heeft een verbindingspool")
    import infrastructure.toegangslog_verbindingen as module

    monkeypatch.setattr(module, "RUST_SECONDEN", 0.0)
    logboek = Toegangslog.van_settings(settings)
    logboek.installeer()
    try:
        logboek.schrijf(REGEL)
        doel = postgres_doel(settings.database_url)
        with psycopg.connect(**doel.verbinding(autocommit=True)) as beheer:
            gestopt = beheer.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = '' AND pid <> pg_backend_pid() AND datname = %s "
                "AND query ILIKE '%%toegangslog%%'",
                [doel.dbname],
            ).fetchone()
        assert gestopt is not None and gestopt[0] >= 1

        logboek.schrijf(REGEL)

        assert len(logboek.zoek(school="99XX")) == 2
    finally:
        logboek.sluit()
