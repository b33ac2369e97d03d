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

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import ClientCursor
from psycopg.sql import SQL, Composable, Identifier

# The advisory lock whoever creates tables at start-up (events, views) holds meanwhile,
# so that processes starting together create them in turn.
TABELLEN_SLOT = "hashtext('zorgroute.tabellen')"


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

    def create_table(self) -> None:
        # Behind a lock: CREATE TYPE and CREATE TABLE IF NOT EXISTS are not safe when
        # processes start together on a new schema (several API workers): the loser
        # fails on PostgreSQL's catalogue key and its worker does not start.
        with self.datastore.get_connection() as slot:
            slot.execute(f"SELECT pg_advisory_lock({TABELLEN_SLOT})")
            try:
                super().create_table()
            finally:
                slot.execute(f"SELECT pg_advisory_unlock({TABELLEN_SLOT})")

    def _statement(self, aantal: int) -> str:
        # One text per number of events in a save (a group commit has a few sizes).
        statement = self._per_aantal.get(aantal)
        if statement is None:
            rijen = ", ".join(["(%s, %s, %s, %s)"] * aantal)
            statement = f"{self._voorloop}; {self._insert}{rijen} RETURNING notification_id"
            self._per_aantal[aantal] = statement
        return statement

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        if not stored_events:
            return []
        waarden: list[Any] = []
        for e in stored_events:
            waarden += (e.originator_id, e.originator_version, e.topic, e.state)
        with self.datastore.get_connection() as conn, ClientCursor(conn) as curs:
            curs.execute(self._statement(len(stored_events)), waarden)
            # One result per statement; only the INSERT's has rows: the ids, in the order
            # of the VALUES (as the library's own insert returns them).
            ids: list[int] = []
            while True:
                if curs.description is not None:
                    ids = [rij["notification_id"] for rij in curs.fetchall()]
                if not curs.nextset():
                    return ids
