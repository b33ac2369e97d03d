"""eventsourcing's PostgreSQL application recorder, saving in one round trip.

The library saves in psycopg's pipeline mode: a transaction, a pipeline, two cursors and a
sync, many turns of psycopg's I/O loop per save, most of a command's CPU in the service
(measured in bench/GESCHIEDENIS.md). Here a save is one query string sent once:

    SET LOCAL lock_timeout = …; LOCK TABLE … IN EXCLUSIVE MODE; NOTIFY …;
    INSERT … VALUES (…), (…) RETURNING notification_id

PostgreSQL runs the statements of one simple-protocol query as one implicit transaction
(committed when the last succeeds, rolled back as a whole when any fails), so this is
the library's own transaction: the same lock taken before the insert (log order = commit
order), the same NOTIFY, the same unique key on (file, version) raising IntegrityError.
Values are bound client-side by psycopg (`ClientCursor`, its own quoting), because the
extended protocol allows only one statement per query.

The same query stores the save's request keys (`verzoeken=`, one per command) in a table
beside the events, so that a command whose reply was lost, and whose save the retry then
found taken, can ask whether its own key was committed (`positie_van_verzoek`). Keys are
kept 48 hours; each process deletes older ones at most once an hour, off the write path.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

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


# Request keys: kept at least as long as a client's Idempotency-Key (api.md: 24 h).
BEWAARTERMIJN_UREN = 48
OPRUIMEN_ELKE_SECONDEN = 3600.0

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
        schema, events = Identifier(datastore.schema), Identifier(events_table_name)
        self.check_identifier_length(f"{events_table_name}_verzoeken")
        verzoeken = Identifier(f"{events_table_name}_verzoeken")
        self._insert = _tekst(
            SQL(
                "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) VALUES "
            ).format(schema, events)
        )
        self._insert_verzoeken = _tekst(
            SQL("INSERT INTO {0}.{1} (sleutel) VALUES ").format(schema, verzoeken)
        )
        self._maak_verzoeken = _tekst(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.{1} (sleutel uuid PRIMARY KEY, "
                "bewaard_op timestamptz NOT NULL DEFAULT now())"
            ).format(schema, verzoeken)
        )
        self._zoek_verzoek = _tekst(
            SQL(
                "SELECT notification_id FROM {0}.{1} WHERE originator_id = %s "
                "AND originator_version = %s AND EXISTS "
                "(SELECT FROM {0}.{2} WHERE sleutel = %s)"
            ).format(schema, events, verzoeken)
        )
        self._ruim_verzoeken_op = _tekst(
            SQL(
                "DELETE FROM {0}.{1} WHERE bewaard_op < now() - make_interval(hours => {2})"
            ).format(schema, verzoeken, BEWAARTERMIJN_UREN)
        )
        self._tabelnaam = _tekst(Identifier(datastore.schema, f"{events_table_name}_verzoeken"))
        # Whether the key table can be written: known after `create_table`, else asked
        # at the first save with keys (a role without DDL rights does not create it).
        self._met_verzoeken: bool | None = None
        self._opruimen_na = 0.0
        self._per_aantal: dict[tuple[int, int], str] = {}
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
            # Also on a database of before the table (it holds nothing of the past).
            slot.execute(self._maak_verzoeken)
        self._met_verzoeken = True

    def _statement(self, aantal: int, sleutels: int) -> str:
        # One text per number of events and keys in a save (a group commit has a few).
        statement = self._per_aantal.get((aantal, sleutels))
        if statement is None:
            voor = self._voorloop
            if sleutels:
                voor += f"; {self._insert_verzoeken}" + ", ".join(["(%s)"] * sleutels)
            rijen = ", ".join(["(%s, %s, %s, %s)"] * aantal)
            statement = f"{voor}; {self._insert}{rijen} RETURNING notification_id"
            self._per_aantal[aantal, sleutels] = statement
        return statement

    @retry((InterfaceError, OperationalError), max_attempts=POGINGEN, wait=WACHTTIJD)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        if not stored_events:
            return []
        verzoeken: Sequence[UUID] = kwargs.get("verzoeken") or ()
        if verzoeken and not self._verzoeken_mogelijk():
            verzoeken = ()
        statement = self._statement(len(stored_events), len(verzoeken))
        with self.datastore.get_connection() as conn, ClientCursor(conn) as curs:
            curs.execute(statement, [*verzoeken, *_waarden(stored_events)])
            # One result per statement; only the events' INSERT has rows: the ids, in the
            # order of the VALUES (as the library's own insert returns them).
            ids: list[int] = []
            while True:
                if curs.description is not None:
                    ids = [rij["notification_id"] for rij in curs.fetchall()]
                if not curs.nextset():
                    break
        self._ruim_op_als_het_tijd_is()
        return ids

    def positie_van_verzoek(self, sleutel: UUID, originator_id: UUID, versie: int) -> int | None:
        """The log position of the file's event at `versie` if it was stored together with
        request key `sleutel` (so by that command), else None."""
        if not self._met_verzoeken:
            return None  # no keys are stored (`_verzoeken_mogelijk`)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._zoek_verzoek, [originator_id, versie, sleutel], prepare=False)
            rij = curs.fetchone()
        return None if rij is None else int(rij["notification_id"])

    def _verzoeken_mogelijk(self) -> bool:
        """Whether the key table is there to be written (once per process). Without it
        (a database installed before it, by a role that did not create it) saves store
        no keys, as before, rather than fail."""
        if self._met_verzoeken is None:
            vraag = (
                "SELECT coalesce(has_table_privilege(t, 'INSERT') "
                "AND has_table_privilege(t, 'SELECT'), false) FROM to_regclass(%s) AS t"
            )
            try:
                with psycopg.connect(autocommit=True, **self._gegevens()) as verbinding:
                    rij = verbinding.execute(vraag, [self._tabelnaam]).fetchone()
            except psycopg.Error:
                return False  # asked again at the next save
            self._met_verzoeken = bool(rij and rij[0])
        return self._met_verzoeken

    def _ruim_op_als_het_tijd_is(self) -> None:
        nu = time.monotonic()
        if nu < self._opruimen_na:
            return
        self._opruimen_na = nu + OPRUIMEN_ELKE_SECONDEN
        threading.Thread(target=self._ruim_op, name="verzoeken-opruimen", daemon=True).start()

    def _ruim_op(self) -> None:
        # On a connection of its own, outside any save: the events' lock is not held for
        # it. A failure (the database away, a role without DELETE) only leaves old keys.
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(autocommit=True, **self._gegevens()) as verbinding,
        ):
            verbinding.execute(self._ruim_verzoeken_op)

    async def insert_events_async(
        self, stored_events: Sequence[StoredEvent], verzoeken: Sequence[UUID] = ()
    ) -> list[int]:
        """`insert_events` on the caller's event loop, over an async connection of that
        loop's own: the same one query (lock, NOTIFY and insert in one implicit
        transaction), the same errors, the same retry over a lost connection. Meant for
        one caller per loop that saves one group at a time (the group commit's writer on
        the loop); the connection is made at the first save, `sluit_async` closes it.
        A save that committed but whose answer the lost connection took is tried again
        and then fails on its own (file, version) keys, as the library's retry does; its
        commands then find their keys (`positie_van_verzoek`)."""
        if not stored_events:
            return []
        if verzoeken and self._met_verzoeken is None:
            await asyncio.to_thread(self._verzoeken_mogelijk)
        if not self._met_verzoeken:
            verzoeken = ()
        statement = self._statement(len(stored_events), len(verzoeken))
        waarden = [*verzoeken, *_waarden(stored_events)]
        for poging in range(1, POGINGEN + 1):
            try:
                verbinding = await self._verbinding_op_lus()
                async with AsyncClientCursor(verbinding) as curs:
                    await curs.execute(statement, waarden)
                    # The INSERT's result, the last one, holds the ids.
                    while curs.nextset():
                        pass
                    ids = [rij[0] for rij in await curs.fetchall()]
                self._ruim_op_als_het_tijd_is()
                return ids
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
