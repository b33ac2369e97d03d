"""One way to open a SQLite file that several threads (and processes) use at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal


def open_wal(pad: str, synchronous: Literal["NORMAL", "FULL"] = "NORMAL") -> sqlite3.Connection:
    """A connection in autocommit mode (callers BEGIN themselves), rows as sqlite3.Row.
    WAL lets readers go on while one writer appends; the busy timeout turns a collision of
    writers into a short wait instead of "database is locked"."""
    Path(pad).parent.mkdir(parents=True, exist_ok=True)
    verbinding = sqlite3.connect(pad, isolation_level=None, check_same_thread=False, timeout=30)
    verbinding.row_factory = sqlite3.Row
    verbinding.execute("PRAGMA journal_mode=WAL")
    verbinding.execute("PRAGMA busy_timeout=30000")
    verbinding.execute(f"PRAGMA synchronous={synchronous}")
    return verbinding
