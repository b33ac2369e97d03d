"""A save that committed but whose reply was lost (issue 14, item 3): the library's retry
then finds its own rows and fails on the (file, version) key. Each command recognises its
own commit by the key it stored with its events (the server's, without Idempotency-Key)
and answers as the first time, instead of running again on the state it just wrote.

The reply is really lost: a proxy between the service and PostgreSQL lets the save
through, swallows the server's answer and cuts the connection (tests/integration/
verlies_proxy.py), for the save on the event loop and for the save from a thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import psycopg
import pytest

from application.resultaat import Resultaat
from application.service import Zorgroute
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.opslag import Eventsourcingopslag
from infrastructure.persistence import eventsourcing_env, postgres_doel
from infrastructure.settings import Settings
from tests.integration.conftest import GESPREK, LEERLING, MENTOR, maak_service, signaal
from tests.integration.verlies_proxy import VerliesProxy

GRENS = 30.0  # seconds; reached only when something hangs


@pytest.fixture
def proxy(settings: Settings) -> Iterator[VerliesProxy]:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL: een SQLite-save is een aanroep in dit proces")
    doel = postgres_doel(settings.database_url)
    with VerliesProxy(doel.host, doel.port) as proxy:
        yield proxy


@pytest.fixture
def via_proxy(settings: Settings, proxy: VerliesProxy) -> Iterator[Zorgroute]:
    """The service, with every connection it makes going through the proxy."""
    delen = urlsplit(settings.database_url)
    gebruiker = delen.netloc.rpartition("@")[0]
    adres = f"127.0.0.1:{proxy.poort}"
    url = urlunsplit(delen._replace(netloc=f"{gebruiker}@{adres}" if gebruiker else adres))
    service = maak_service(settings.model_copy(update={"database_url": url}))
    try:
        yield service
    finally:
        service.close()


def _dossiers(service: Zorgroute, aantal: int) -> list[UUID]:
    return [
        service.meld_signaal(
            MENTOR,
            SignaalVerzoek.model_validate(
                signaal(LEERLING | {"leerlingnummer": f"2000{i}", "naam": f"Leerling {i}"})
            ),
        ).casus_id
        for i in range(aantal)
    ]


def _op_de_lus(service: Zorgroute, dossiers: list[UUID]) -> list[Resultaat]:
    """One conversation per file, together on the loop (so in one group's save)."""

    async def samen() -> list[Resultaat]:
        await service.opslag.open_op_lus()
        try:
            opdrachten = [
                service.asynchroon(
                    service.handel_stappen(MENTOR, c, opdracht_voor("gesprekken", GESPREK))
                )
                for c in dossiers
            ]
            return await asyncio.wait_for(asyncio.gather(*opdrachten), GRENS)
        finally:
            await service.opslag.sluit_op_lus()

    return asyncio.run(samen())


def _in_draden(service: Zorgroute, dossiers: list[UUID]) -> list[Resultaat]:
    """One conversation per file, each from a thread of its own, started together."""
    start = threading.Barrier(len(dossiers))
    antwoorden: dict[int, Any] = {}

    def doe(i: int) -> None:
        start.wait(GRENS)
        try:
            antwoorden[i] = service.handel(
                MENTOR, dossiers[i], opdracht_voor("gesprekken", GESPREK)
            )
        except BaseException as fout:
            antwoorden[i] = fout

    draden = [threading.Thread(target=doe, args=(i,)) for i in range(len(dossiers))]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join(GRENS)
    return [antwoorden.get(i) for i in range(len(dossiers))]


@pytest.mark.parametrize("waar", ["op de lus", "in een draad"])
def test_a_lost_reply_to_a_committed_save_stores_each_command_once(
    via_proxy: Zorgroute, proxy: VerliesProxy, waar: str
) -> None:
    service = via_proxy
    dossiers = _dossiers(service, 3)

    proxy.laat_vallen()
    antwoorden = (_op_de_lus if waar == "op de lus" else _in_draden)(service, dossiers)
    assert proxy.gevallen == 1  # one save committed and its reply was lost
    daarna = [service.handel(MENTOR, c, opdracht_voor("gesprekken", GESPREK)) for c in dossiers]

    posities = {
        (n.originator_id, n.originator_version): n.id
        for n in service.opslag.recorder.select_notifications(start=1, limit=1000)
    }
    for casus_id, antwoord, later in zip(dossiers, antwoorden, daarna, strict=True):
        opgeslagen = service.opslag.recorder.select_events(casus_id)
        assert [e.originator_version for e in opgeslagen] == [1, 2, 3, 4]
        assert [e.topic for e in opgeslagen].count("zorgroute:GesprekGevoerd") == 2
        # The answer the command would have given had the reply arrived.
        assert antwoord == Resultaat(casus_id, 3, False, 201, posities[casus_id, 3])
        assert later.versie == 4 and later.positie == posities[casus_id, 4]


def test_a_database_of_before_the_key_table_gets_it_at_start_and_works_without_it(
    settings: Settings,
) -> None:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL")
    doel = postgres_doel(settings.database_url)
    service = maak_service(settings)
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    tabel = f"{doel.schema or 'public'}.{service.opslag.recorder.events_table_name}_verzoeken"  # type: ignore[attr-defined]
    service.close()
    with psycopg.connect(**doel.verbinding(), autocommit=True) as beheer:
        beheer.execute(f"DROP TABLE {tabel}")  # as a database written before it

        # Started by a role that creates no tables: commands work, without keys.
        env = eventsourcing_env(settings) | {"CREATE_TABLE": "n"}
        zonder = Zorgroute(Eventsourcingopslag(env), id_sleutel=settings.id_sleutel_bytes())
        try:
            assert zonder.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK)).versie == 3
        finally:
            zonder.close()

        # Started as usual: the table is made, and the next command's key is in it.
        weer = maak_service(settings)
        try:
            assert weer.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK)).versie == 4
        finally:
            weer.close()
        rij = beheer.execute(f"SELECT count(*) FROM {tabel}").fetchone()
    assert rij is not None and rij[0] == 1
