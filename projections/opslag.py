"""Where the read models live: tables beside the events, on SQLite or PostgreSQL.

Views are written with one small SQL dialect that both databases understand (`%s`
placeholders, `INSERT … ON CONFLICT`, dates as ISO text, booleans as integers), so a
projection is written once and gives the same answers on both backends.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

Dialect = Literal["sqlite", "postgres"]
_PLEK = re.compile(r"%s")
_VALUES = re.compile(r"VALUES \((?:%s, )*%s\)")
Rij = dict[str, Any]


class Cursor:
    """The few operations projections need, the same on both databases."""

    def __init__(self, ruw: Any, dialect: Dialect) -> None:
        self._ruw = ruw
        self.dialect = dialect

    def _sql(self, tekst: str) -> str:
        if self.dialect == "sqlite":
            return tekst.replace("%s", "?")
        # PostgreSQL gets its native $n placeholders through a RawCursor: psycopg then
        # sends the text as is, instead of parsing every (long, multi-row) statement.
        teller = itertools.count(1)
        return _PLEK.sub(lambda _: f"${next(teller)}", tekst)

    def execute(self, tekst: str, params: Sequence[Any] = ()) -> Cursor:
        self._ruw.execute(self._sql(tekst), tuple(params))
        return self

    def executemany(self, tekst: str, rijen: Sequence[Sequence[Any]]) -> None:
        """Many rows with one statement per chunk (`VALUES (…), (…), …`): one round trip
        instead of one per row is what makes rebuilding views fast."""
        if not rijen:
            return
        gevonden = _VALUES.search(tekst)
        if gevonden is None:
            self._ruw.executemany(self._sql(tekst), [tuple(r) for r in rijen])
            return
        plek = gevonden.group(0)
        breedte = plek.count("%s")
        # Stay under both databases' limits on bound parameters per statement.
        per_keer = max(1, 30_000 // breedte)
        for start in range(0, len(rijen), per_keer):
            deel = rijen[start : start + per_keer]
            waarden = ", ".join([plek.removeprefix("VALUES ")] * len(deel))
            sql = tekst[: gevonden.start()] + "VALUES " + waarden + tekst[gevonden.end() :]
            self._ruw.execute(self._sql(sql), [w for rij in deel for w in rij])

    def fetchall(self) -> list[Rij]:
        rijen = self._ruw.fetchall()
        if self.dialect == "sqlite":
            return [dict(r) for r in rijen]
        return list(rijen)

    def fetchone(self) -> Rij | None:
        rij = self._ruw.fetchone()
        if rij is None:
            return None
        return dict(rij)

    @property
    def rowcount(self) -> int:
        return int(self._ruw.rowcount)


class Opslag:
    """Connections for the views; one per thread on SQLite, a pool on PostgreSQL."""

    def __init__(
        self,
        *,
        dialect: Dialect,
        sqlite_pad: str | None = None,
        postgres: dict[str, Any] | None = None,
        schema: str | None = None,
        pool_grootte: int = 5,
    ) -> None:
        self.dialect: Dialect = dialect
        self._sqlite_pad = sqlite_pad
        self._lokaal = threading.local()
        self._alle_sqlite: list[sqlite3.Connection] = []
        self._slot = threading.Lock()
        self._pool: ConnectionPool | None = None
        self._postgres = postgres or {}
        self._schema = schema
        self._pool_grootte = pool_grootte

    # ---- connections -----------------------------------------------------------------

    def _sqlite(self) -> sqlite3.Connection:
        verbinding: sqlite3.Connection | None = getattr(self._lokaal, "verbinding", None)
        if verbinding is None:
            assert self._sqlite_pad is not None
            verbinding = sqlite3.connect(
                self._sqlite_pad, isolation_level=None, check_same_thread=False, timeout=30
            )
            verbinding.row_factory = sqlite3.Row
            # WAL lets readers go on while the projector writes; the busy timeout turns a
            # momentary writer collision into a short wait instead of "database is locked".
            verbinding.execute("PRAGMA journal_mode=WAL")
            verbinding.execute("PRAGMA busy_timeout=30000")
            verbinding.execute("PRAGMA synchronous=NORMAL")
            self._lokaal.verbinding = verbinding
            with self._slot:
                self._alle_sqlite.append(verbinding)
        return verbinding

    def _pg_pool(self) -> ConnectionPool:
        if self._pool is None:
            with self._slot:
                if self._pool is None:
                    kwargs: dict[str, Any] = {
                        **self._postgres,
                        "row_factory": dict_row,
                        "cursor_factory": psycopg.RawCursor,
                    }
                    if self._schema:
                        kwargs["options"] = f"-c search_path={self._schema}"
                    self._pool = ConnectionPool(
                        kwargs=kwargs,
                        min_size=1,
                        max_size=self._pool_grootte,
                        open=True,
                        name="zorgroute-weergaven",
                    )
        return self._pool

    @contextlib.contextmanager
    def transactie(self) -> Iterator[Cursor]:
        """One write transaction; on SQLite it takes the write lock up front (IMMEDIATE),
        so that two writers never both read a position and then both advance it."""
        if self.dialect == "sqlite":
            verbinding = self._sqlite()
            verbinding.execute("BEGIN IMMEDIATE")
            try:
                yield Cursor(verbinding.cursor(), "sqlite")
            except BaseException:
                verbinding.execute("ROLLBACK")
                raise
            verbinding.execute("COMMIT")
            return
        with (
            self._pg_pool().connection() as verbinding,
            verbinding.transaction(),
            verbinding.cursor() as cur,
        ):
            yield Cursor(cur, "postgres")

    @contextlib.contextmanager
    def lezen(self) -> Iterator[Cursor]:
        if self.dialect == "sqlite":
            verbinding = self._sqlite()
            verbinding.execute("BEGIN")
            try:
                yield Cursor(verbinding.cursor(), "sqlite")
            finally:
                verbinding.execute("ROLLBACK")
            return
        with (
            self._pg_pool().connection() as verbinding,
            verbinding.transaction(),
            verbinding.cursor() as cur,
        ):
            yield Cursor(cur, "postgres")

    def luister_verbinding(self) -> psycopg.Connection[Any] | None:
        """A dedicated autocommit connection for LISTEN (PostgreSQL only)."""
        if self.dialect != "postgres":
            return None
        return psycopg.connect(**self._postgres, autocommit=True)

    def sluit(self) -> None:
        with self._slot:
            for verbinding in self._alle_sqlite:
                with contextlib.suppress(Exception):
                    verbinding.close()
            self._alle_sqlite.clear()
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    @staticmethod
    def identifier(naam: str) -> str:
        # Table names come from code, never from users; still refuse anything odd.
        if not naam.replace("_", "").isalnum():
            raise ValueError(f"ongeldige tabelnaam: {naam}")
        return naam
