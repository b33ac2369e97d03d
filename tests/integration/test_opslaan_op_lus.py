"""On PostgreSQL the storage adapter saves the API's commands on its event loop (over an
async connection of the recorder's own): the same rows, ids, NOTIFY and errors as a save from
a thread, and a lost connection is made again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from application.resultaat import Resultaat
from application.service import Zorgroute
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from domain.opdrachten.route import GesprekVerzoek
from infrastructure.persistence import postgres_doel
from infrastructure.pg_recorder import EenRondgangRecorder
from infrastructure.settings import Settings
from tests.integration.conftest import GESPREK, MENTOR, maak_service, signaal

T = TypeVar("T")


@pytest.fixture
def pg_service(settings: Settings) -> Iterator[Zorgroute]:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL: SQLite bewaart via de schrijfdraad")
    service = maak_service(settings)
    try:
        yield service
    finally:
        service.close()


@pytest.fixture
def recorder(pg_service: Zorgroute) -> EenRondgangRecorder:
    assert isinstance(pg_service.opslag.recorder, EenRondgangRecorder)
    return pg_service.opslag.recorder


def _verbinding(settings: Settings) -> psycopg.Connection[Any]:
    """A connection of the test's own to the same database."""
    return psycopg.connect(**postgres_doel(settings.database_url).verbinding(), autocommit=True)


async def _meld(service: Zorgroute) -> Resultaat:
    return await service.asynchroon(
        service.meld_signaal_stappen(MENTOR, SignaalVerzoek.model_validate(signaal()))
    )


async def _gesprek(service: Zorgroute, casus_id: UUID) -> Resultaat:
    return await service.asynchroon(
        service.handel_stappen(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK))
    )


def _op_de_lus(service: Zorgroute, werk: Callable[[], Awaitable[T]]) -> T:
    async def lus() -> T:
        await service.opslag.open_op_lus()
        try:
            return await werk()
        finally:
            await service.opslag.sluit_op_lus()

    return asyncio.run(lus())


def test_commands_saved_on_the_loop_are_stored_as_from_a_thread(
    settings: Settings, pg_service: Zorgroute, recorder: EenRondgangRecorder
) -> None:
    with _verbinding(settings) as luisteraar:
        luisteraar.execute(f'LISTEN "{recorder.channel_name}"')

        async def twee() -> Any:
            nieuw = await _meld(pg_service)
            gesprek = await _gesprek(pg_service, nieuw.casus_id)
            # Saved over the loop's own connection.
            assert asyncio.get_running_loop() in recorder._op_lussen
            return nieuw, gesprek

        nieuw, gesprek = _op_de_lus(pg_service, twee)
        meldingen = list(luisteraar.notifies(timeout=5, stop_after=1))
    assert meldingen and {m.channel for m in meldingen} == {recorder.channel_name}
    # A thread's save afterwards continues the same log and the same file.
    derde = pg_service.handel(MENTOR, nieuw.casus_id, opdracht_voor("gesprekken", GESPREK))
    notificaties = recorder.select_notifications(start=1, limit=100)
    assert [n.originator_version for n in notificaties] == [1, 2, 3, 4]
    assert [n.id for n in notificaties][-2:] == [gesprek.positie, derde.positie]
    assert pg_service.opslag.app.repository.get(nieuw.casus_id).version == 4
    assert [n.topic for n in notificaties][-2:] == ["zorgroute:GesprekGevoerd"] * 2


def test_a_save_on_the_loop_of_a_taken_version_stores_nothing_of_it(
    pg_service: Zorgroute,
) -> None:
    nieuw = pg_service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal()))
    casus = pg_service.opslag.app.repository.get(nieuw.casus_id)
    kopie = pg_service.opslag.app.repository.get(nieuw.casus_id)
    gesprek = GesprekVerzoek.model_validate(GESPREK)
    casus.voer_gesprek(gesprek, MENTOR.actor, date.today())
    kopie.voer_gesprek(gesprek, MENTOR.actor, date.today())
    pg_service.opslag.app.save(casus)

    async def verloren() -> None:
        await pg_service.opslag._opslaan_op_lus(kopie.collect_events(), ())

    with pytest.raises(IntegrityError):
        _op_de_lus(pg_service, verloren)
    assert pg_service.opslag.app.repository.get(nieuw.casus_id).version == casus.version


def test_a_save_on_the_loop_connects_again_when_its_connection_was_cut(
    settings: Settings, pg_service: Zorgroute, recorder: EenRondgangRecorder
) -> None:
    async def afgebroken() -> Resultaat:
        eerste = await _meld(pg_service)
        pid = recorder._op_lussen[asyncio.get_running_loop()].info.backend_pid
        with _verbinding(settings) as beheer:
            beheer.execute("SELECT pg_terminate_backend(%s)", [pid])
        return await _gesprek(pg_service, eerste.casus_id)

    tweede = _op_de_lus(pg_service, afgebroken)
    assert tweede.versie == 3
    assert pg_service.opslag.app.repository.get(tweede.casus_id).version == 3
