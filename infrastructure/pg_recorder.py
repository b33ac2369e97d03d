"""eventsourcing's PostgreSQL application recorder, saving in one round trip.

The library saves in psycopg's pipeline mode: a transaction, a pipeline, two cursors and a
sync, ~14 turns of psycopg's I/O loop per save. That was ~0.9 ms of Python per save on
this machine, three quarters of a command's CPU in the service (bench/README.md). Here a
save is one query string sent once:

    SET LOCAL lock_timeout = …; LOCK TABLE … IN EXCLUSIVE MODE; NOTIFY …;
    INSERT … VALUES (…), (…) RETURNING notification_id

PostgreSQL runs the statements of one simple-protocol query as one implicit transaction
(committed when the last succeeds, rolled back as a whole when any fails), so this is
the library's own transaction: the same lock taken before the insert (log order = commit
order), the same NOTIFY, the same unique key on (file, version) raising IntegrityError.
Values are bound client-side by psycopg (`ClientCursor`, its own quoting), because the
extended protocol allows only one statement per query.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any, cast

import psycopg
from eventsourcing import persistence as es
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import AsyncClientCursor, ClientCursor
from psycopg.sql import SQL, Composable, Identifier

# The advisory lock whoever creates tables at start-up (events, views) holds meanwhile,
# so that processes starting together create them in turn.
TABELLEN_SLOT = "hashtext('zorgroute.tabellen')"


# The library's retry of a save over a lost connection, kept for the async save too.
POGINGEN = 10
WACHTTIJD = 0.2
# psycopg's errors as the library's datastore turns them into its own (first match).
_VERTALING: tuple[tuple[type[psycopg.Error], type[es.PersistenceError]], ...] = (
    (psycopg.InterfaceError, es.InterfaceError),
    (psycopg.OperationalError, es.OperationalError),
    (psycopg.DataError, es.DataError),
    (psycopg.IntegrityError, es.IntegrityError),
    (psycopg.InternalError, es.InternalError),
    (psycopg.ProgrammingError, es.ProgrammingError),
    (psycopg.NotSupportedError, es.NotSupportedError),
    (psycopg.DatabaseError, es.DatabaseError),
    (psycopg.Error, es.PersistenceError),
)


def _vertaald(fout: psycopg.Error) -> es.PersistenceError:
    soort = next(eigen for theirs, eigen in _VERTALING if isinstance(fout, theirs))
    return soort(str(fout))


def _tekst(statement: Any) -> str:
    return str(statement.as_string(None) if isinstance(statement, Composable) else statement)


class EenRondgangRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if datastore.enable_db_functions:
            # Never set (see README): this recorder has no code path for it.
            raise ValueError("POSTGRES_ENABLE_DB_FUNCTIONS wordt niet ondersteund")
        # The library's own lock statements (lock timeout, EXCLUSIVE lock) and NOTIFY.
        notify = SQL("NOTIFY {0}").format(Identifier(self.channel_name))
        self._voorloop = "; ".join(_tekst(s) for s in [*self.lock_table_statements, notify])
        self._insert = _tekst(
            SQL(
                "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) VALUES "
            ).format(Identifier(datastore.schema), Identifier(events_table_name))
        )
        self._per_aantal: dict[int, str] = {}
        # The async saves' connections, one per event loop (`insert_events_async`).
        self._op_lussen: dict[asyncio.AbstractEventLoop, psycopg.AsyncConnection[Any]] = {}

    def create_table(self) -> None:
        # Behind a lock: CREATE TYPE and CREATE TABLE IF NOT EXISTS are not safe when
        # processes start together on a new schema (several API workers): the loser
        # fails on PostgreSQL's catalogue key and its worker does not start.
        # Held by a connection of its own: closing it releases the lock, whatever happens.
        with psycopg.connect(autocommit=True, **self._gegevens()) as slot:
            slot.execute(f"SELECT pg_advisory_lock({TABELLEN_SLOT})")
            super().create_table()

    def _statement(self, aantal: int) -> str:
        # One text per number of events in a save (a group commit has a few sizes).
        statement = self._per_aantal.get(aantal)
        if statement is None:
            rijen = ", ".join(["(%s, %s, %s, %s)"] * aantal)
            statement = f"{self._voorloop}; {self._insert}{rijen} RETURNING notification_id"
            self._per_aantal[aantal] = statement
        return statement

    @retry((InterfaceError, OperationalError), max_attempts=POGINGEN, wait=WACHTTIJD)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, ClientCursor(conn) as curs:
            curs.execute(self._statement(len(stored_events)), _waarden(stored_events))
            # One result per statement; only the INSERT's has rows: the ids, in the order
            # of the VALUES (as the library's own insert returns them).
            ids: list[int] = []
            while True:
                if curs.description is not None:
                    ids = [rij["notification_id"] for rij in curs.fetchall()]
                if not curs.nextset():
                    return ids

    async def insert_events_async(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        """`insert_events` on the caller's event loop, over an async connection of that
        loop's own: the same one query (lock, NOTIFY and insert in one implicit
        transaction), the same errors, the same retry over a lost connection. Meant for
        one caller per loop that saves one group at a time (the group commit's writer on
        the loop); the connection is made at the first save, `sluit_async` closes it.
        A save that committed but whose answer the lost connection took is tried again
        and then fails on its own (file, version) keys, as the library's retry does."""
        if not stored_events:
            return []
        statement, waarden = self._statement(len(stored_events)), _waarden(stored_events)
        for poging in range(1, POGINGEN + 1):
            try:
                verbinding = await self._verbinding_op_lus()
                async with AsyncClientCursor(verbinding) as curs:
                    await curs.execute(statement, waarden)
                    # The INSERT's result, the last one, holds the ids.
                    while curs.nextset():
                        pass
                    return [rij[0] for rij in await curs.fetchall()]
            except (psycopg.OperationalError, psycopg.InterfaceError) as fout:
                await self.sluit_async()  # broken: the next try connects anew
                if poging == POGINGEN:
                    raise _vertaald(fout) from fout
                await asyncio.sleep(WACHTTIJD)
            except psycopg.Error as fout:
                raise _vertaald(fout) from fout
        raise AssertionError("onbereikbaar")

    async def _verbinding_op_lus(self) -> psycopg.AsyncConnection[Any]:
        lus = asyncio.get_running_loop()
        verbinding = self._op_lussen.get(lus)
        if verbinding is not None and not verbinding.closed:
            return verbinding
        for andere in [lus_ for lus_ in self._op_lussen if lus_.is_closed()]:
            # Its loop is gone (an app stopped without closing it): close it bluntly.
            self._op_lussen.pop(andere).pgconn.finish()
        verbinding = await psycopg.AsyncConnection.connect(autocommit=True, **self._gegevens())
        self._op_lussen[lus] = verbinding
        return verbinding

    def _gegevens(self) -> dict[str, Any]:
        """How the library's pool connects, plus TCP keepalives: a save must not wait
        forever on a database host that stopped answering."""
        # The library's pool is built with a plain dict of connection arguments.
        kwargs = cast(dict[str, Any], self.datastore.pool.kwargs)
        gegevens = {k: v for k, v in kwargs.items() if k != "row_factory"}
        return gegevens | {
            "connect_timeout": max(1, int(self.datastore.pool.timeout)),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }

    async def sluit_async(self) -> None:
        """Close the running event loop's async connection, if it has one."""
        verbinding = self._op_lussen.pop(asyncio.get_running_loop(), None)
        if verbinding is not None:
            with contextlib.suppress(psycopg.Error):
                await verbinding.close()


def _waarden(stored_events: Sequence[StoredEvent]) -> list[Any]:
    waarden: list[Any] = []
    for e in stored_events:
        waarden += (e.originator_id, e.originator_version, e.topic, e.state)
    return waarden
