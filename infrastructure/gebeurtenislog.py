"""The event log as the views read it (`application.gebeurtenislog`), on the eventsourcing
library's recorder: the events table the service saves into, read through the library's
own recorder and mapper, and on PostgreSQL also LISTEN/NOTIFY and a read by share.

Built from the service's `Application` (`gebeurtenislog_van`), so that the views read the
very store the service writes; the views never see the library or its table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, cast
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql

from application.gebeurtenislog import Gebeurtenislog, Gelezen
from domain.casus import Casus


def is_casus_topic(topic: str) -> bool:
    """An event of a file (the log also holds the idempotency keys' records)."""
    return topic.startswith("zorgroute:") and not topic.startswith("zorgroute:Idempotentie")


class RecorderLog:
    """The log through the library's application recorder (SQLite and PostgreSQL)."""

    def __init__(self, app: Application[Any]) -> None:
        self._app = app
        self._recorder = app.recorder

    def einde(self) -> int:
        return int(self._recorder.max_notification_id() or 0)

    def lees(self, na: int, limiet: int, *, tot: int | None = None) -> Gelezen:
        notificaties = self._recorder.select_notifications(
            start=na + 1, limit=limiet, stop=tot, inclusive_of_start=True
        )
        laatste = notificaties[-1].id if notificaties else na
        return Gelezen(self._gebeurtenissen((n.id, n) for n in notificaties), laatste)

    def tijdstip(self, positie: int) -> datetime | None:
        if positie <= 0:
            return None
        notificaties = self._recorder.select_notifications(start=positie, limit=1)
        if not notificaties:
            return None
        tijdstip = getattr(self._app.mapper.to_domain_event(notificaties[0]), "timestamp", None)
        return tijdstip if isinstance(tijdstip, datetime) else None

    def casus(self, casus_id: UUID, versie: int) -> Casus:
        return cast(Casus, self._app.repository.get(casus_id, version=versie))

    def _gebeurtenissen(
        self, opgeslagen: Iterable[tuple[int, StoredEvent]]
    ) -> list[tuple[int, Casus.Event]]:
        # Filtered on the topic before decoding: the other records are never decoded.
        naar_gebeurtenis = self._app.mapper.to_domain_event
        return [
            (positie, cast(Casus.Event, naar_gebeurtenis(event)))
            for positie, event in opgeslagen
            if is_casus_topic(event.topic)
        ]


class PostgresLog(RecorderLog):
    """On PostgreSQL the log also tells listeners of every save (the recorder NOTIFYs on
    its channel with each insert) and can be read by share of the files."""

    def __init__(self, app: Application[Any]) -> None:
        super().__init__(app)
        recorder = cast(PostgresApplicationRecorder, app.recorder)
        self._kanaal = recorder.channel_name
        self._datastore = recorder.datastore
        # Only this share's files, filtered in SQL, so the others are not even sent.
        self._deel_sql = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{tabel} WHERE notification_id > %s AND notification_id <= %s "
            "AND get_byte(uuid_send(originator_id), 15) %% %s = %s "
            "ORDER BY notification_id LIMIT %s"
        ).format(
            schema=sql.Identifier(recorder.datastore.schema),
            tabel=sql.Identifier(recorder.events_table_name),
        )

    def meldingen(self) -> Luisteraar:
        # A connection of its own, not one of the service's pool: it is held while idle.
        # How the library's pool connects (built with a plain dict of arguments).
        pool = self._datastore.pool
        kwargs = cast(dict[str, Any], pool.kwargs)
        verbinding = psycopg.connect(
            **{k: v for k, v in kwargs.items() if k != "row_factory"},
            connect_timeout=max(1, int(pool.timeout)),
            autocommit=True,
        )
        return Luisteraar(verbinding, self._kanaal)

    def lees_deel(self, na: int, tot: int, deel: int, delen: int, limiet: int) -> Gelezen:
        with self._datastore.get_connection() as verbinding:
            rijen = verbinding.execute(self._deel_sql, [na, tot, delen, deel, limiet]).fetchall()
        if not rijen:
            return Gelezen([], na)
        opgeslagen = [
            (r["notification_id"], StoredEvent(originator_id=r["originator_id"], originator_version=r["originator_version"], topic=r["topic"], state=bytes(r["state"])))
            for r in rijen
        ]  # fmt: skip
        return Gelezen(self._gebeurtenissen(opgeslagen), rijen[-1]["notification_id"])

    def opener(self) -> Callable[[], contextlib.AbstractContextManager[PostgresLog]]:
        return _Opener(self._app.name, dict(self._app.env))


class _Opener:
    """Opens the log of application `naam` in another process (it pickles: a name and
    the library's environment)."""

    def __init__(self, naam: str, env: dict[str, str]) -> None:
        self._naam = naam
        # The parent reads the log's tables, so they exist; several processes creating
        # them "if not exists" at once can fail in PostgreSQL ("tuple concurrently updated").
        self._env = {**env, "CREATE_TABLE": "no"}

    @contextlib.contextmanager
    def __call__(self) -> Iterator[PostgresLog]:
        app: Application[UUID] = type("Logboek", (Application,), {"name": self._naam})(
            env=self._env
        )
        try:
            yield PostgresLog(app)
        finally:
            app.close()


class Luisteraar:
    """A LISTEN connection on the log's channel."""

    def __init__(self, verbinding: psycopg.Connection[Any], kanaal: str) -> None:
        self._verbinding = verbinding
        self._listen = sql.SQL("LISTEN {0}").format(sql.Identifier(kanaal))
        self._unlisten = sql.SQL("UNLISTEN {0}").format(sql.Identifier(kanaal))

    def __enter__(self) -> Luisteraar:
        return self

    def __exit__(self, *_: object) -> None:
        self._verbinding.close()

    def luister(self) -> None:
        self._verbinding.execute(self._listen)

    def laat_los(self) -> None:
        self._verbinding.execute(self._unlisten)

    def wacht(self, seconden: float) -> bool:
        return any(True for _ in self._verbinding.notifies(timeout=seconden, stop_after=1))


def gebeurtenislog_van(app: Application[Any]) -> Gebeurtenislog:
    """The log of `app`'s event store, with what its database can do besides."""
    if isinstance(app.recorder, PostgresApplicationRecorder):
        return PostgresLog(app)
    return RecorderLog(app)
