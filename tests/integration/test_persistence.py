"""eventsourcing, configured only through eventsourcing_env, stores and reads on both backends."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

import orjson
import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate, event
from pydantic import BaseModel, ConfigDict

from infrastructure.persistence import database_bereikbaar, eventsourcing_env, postgres_doel
from infrastructure.settings import Settings


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


def test_postgres_saves_run_statements_rendered_once_and_still_wake_listeners(
    settings: Settings,
) -> None:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL")
    from infrastructure.pg_recorder import VoorbereideRecorder

    app = Notities(env=eventsourcing_env(settings))
    try:
        recorder = app.recorder
        assert isinstance(recorder, VoorbereideRecorder)
        assert all(isinstance(s, str) for s in recorder.lock_table_statements)
        assert "RETURNING notification_id" in recorder.insert_events_statement

        doel = postgres_doel(settings.database_url)
        with psycopg.connect(**doel.verbinding(), autocommit=True) as luisteraar:
            luisteraar.execute(f'LISTEN "{recorder.channel_name}"')
            notitie = Notitie(tekst="eerste")
            app.save(notitie)
            meldingen = list(luisteraar.notifies(timeout=5, stop_after=1))
        assert [m.channel for m in meldingen] == [recorder.channel_name]
        assert app.repository.get(notitie.id).tekst == "eerste"
    finally:
        app.close()
