"""Seals: tamper evidence for the events and an anchor for the access log, under a key the
database does not hold (`ZORGROUTE_KETEN_SLEUTEL`).

Every event gets a seal: `mac = HMAC-SHA256(key, previous mac ‖ its position, file,
version, topic and sha256 of its state)`, a chain in log order. The access log has its own
sha256 chain (toegangslog_keten.py), which its owner can recompute from any entry on; so
its head is sealed too: `HMAC(key, volgnummer ‖ hash)`. Without the key nobody can make a
seal that fits, so whoever holds only the database can change, remove, reorder or insert,
but `zorgroute audit verify` names the first event or entry that no longer fits its seal.

The seals live in tables of their own (SQLite: a file next to the events), written by the
sealer (`Verzegelaar`) in the projector's process and by `zorgroute audit verzegel`;
never on the write path of a command.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import orjson
import psycopg
from eventsourcing.persistence import Notification

from infrastructure.persistence import PostgresDoel, postgres_doel, sqlite_pad
from infrastructure.settings import Settings
from infrastructure.sqlite_wal import open_wal

BEGIN_MAC = "0" * 64
Soort = Literal["gebeurtenis_zegels", "toegangslog_zegels"]
SOORTEN: tuple[Soort, ...] = ("gebeurtenis_zegels", "toegangslog_zegels")
_GEBEURTENIS = b"zorgroute.gebeurtenis.v1\x00"
_TOEGANGSLOG = b"zorgroute.toegangslog.v1\x00"
_TABEL = """CREATE TABLE IF NOT EXISTS {naam} (
    positie BIGINT PRIMARY KEY, mac TEXT NOT NULL, verzegeld_op TEXT NOT NULL)"""
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {naam}_geen_{op.lower()} BEFORE {op} ON {naam} "
    f"BEGIN SELECT RAISE(ABORT, 'zegels zijn alleen-toevoegen: {op} is niet toegestaan'); END"
    for naam in SOORTEN
    for op in ("UPDATE", "DELETE")
]
_PG_TRIGGERS = """
CREATE OR REPLACE FUNCTION zegels_weiger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  RAISE EXCEPTION 'zegels zijn alleen-toevoegen: % is niet toegestaan', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
""" + "".join(
    f"""CREATE OR REPLACE TRIGGER {naam}_alleen_toevoegen BEFORE UPDATE OR DELETE ON {naam}
  FOR EACH ROW EXECUTE FUNCTION zegels_weiger();
CREATE OR REPLACE TRIGGER {naam}_geen_truncate BEFORE TRUNCATE ON {naam}
  FOR EACH STATEMENT EXECUTE FUNCTION zegels_weiger();
REVOKE UPDATE, DELETE, TRUNCATE ON {naam} FROM PUBLIC;
"""
    for naam in SOORTEN
)
# Two sealers (the projector and `audit verzegel`) take turns; no table privilege needed.
_PG_SLOT = "SELECT pg_advisory_xact_lock(hashtext('zorgroute.zegels'))"


class ZegelsOntbreken(RuntimeError):
    """The seals' tables are not there (PostgreSQL: the owner has not installed them)."""


def gebeurtenis_mac(sleutel: bytes, vorige: str, notificatie: Notification) -> str:
    """The seal of one event, chained on the previous event's seal."""
    inhoud = orjson.dumps(
        [
            notificatie.id,
            str(notificatie.originator_id),
            notificatie.originator_version,
            notificatie.topic,
            hashlib.sha256(_als_bytes(notificatie.state)).hexdigest(),
        ]
    )
    bericht = _GEBEURTENIS + vorige.encode("ascii") + b"\x00" + inhoud
    return hmac.new(sleutel, bericht, hashlib.sha256).hexdigest()


def _als_bytes(state: object) -> bytes:
    # SQLite lets a hand-made UPDATE store text where the library wrote bytes.
    return state.encode("utf-8", "surrogatepass") if isinstance(state, str) else bytes(state)  # type: ignore[call-overload]


def toegangslog_mac(sleutel: bytes, volgnummer: int, keten_hash: str) -> str:
    """The seal of the access log up to `volgnummer`: its chain's hash there covers every
    entry before it."""
    bericht = _TOEGANGSLOG + f"{volgnummer}:{keten_hash}".encode("ascii")
    return hmac.new(sleutel, bericht, hashlib.sha256).hexdigest()


def _nu() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Zegels:
    """The seals' storage: SQLite its own file, PostgreSQL two tables beside the events."""

    def __init__(self, *, sqlite_bestand: str | None = None, postgres: PostgresDoel | None = None):
        self._bestand = sqlite_bestand
        self._doel = postgres

    @classmethod
    def van_settings(cls, settings: Settings) -> Zegels:
        if settings.is_sqlite:
            # Not the events' file: sealing must never hold the lock a command's save needs.
            pad = Path(sqlite_pad(settings.database_url))
            bestand = pad.with_name(pad.stem + ".zegels" + (pad.suffix or ".sqlite"))
            return cls(sqlite_bestand=str(bestand))
        return cls(postgres=postgres_doel(settings.database_url))

    @property
    def is_sqlite(self) -> bool:
        return self._bestand is not None

    @contextlib.contextmanager
    def _verbinding(self, *, schrijven: bool) -> Iterator[Any]:
        """One transaction; a writer holds the sealers' lock for all of it."""
        if self._bestand is not None:
            if not schrijven and not Path(self._bestand).exists():
                raise ZegelsOntbreken("bestand met zegels ontbreekt")
            verbinding = open_wal(self._bestand, synchronous="FULL")
            try:
                if schrijven:
                    # On the fly: a SQLite deployment has no owner to install them.
                    for opdracht in [*(_TABEL.format(naam=n) for n in SOORTEN), *_SQLITE_TRIGGERS]:
                        verbinding.execute(opdracht)
                verbinding.execute("BEGIN IMMEDIATE" if schrijven else "BEGIN")
                try:
                    yield verbinding
                    verbinding.execute("COMMIT" if schrijven else "ROLLBACK")
                except BaseException as fout:
                    with contextlib.suppress(sqlite3.Error):
                        verbinding.execute("ROLLBACK")
                    if isinstance(fout, sqlite3.OperationalError) and "no such table" in str(fout):
                        raise ZegelsOntbreken("tabellen van de zegels ontbreken") from fout
                    raise
            finally:
                verbinding.close()
            return
        assert self._doel is not None
        opties = f"-c search_path={self._doel.schema}" if self._doel.schema else ""
        gegevens = self._doel.verbinding(connect_timeout=5, options=opties)
        with psycopg.connect(**gegevens) as pg, pg.transaction():
            if schrijven:
                pg.execute(_PG_SLOT)
            try:
                yield pg
            except psycopg.errors.UndefinedTable as fout:
                raise ZegelsOntbreken(
                    "tabellen van de zegels ontbreken; laat de eigenaar "
                    "`zorgroute audit installeer` draaien"
                ) from fout

    def installeer(self) -> None:
        """As the owner (PostgreSQL): the tables, append-only by trigger. SQLite makes them
        at the first seal."""
        if self._bestand is not None:
            with self._verbinding(schrijven=True):
                return
        assert self._doel is not None
        opties = f"-c search_path={self._doel.schema}" if self._doel.schema else ""
        with psycopg.connect(**self._doel.verbinding(options=opties)) as pg, pg.transaction():
            pg.execute(_PG_SLOT)
            for naam in SOORTEN:
                pg.execute(_TABEL.format(naam=naam))
            pg.execute(_PG_TRIGGERS)

    def laatste(self, soort: Soort) -> tuple[int, str]:
        """Position and mac of the last seal; (0, BEGIN_MAC) when there is none."""
        with self._verbinding(schrijven=False) as verbinding:
            return _laatste(verbinding, soort)

    def lees(self, soort: Soort, *, per_keer: int = 5000) -> Iterator[tuple[int, str]]:
        """Every seal in order, (position, mac), read in batches."""
        positie = -1
        while True:
            with self._verbinding(schrijven=False) as verbinding:
                rijen = verbinding.execute(
                    f"SELECT positie, mac FROM {soort} WHERE positie > {int(positie)} "
                    f"ORDER BY positie LIMIT {int(per_keer)}"
                ).fetchall()
            for rij in rijen:
                yield int(rij[0]), str(rij[1])
            if len(rijen) < per_keer:
                return
            positie = int(rijen[-1][0])

    @contextlib.contextmanager
    def toevoegen(self, soort: Soort) -> Iterator[tuple[tuple[int, str], Any]]:
        """Under the sealers' lock: the last seal, and a function that appends seals."""
        with self._verbinding(schrijven=True) as verbinding:

            def voeg_toe(rijen: Sequence[tuple[int, str]]) -> None:
                plek = "?" if self._bestand is not None else "%s"
                opdracht = f"INSERT INTO {soort} VALUES ({plek}, {plek}, {plek})"
                nu = _nu()
                if self._bestand is not None:
                    verbinding.executemany(opdracht, [(p, m, nu) for p, m in rijen])
                else:
                    with verbinding.cursor() as cur:
                        cur.executemany(opdracht, [(p, m, nu) for p, m in rijen])

            yield _laatste(verbinding, soort), voeg_toe


def _laatste(verbinding: Any, soort: Soort) -> tuple[int, str]:
    rij = verbinding.execute(
        f"SELECT positie, mac FROM {soort} ORDER BY positie DESC LIMIT 1"
    ).fetchone()
    return (0, BEGIN_MAC) if rij is None else (int(rij[0]), str(rij[1]))
