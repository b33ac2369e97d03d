"""Filling a rebuild's fresh tables with several processes, each taking a share of the files.

One Python process does ~80 µs of work per event (decoding, replaying the domain's
effects, the views' rows), so a rebuild is bound by one core however fast PostgreSQL is.
Every view row belongs to exactly one file, and a file's state depends only on its own
events, so the log can be split by file: process k of n takes the files whose id ends in a
byte ≡ k (mod n), reads only their events (filtered in SQL, so it does not even decode
the others) and writes their rows into the same fresh tables. The caller then brings the
tables up to the end of the log and swaps them in as before.

PostgreSQL only: SQLite has one writer at a time, so there the processes would queue.
"""

from __future__ import annotations

import gc
import multiprocessing
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from psycopg import sql

from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import Settings
from projections.volger import Volger, is_casus_topic

# Per process: see beheer.HERBOUW_CACHE (each process caches only its own share).
CACHE_PER_PROCES = 20_000


def vul_parallel(
    settings: Settings,
    app_naam: str,
    namen: list[str],
    achtervoegsel: str,
    tot: int,
    processen: int,
    batch: int,
) -> None:
    """Fill the fresh tables (`achtervoegsel`) of the views `namen` with every event up to
    position `tot`, in `processen` processes. Raises if any of them failed."""
    # spawn, not fork: the parent holds connection pools and threads a fork would copy.
    context = multiprocessing.get_context("spawn")
    opdrachten = [
        (settings, app_naam, namen, achtervoegsel, tot, deel, processen, batch)
        for deel in range(processen)
    ]
    with context.Pool(processen) as pool:
        pool.starmap(_vul_deel, opdrachten)


def _vul_deel(
    settings: Settings,
    app_naam: str,
    namen: list[str],
    achtervoegsel: str,
    tot: int,
    deel: int,
    delen: int,
    batch: int,
) -> int:
    # The child process builds its own storage: from the composition root, until the
    # event-log port hands the rebuild what it needs.
    from api.samenstelling import postgres_verbinding, weergave_opslag
    from projections.samenstelling import alle_projecties

    gc.set_threshold(50_000, *gc.get_threshold()[1:])  # see beheer.herbouw_alle
    # The log's tables exist (the parent reads them): several processes creating them
    # "if not exists" at once can fail in PostgreSQL ("tuple concurrently updated").
    app: Application[UUID] = type("Logboek", (Application,), {"name": app_naam})(
        env={**eventsourcing_env(settings), "CREATE_TABLE": "no"}
    )
    opslag = weergave_opslag(settings)
    projecties = [
        type(p)(achtervoegsel=achtervoegsel) for p in alle_projecties() if p.naam in namen
    ]
    volger = Volger(app, cache_grootte=CACHE_PER_PROCES)
    recorder: Any = app.recorder
    # Only this share's files, and only the events of files (not idempotency keys).
    query = sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state "
        "FROM {schema}.{tabel} WHERE notification_id > %s AND notification_id <= %s "
        "AND get_byte(uuid_send(originator_id), 15) %% %s = %s "
        "ORDER BY notification_id LIMIT %s"
    ).format(
        schema=sql.Identifier(recorder.datastore.schema),
        tabel=sql.Identifier(recorder.events_table_name),
    )
    verwerkt = 0
    try:
        with psycopg.connect(**postgres_verbinding(settings)) as verbinding:
            positie = 0
            while positie < tot:
                rijen = verbinding.execute(query, [positie, tot, delen, deel, batch]).fetchall()
                if not rijen:
                    break
                positie = rijen[-1][0]
                notificaties = [
                    (r[0], StoredEvent(originator_id=r[1], originator_version=r[2], topic=r[3], state=bytes(r[4])))
                    for r in rijen
                    if is_casus_topic(r[3])
                ]  # fmt: skip
                wijzigingen = volger.wijzigingen(notificaties)
                with opslag.transactie(vers=True) as cur:
                    for projectie in projecties:
                        projectie.verwerk(cur, wijzigingen)
                verwerkt += len(wijzigingen)
    finally:
        opslag.sluit()
        app.close()
    return verwerkt
