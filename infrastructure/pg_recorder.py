"""eventsourcing's PostgreSQL application recorder, with its per-save statements as text.

The library keeps its statements as psycopg `Composed` objects and turns them into bytes
on every execute (and builds the NOTIFY statement anew on every save): ~90 of the ~450
psycopg calls a command cost in Python. The statements of a save never change once the
recorder exists (schema, table and lock timeout are fixed then), so they are rendered
once here. Everything else, the SQL itself included, is the library's.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Composable, Identifier


def _tekst(statement: Any) -> Any:
    return statement.as_string(None) if isinstance(statement, Composable) else statement


class VoorbereideRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_events_statement = _tekst(self.insert_events_statement)
        self.lock_table_statements = [_tekst(s) for s in self.lock_table_statements]
        self._notify_statement = _tekst(SQL("NOTIFY {0}").format(Identifier(self.channel_name)))

    def _notify_channel(self, curs: Any) -> None:
        curs.execute(self._notify_statement)
