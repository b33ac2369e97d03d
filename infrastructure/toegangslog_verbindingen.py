"""The access log's connections: a file of its own on SQLite (one WAL connection per
thread), a pool of its own on PostgreSQL; a transaction on either, and the one SQL dialect
difference the log's statements meet (the placeholder)."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

from infrastructure.persistence import LOCK_TIMEOUT_SECONDEN, PostgresDoel
from infrastructure.sqlite_wal import WalPerDraad

# A pooled connection unused for this long is checked before a read's entry relies on it.
RUST_SECONDEN = 1.0
_laatst_uitgegeven: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def _controleer_na_rust(verbinding: psycopg.Connection[Any]) -> None:
    nu = time.monotonic()
    if nu - _laatst_uitgegeven.get(verbinding, 0.0) > RUST_SECONDEN:
        ConnectionPool.check_connection(verbinding)  # raises: the pool takes another
    _laatst_uitgegeven[verbinding] = nu


class Verbindingen:
    """Where the log is stored, and how a statement reaches it."""

    def __init__(
        self,
        *,
        sqlite_bestand: str | None = None,
        postgres: PostgresDoel | None = None,
        pool_grootte: int,
        wacht_seconden: float,
    ) -> None:
        self._bestand = sqlite_bestand
        # FULL, not NORMAL: an entry reported as written must survive a power cut.
        self._sqlite = (
            WalPerDraad(sqlite_bestand, synchronous="FULL") if sqlite_bestand is not None else None
        )
        self._doel = postgres
        self._pool_grootte = pool_grootte
        self._wacht = wacht_seconden
        self._slot = threading.Lock()
        self._pool: ConnectionPool[psycopg.Connection[DictRow]] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self._bestand is not None

    @property
    def bestand(self) -> str | None:
        return self._bestand

    def pg(self) -> ConnectionPool[psycopg.Connection[DictRow]]:
        with self._slot:
            if self._pool is None:
                assert self._doel is not None
                doel = self._doel
                opties = f"-c lock_timeout={LOCK_TIMEOUT_SECONDEN * 1000}"
                if doel.schema:
                    opties += f" -c search_path={doel.schema}"
                verbinding = {
                    **doel.verbinding(),
                    "connect_timeout": max(1, int(self._wacht)),
                    "row_factory": dict_row,
                    "options": opties,
                    # A lone entry is one statement: in autocommit it commits without a
                    # BEGIN and COMMIT of its own (two round trips fewer per logged read).
                    "autocommit": True,
                }
                self._pool = ConnectionPool(
                    connection_class=psycopg.Connection[DictRow],
                    kwargs=verbinding,
                    min_size=1,
                    max_size=self._pool_grootte,
                    timeout=self._wacht,
                    # No check on every checkout (a round trip per logged read); only on
                    # a connection that lay idle, which is where a server restart leaves
                    # broken ones. One in steady use fails at once if the server goes.
                    check=_controleer_na_rust,
                    open=True,
                    name="zorgroute-toegangslog",
                )
            return self._pool

    @contextlib.contextmanager
    def transactie(self, *, schrijven: bool) -> Iterator[Any]:
        """A cursor in one transaction: for writers with the lock taken up front, for
        readers on one snapshot (head and rows seen at the same moment)."""
        if self._sqlite is not None:
            verbinding = self._sqlite.verbinding()
            verbinding.execute("BEGIN IMMEDIATE" if schrijven else "BEGIN")
            try:
                yield verbinding.cursor()
                verbinding.execute("COMMIT" if schrijven else "ROLLBACK")
            except BaseException:
                # Also when COMMIT itself failed: a transaction left open on this thread's
                # connection would make every later BEGIN fail.
                with contextlib.suppress(sqlite3.Error):
                    verbinding.execute("ROLLBACK")
                raise
            return
        with self.pg().connection() as pg, pg.transaction(), pg.cursor() as cur:
            if not schrijven:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cur

    def sql(self, tekst: str) -> str:
        return tekst.replace("%s", "?") if self.is_sqlite else tekst

    def sluit(self) -> None:
        if self._sqlite is not None:
            self._sqlite.sluit()
        with self._slot:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
