"""Translate ``ZORGROUTE_DATABASE_URL`` into the environment eventsourcing reads.

The application layer never imports this module: the storage adapter
(``infrastructure.opslag.bouw_opslag``) hands the dict returned by
:func:`eventsourcing_env` to eventsourcing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import psycopg

from infrastructure.settings import Settings
from infrastructure.sqlite_wal import maak_prive

MAPPER_TOPIC = "infrastructure.transcoding:PydanticMapper"
TRANSCODER_TOPIC = "infrastructure.transcoding:OrjsonTranscoder"

# Seconds. Long enough to ride out a burst of concurrent writers on one case file, short
# enough that a stuck lock surfaces as an error rather than a hanging request.
LOCK_TIMEOUT_SECONDEN = 10
CONNECT_TIMEOUT_SECONDEN = 5
READYZ_TIMEOUT_SECONDEN = 2


@dataclass(frozen=True)
class PostgresDoel:
    host: str
    port: int
    dbname: str
    user: str
    password: str
    schema: str | None

    def verbinding(self, **extra: Any) -> dict[str, Any]:
        """psycopg's connection arguments for this server (the schema is not among them:
        each user sets its own search_path or qualifies its tables)."""
        return {
            "host": self.host,
            "port": self.port,
            "dbname": self.dbname,
            "user": self.user,
            "password": self.password,
            **extra,
        }


def sqlite_pad(database_url: str) -> str:
    """``sqlite:///rel/pad`` → ``rel/pad``; ``sqlite:////abs/pad`` → ``/abs/pad``."""
    pad = urlsplit(database_url).path
    return unquote(pad[1:] if pad.startswith("/") else pad)


def postgres_doel(database_url: str) -> PostgresDoel:
    delen = urlsplit(database_url)
    schemas = parse_qs(delen.query).get("schema", [])
    return PostgresDoel(
        host=delen.hostname or "localhost",
        port=delen.port or 5432,
        dbname=unquote(delen.path.lstrip("/")),
        user=unquote(delen.username or ""),
        password=unquote(delen.password or ""),
        schema=schemas[-1] if schemas else None,
    )


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing 9.5.6 environment for the configured database."""
    env: dict[str, str] = {
        "MAPPER_TOPIC": MAPPER_TOPIC,
        "TRANSCODER_TOPIC": TRANSCODER_TOPIC,
        # No library aggregate cache: the storage adapter keeps the one cache of files
        # (infrastructure/opslag/cache.py).
        # Off for a role without DDL rights: `zorgroute audit installeer` made the tables.
        "CREATE_TABLE": "y" if settings.maak_tabellen else "n",
    }
    if settings.is_sqlite:
        pad = sqlite_pad(settings.database_url)
        maak_prive(pad)  # owner-only, before eventsourcing's SQLite creates it
        env.update(
            {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": pad,
                "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDEN),
            }
        )
        return env

    doel = postgres_doel(settings.database_url)
    env.update(
        {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": doel.dbname,
            "POSTGRES_HOST": doel.host,
            "POSTGRES_PORT": str(doel.port),
            "POSTGRES_USER": doel.user,
            "POSTGRES_PASSWORD": doel.password,
            "POSTGRES_POOL_SIZE": str(settings.pool_size),
            "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT_SECONDEN),
            # No ping before every checkout (a round trip per command): a connection broken by a
            # database restart fails once, the store retries on a fresh one (tests/verlies).
            "POSTGRES_PRE_PING": "n",
            "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDEN),
            "APPLICATION_RECORDER_TOPIC": "infrastructure.pg_recorder:EenRondgangRecorder",
            # POSTGRES_ENABLE_DB_FUNCTIONS is deliberately never set: on eventsourcing 9.5.6
            # the stored-function insert path lets subscribers miss events under concurrent
            # writes and drops tracking rows, which would silently corrupt projections.
        }
    )
    if doel.schema:
        env["POSTGRES_SCHEMA"] = doel.schema
    return env


def database_bereikbaar(settings: Settings) -> bool:
    """True when a trivial query succeeds within a short timeout (for ``/readyz``)."""
    try:
        if settings.is_sqlite:
            return _sqlite_bereikbaar(sqlite_pad(settings.database_url))
        return _postgres_bereikbaar(postgres_doel(settings.database_url))
    except Exception:
        # Readiness is a yes/no question; the reason belongs in the logs of the caller.
        return False


def _sqlite_bereikbaar(pad: str) -> bool:
    if pad == ":memory:":
        return True
    # mode=rw: a readiness probe must not create an empty database file as a side effect.
    uri = pad if pad.startswith("file:") else f"file:{quote(str(Path(pad).resolve()))}?mode=rw"
    verbinding = sqlite3.connect(uri, uri=True, timeout=READYZ_TIMEOUT_SECONDEN)
    try:
        rij: tuple[int] | None = verbinding.execute("SELECT 1").fetchone()
        return rij == (1,)
    finally:
        verbinding.close()


def _postgres_bereikbaar(doel: PostgresDoel) -> bool:
    with psycopg.connect(**doel.verbinding(connect_timeout=READYZ_TIMEOUT_SECONDEN)) as verbinding:
        rij = verbinding.execute("SELECT 1").fetchone()
        return rij == (1,)
