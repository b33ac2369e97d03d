"""eventsourcing, configured only through eventsourcing_env, stores and reads on both backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import ClassVar
from uuid import UUID

import orjson
import psycopg
import pytest
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate, event
from eventsourcing.persistence import IntegrityError
from pydantic import BaseModel, ConfigDict

from infrastructure.persistence import database_bereikbaar, eventsourcing_env, postgres_doel
from infrastructure.settings import Settings
from tests.integration.conftest import tegelijk


class _DomainEvent(BaseModel):
    """Minimal pydantic event base, the way the domain package builds its events."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime


class Notitie(Aggregate):
    TOPIC: ClassVar[str] = "tests.persistentie:Notitie"

    class Event(_DomainEvent, CanMutateAggregate[UUID]):
        pass

    class Created(Event, CanInitAggregate[UUID]):
        TOPIC: ClassVar[str] = "tests.persistentie:Notitie.Created"
        originator_topic: str
        tekst: str

    class Gewijzigd(Event):
        TOPIC: ClassVar[str] = "tests.persistentie:Notitie.Gewijzigd"
        tekst: str

    @event(Created)
    def __init__(self, tekst: str) -> None:
        self.tekst = tekst

    @event(Gewijzigd)
    def wijzig(self, tekst: str) -> None:
        self.tekst = tekst


class Notities(Application[UUID]):
    pass


def test_opslaan_en_teruglezen(settings: Settings) -> None:
    env = eventsourcing_env(settings)
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in env

    app = Notities(env=env)
    try:
        notitie = Notitie(tekst="eerste")
        notitie.wijzig("tweede")
        app.save(notitie)

        gelezen: Notitie = app.repository.get(notitie.id)
        assert gelezen.tekst == "tweede"
        assert gelezen.version == 2

        notificaties = app.notification_log.select(start=1, limit=10)
        assert [n.topic for n in notificaties] == [
            "tests.persistentie:Notitie.Created",
            "tests.persistentie:Notitie.Gewijzigd",
        ]
    finally:
        app.close()

    if not settings.is_sqlite:
        _controleer_tabellen_in_schema(settings, env["POSTGRES_SCHEMA"])

    # A second process (new Application) reads what the first stored.
    app2 = Notities(env=env)
    try:
        assert app2.repository.get(notitie.id).tekst == "tweede"
    finally:
        app2.close()


def _controleer_tabellen_in_schema(settings: Settings, schema: str) -> None:
    # The per-test schema is what isolates tests; prove eventsourcing really wrote there.
    doel = postgres_doel(settings.database_url)
    with psycopg.connect(**doel.verbinding()) as verbinding:
        rijen = verbinding.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchone()
    assert rijen is not None and rijen[0] > 0


def test_stored_state_bevat_geen_originator_velden(settings: Settings) -> None:
    app = Notities(env=eventsourcing_env(settings))
    try:
        notitie = Notitie(tekst="x")
        app.save(notitie)
        opgeslagen = app.recorder.select_events(notitie.id)
        staat = orjson.loads(opgeslagen[0].state)
        assert staat["tekst"] == "x"
        assert "originator_id" not in staat
        assert "originator_version" not in staat
    finally:
        app.close()


def test_database_bereikbaar(settings: Settings) -> None:
    app = Notities(env=eventsourcing_env(settings))  # creates the SQLite file / tables
    try:
        assert database_bereikbaar(settings) is True
    finally:
        app.close()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://niemand@127.0.0.1:1/bestaatniet",
        "sqlite:////bestaat/echt/niet/zorgroute.sqlite",
    ],
)
def test_database_onbereikbaar(url: str) -> None:
    assert database_bereikbaar(Settings(database_url=url)) is False


@pytest.fixture
def pg_notities(settings: Settings) -> Iterator[Notities]:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL")
    app = Notities(env=eventsourcing_env(settings))
    try:
        yield app
    finally:
        app.close()


def test_postgres_save_is_one_query_that_returns_ids_in_order_and_wakes_listeners(
    settings: Settings, pg_notities: Notities
) -> None:
    from infrastructure.pg_recorder import EenRondgangRecorder

    recorder = pg_notities.recorder
    assert isinstance(recorder, EenRondgangRecorder)
    doel = postgres_doel(settings.database_url)
    with psycopg.connect(**doel.verbinding(), autocommit=True) as luisteraar:
        luisteraar.execute(f'LISTEN "{recorder.channel_name}"')
        eerste, tweede = Notitie(tekst="eerste"), Notitie(tekst="o'neil \\ ; --")
        tweede.wijzig("tweede; DROP TABLE x; -- \x27")
        opnames = pg_notities.save(eerste, tweede)
        meldingen = list(luisteraar.notifies(timeout=5, stop_after=1))
    assert [m.channel for m in meldingen] == [recorder.channel_name]
    ids = [o.notification.id for o in opnames]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [(o.notification.originator_id, o.notification.originator_version) for o in opnames] == [
        (eerste.id, 1), (tweede.id, 1), (tweede.id, 2)
    ]  # fmt: skip
    # Quotes, backslashes and semicolons in the data are values, not SQL.
    assert pg_notities.repository.get(tweede.id).tekst == "tweede; DROP TABLE x; -- '"
    assert [n.id for n in recorder.select_notifications(start=1, limit=10)] == ids


def test_postgres_save_with_one_conflicting_event_stores_nothing_of_it(
    pg_notities: Notities,
) -> None:
    bestaand = Notitie(tekst="eerste")
    pg_notities.save(bestaand)
    # A copy of the same version: its next event collides on (file, version).
    kopie = pg_notities.repository.get(bestaand.id)
    bestaand.wijzig("gewonnen")
    pg_notities.save(bestaand)
    kopie.wijzig("verloren")
    nieuw = Notitie(tekst="nieuw")
    with pytest.raises(IntegrityError):
        pg_notities.save(nieuw, kopie)
    # All or nothing: the new file in the same save was not stored either.
    with pytest.raises(AggregateNotFoundError):
        pg_notities.repository.get(nieuw.id)
    assert pg_notities.repository.get(bestaand.id).tekst == "gewonnen"
    # And the connection it used is fine for the next save.
    daarna = Notitie(tekst="daarna")
    pg_notities.save(daarna)
    assert pg_notities.repository.get(daarna.id).tekst == "daarna"


def test_postgres_save_waits_for_the_events_table_lock(
    settings: Settings, pg_notities: Notities
) -> None:
    # The EXCLUSIVE lock makes log order equal commit order: a save may not slip past
    # another writer's open transaction (a reader would skip that writer's ids for good).
    # Held here as ROW EXCLUSIVE, what a plain INSERT takes: only a save that locks the
    # table itself has to wait for it.
    recorder = pg_notities.recorder
    tabel = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
    doel = postgres_doel(settings.database_url)
    klaar = threading.Event()

    def bewaar() -> None:
        pg_notities.save(Notitie(tekst="wacht"))
        klaar.set()

    with psycopg.connect(**doel.verbinding()) as houder:
        houder.execute(f"LOCK TABLE {tabel} IN ROW EXCLUSIVE MODE")
        draad = threading.Thread(target=bewaar)
        draad.start()
        assert not klaar.wait(0.5)
        houder.rollback()
    draad.join(timeout=10)
    assert klaar.is_set()


def test_processes_starting_together_on_a_new_schema_all_get_their_tables(
    settings: Settings,
) -> None:
    """Several API workers start at once on an empty schema: each creates the events
    table 'if not exists', which PostgreSQL does not make safe under concurrency."""
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL")
    assert tegelijk(lambda: Notities(env=eventsourcing_env(settings)).close()) == []
