"""Where the read models live: tables beside the events, on SQLite or PostgreSQL.

Views are written with one small SQL dialect that both databases understand (`%s`
placeholders, `INSERT … ON CONFLICT`, dates as ISO text, booleans as integers), so a
projection is written once and gives the same answers on both backends.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, Literal, Protocol

import psycopg
import psycopg_pool
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.opslaanbaar import NUL, VERVANGING, begrensd, opslaanbaar

Dialect = Literal["sqlite", "postgres"]
_VALUES = re.compile(r"VALUES \((?:%s, )*%s\)")
Rij = dict[str, Any]
# For one transaction that counts (SET LOCAL ends with it). Freshly rebuilt views have no
# statistics (and the bench server runs without autovacuum), so the planner believes a
# handful of rows and sorts them, on collated text and spilling to disk, where hashing
# the tens of thousands there really are takes a fraction of the time.
_TELLEN = ("SET LOCAL enable_sort = off", "SET LOCAL work_mem = '64MB'")
_VERTAALD: dict[str, dict[str, str]] = {"sqlite": {}, "postgres": {}}
_MEERVOUDIG: dict[tuple[str, str, int], str] = {}

# The views' database failing, not a view's handler: no poison event, so stopping a view
# over it would need a manual restart for what heals by itself. The runner lets these
# propagate to its loop, which retries. (The log is read outside the handlers' try.)
DATABASEFOUTEN: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
    sqlite3.OperationalError,
)
# Any error of the views' database.
OPSLAGFOUTEN: tuple[type[BaseException], ...] = (psycopg.Error, sqlite3.Error)


def _vertaal(tekst: str, dialect: Dialect, vanaf: int = 1) -> str:
    if dialect == "sqlite":
        return tekst.replace("%s", "?")
    # PostgreSQL gets its native $n placeholders through a RawCursor: psycopg then
    # sends the text as is, instead of parsing every (long, multi-row) statement.
    delen = tekst.split("%s")
    laatste = len(delen) - 1
    return "".join(deel if i == laatste else f"{deel}${vanaf + i}" for i, deel in enumerate(delen))


def _meervoudig(tekst: str, dialect: Dialect, aantal: int) -> str:
    """`tekst` with its one `VALUES (%s, …)` repeated for `aantal` rows, in the dialect."""
    sleutel = (tekst, dialect, aantal)
    sql = _MEERVOUDIG.get(sleutel)
    if sql is not None:
        return sql
    gevonden = _VALUES.search(tekst)
    assert gevonden is not None
    voor, na = tekst[: gevonden.start()], tekst[gevonden.end() :]
    breedte = gevonden.group(0).count("%s")
    if dialect == "sqlite":
        rijen = ", ".join(["(" + ", ".join(["?"] * breedte) + ")"] * aantal)
    else:
        eerst = voor.count("%s") + 1
        rijen = ", ".join(
            "(" + ", ".join([f"${n}" for n in range(begin, begin + breedte)]) + ")"
            for begin in range(eerst, eerst + aantal * breedte, breedte)
        )
    verder = voor.count("%s") + aantal * breedte + 1
    sql = _vertaal(voor, dialect) + "VALUES " + rijen + _vertaal(na, dialect, verder)
    if len(_MEERVOUDIG) > 2_000:
        _MEERVOUDIG.clear()
    _MEERVOUDIG[sleutel] = sql
    return sql


class Cursor:
    """The few operations projections need, the same on both databases."""

    def __init__(self, ruw: Any, dialect: Dialect, *, vers: bool = False) -> None:
        self._ruw = ruw
        self.dialect = dialect
        # Writing into freshly made tables during a rebuild (see `voeg_toe`).
        self.vers = vers

    def _sql(self, tekst: str) -> str:
        vertaald = _VERTAALD[self.dialect].get(tekst)
        if vertaald is None:
            vertaald = _vertaal(tekst, self.dialect)
            if len(_VERTAALD[self.dialect]) < 10_000:  # texts come from code: few
                _VERTAALD[self.dialect][tekst] = vertaald
        return vertaald

    def execute(self, tekst: str, params: Sequence[Any] = ()) -> Cursor:
        # Every value goes in as a view can store it (projections/opslaanbaar.py).
        self._ruw.execute(self._sql(tekst), opslaanbaar(params))
        return self

    def executemany(self, tekst: str, rijen: Sequence[Sequence[Any]]) -> None:
        """Many rows with one statement per chunk (`VALUES (…), (…), …`): one round trip
        instead of one per row is what makes rebuilding views fast."""
        if not rijen:
            return
        gevonden = _VALUES.search(tekst)
        if gevonden is None:
            self._ruw.executemany(self._sql(tekst), [opslaanbaar(r) for r in rijen])
            return
        breedte = gevonden.group(0).count("%s")
        # Stay under both databases' limits on bound parameters per statement.
        per_keer = max(1, 30_000 // breedte)
        for start in range(0, len(rijen), per_keer):
            deel = rijen[start : start + per_keer]
            sql = _meervoudig(tekst, self.dialect, len(deel))
            # `opslaanbaar`, inline: a rebuild sends millions of values through here.
            waarden = [
                w.replace(NUL, VERVANGING) if type(w) is str and NUL in w else w
                for rij in deel
                for w in rij
            ]
            self._ruw.execute(sql, waarden)

    def voeg_toe(
        self, tabel: str, kolommen: Sequence[str], rijen: Sequence[Sequence[Any]], conflict: str
    ) -> None:
        """Append rows, skipping any that conflict on `conflict` (the key columns). On a
        fresh PostgreSQL table being rebuilt (`vers`) this is a COPY, many times cheaper
        than INSERT; the rebuild writes every key once, so there is nothing to skip."""
        if not rijen:
            return
        rijen = begrensd(kolommen, rijen)
        if self.vers and self.dialect == "postgres":
            with self._ruw.copy(f"COPY {tabel} ({', '.join(kolommen)}) FROM STDIN") as copy:
                for rij in rijen:
                    copy.write_row(opslaanbaar(rij))
            return
        self.executemany(
            f"INSERT INTO {tabel} ({', '.join(kolommen)}) "
            f"VALUES ({', '.join(['%s'] * len(kolommen))}) ON CONFLICT ({conflict}) DO NOTHING",
            rijen,
        )

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


class SqliteVerbindingen(Protocol):
    """One connection per thread to the views' SQLite file (in autocommit mode, rows as
    `sqlite3.Row`: callers BEGIN themselves), all closed by `sluit`."""

    def verbinding(self) -> sqlite3.Connection: ...

    def sluit(self) -> None: ...


class Opslag:
    """Connections for the views; one per thread on SQLite, a pool on PostgreSQL.

    `sqlite`: makes the per-thread connections to the views' SQLite file (called once;
    `SqliteVerbindingen`). `postgres`: psycopg's connection arguments.
    `tabellen_slot`: the SQL expression of the advisory lock held by whoever creates
    tables at start-up (see `ddl`)."""

    def __init__(
        self,
        *,
        dialect: Dialect,
        sqlite: Callable[[], SqliteVerbindingen] | None = None,
        postgres: dict[str, Any] | None = None,
        schema: str | None = None,
        pool_grootte: int = 5,
        tabellen_slot: str | None = None,
    ) -> None:
        # What another process needs to open the same storage (`opener`).
        self._instellingen: dict[str, Any] = dict(
            dialect=dialect, sqlite=sqlite, postgres=postgres, schema=schema,
            pool_grootte=pool_grootte, tabellen_slot=tabellen_slot,
        )  # fmt: skip
        self.dialect: Dialect = dialect
        self._sqlite_verbindingen = sqlite() if sqlite is not None else None
        self._tabellen_slot = tabellen_slot
        self._slot = threading.Lock()
        self._pool: ConnectionPool | None = None
        self._postgres = postgres or {}
        self._schema = schema
        self._pool_grootte = pool_grootte

    # ---- connections -----------------------------------------------------------------

    def _sqlite(self) -> sqlite3.Connection:
        assert self._sqlite_verbindingen is not None
        return self._sqlite_verbindingen.verbinding()

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
    def transactie(self, *, vers: bool = False) -> Iterator[Cursor]:
        """One write transaction; on SQLite it takes the write lock up front (IMMEDIATE),
        so that two writers never both read a position and then both advance it.
        `vers`: the writes go to fresh tables of a rebuild (see `Cursor.voeg_toe`)."""
        if self.dialect == "sqlite":
            verbinding = self._sqlite()
            verbinding.execute("BEGIN IMMEDIATE")
            try:
                yield Cursor(verbinding.cursor(), "sqlite", vers=vers)
            except BaseException:
                verbinding.execute("ROLLBACK")
                raise
            verbinding.execute("COMMIT")
            return
        with (
            self._pg_pool().connection() as pg,
            pg.transaction(),
            pg.cursor() as cur,
        ):
            yield Cursor(cur, "postgres", vers=vers)

    @contextlib.contextmanager
    def lezen(self, *, tellen: bool = False) -> Iterator[Cursor]:
        """A read-only transaction. `tellen`: it aggregates tens of thousands of rows into
        a few; PostgreSQL then hashes instead of sorting (see `_TELLEN`)."""
        if self.dialect == "sqlite":
            verbinding = self._sqlite()
            verbinding.execute("BEGIN")
            try:
                yield Cursor(verbinding.cursor(), "sqlite")
            finally:
                verbinding.execute("ROLLBACK")
            return
        with (
            self._pg_pool().connection() as pg,
            pg.transaction(),
            pg.cursor() as cur,
        ):
            if tellen:
                for instelling in _TELLEN:
                    cur.execute(instelling)
            yield Cursor(cur, "postgres")

    @contextlib.contextmanager
    def ddl(self) -> Iterator[Cursor]:
        """A transaction that creates tables, on PostgreSQL in turn with every process
        creating tables at start-up (the event store's too): several on a new schema at
        once fail on PostgreSQL's catalogue otherwise."""
        with self.transactie() as cur:
            if self.dialect == "postgres" and self._tabellen_slot:
                cur.execute(f"SELECT pg_advisory_xact_lock({self._tabellen_slot})")
            yield cur

    def opener(self) -> Callable[[], Opslag]:
        """How another process opens this same storage (it pickles; nothing is shared)."""
        return partial(Opslag, **self._instellingen)

    def sluit(self) -> None:
        if self._sqlite_verbindingen is not None:
            self._sqlite_verbindingen.sluit()
        with self._slot:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
