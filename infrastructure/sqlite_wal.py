"""One way to open a SQLite file that several threads (and processes) use at once."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from pathlib import Path
from typing import Literal

# Care data: readable by the service's own user only, like the secrets in var/.
BESTANDSMODUS = 0o600


def maak_prive(pad: str) -> None:
    """Create the database file as owner-only before SQLite does (SQLite gives its -wal,
    -shm and -journal files the mode of the database file), and take away what an older
    version left readable to others. In-memory and `file:` URIs are left alone."""
    if pad == ":memory:" or pad.startswith("file:"):
        return
    bestand = Path(pad)
    bestand.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(bestand, os.O_RDWR | os.O_CREAT, BESTANDSMODUS))
    for deel in ("", "-wal", "-shm", "-journal"):
        naast = bestand.with_name(bestand.name + deel)
        # Not our file to change (another owner): leave it as it is rather than stop.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if stat.S_IMODE(naast.stat().st_mode) & 0o077:
                naast.chmod(BESTANDSMODUS)


def open_wal(pad: str, synchronous: Literal["NORMAL", "FULL"] = "NORMAL") -> sqlite3.Connection:
    """A connection in autocommit mode (callers BEGIN themselves), rows as sqlite3.Row.
    WAL lets readers go on while one writer appends; the busy timeout turns a collision of
    writers into a short wait instead of "database is locked"."""
    maak_prive(pad)
    verbinding = sqlite3.connect(pad, isolation_level=None, check_same_thread=False, timeout=30)
    verbinding.row_factory = sqlite3.Row
    verbinding.execute("PRAGMA journal_mode=WAL")
    verbinding.execute("PRAGMA busy_timeout=30000")
    verbinding.execute(f"PRAGMA synchronous={synchronous}")
    return verbinding


class WalPerDraad:
    """One `open_wal` connection per thread to one file, opened on first use; `sluit`
    closes them all, and the threads that had one open a new one if they go on."""

    def __init__(self, pad: str, synchronous: Literal["NORMAL", "FULL"] = "NORMAL") -> None:
        self._pad = pad
        self._synchronous: Literal["NORMAL", "FULL"] = synchronous
        self._lokaal = threading.local()
        self._alle: list[sqlite3.Connection] = []
        self._slot = threading.Lock()

    def verbinding(self) -> sqlite3.Connection:
        verbinding: sqlite3.Connection | None = getattr(self._lokaal, "verbinding", None)
        if verbinding is None:
            verbinding = open_wal(self._pad, self._synchronous)
            self._lokaal.verbinding = verbinding
            with self._slot:
                self._alle.append(verbinding)
        return verbinding

    def sluit(self) -> None:
        with self._slot:
            for verbinding in self._alle:
                with contextlib.suppress(Exception):
                    verbinding.close()
            self._alle.clear()
            # Other threads' thread-locals still point at closed connections: start afresh.
            self._lokaal = threading.local()
