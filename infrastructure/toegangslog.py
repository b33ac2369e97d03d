"""The access log's storage: append-only, hash-chained, on SQLite or PostgreSQL.

Every entry gets the next `volgnummer` (1, 2, 3… without gaps) and `hash` = sha256 over
the previous entry's hash plus a canonical serialisation of all its fields. A one-row head
(`toegangslog_kop`) holds the last number and hash; taking it under a lock serialises the
writers, and comparing with it makes a removed *last* entry as visible as a removed middle
one. On PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE, and the head can only move
one entry forward; what an owner does around them, `verifieer` reveals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Unpack

import psycopg
from psycopg import sql

from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel, Zoekvraag
from infrastructure.persistence import (
    PostgresDoel,
    postgres_doel,
    sqlite_pad,
)
from infrastructure.settings import Settings
from infrastructure.toegangslog_keten import (
    _INDEXEN,
    _KETEN_SQL,
    _KOP,
    _KOP_SQL,
    _OPSLAGFOUTEN,
    _PG_GEINSTALLEERD,
    _PG_TRIGGERS,
    _SQLITE_TRIGGERS,
    _TABEL,
    BEGIN_HASH,
    VerificatieUitkomst,
    _als_json,
    _loop_keten,
    _tekst,
    _utc,
)
from infrastructure.toegangslog_schrijven import schrijf_pg, schrijf_sqlite
from infrastructure.toegangslog_verbindingen import Verbindingen


class Toegangslog:
    """The `Toegangslogboek` port on SQLite (own file, WAL) or PostgreSQL (own pool)."""

    def __init__(
        self,
        *,
        sqlite_bestand: str | None = None,
        postgres: PostgresDoel | None = None,
        pool_grootte: int = 4,
        wacht_seconden: float = 5.0,
    ) -> None:
        self._verbindingen = Verbindingen(
            sqlite_bestand=sqlite_bestand,
            postgres=postgres,
            pool_grootte=pool_grootte,
            wacht_seconden=wacht_seconden,
        )
        # infrastructure/verzegelen.py and zegels_verifieren.py read the head and hashes
        # in a transaction of the log's own.
        self._transactie = self._verbindingen.transactie

    @classmethod
    def van_settings(cls, settings: Settings, *, wacht_seconden: float = 5.0) -> Toegangslog:
        if settings.is_sqlite:
            # A file of its own: logging a read never waits on the lock of an event write.
            pad = Path(sqlite_pad(settings.database_url))
            bestand = pad.with_name(pad.stem + ".toegangslog" + (pad.suffix or ".sqlite"))
            return cls(sqlite_bestand=str(bestand), wacht_seconden=wacht_seconden)
        # Small: writers queue on the head row anyway, more connections would only wait.
        grootte = max(2, min(settings.pool_size, 8))
        doel = postgres_doel(settings.database_url)
        return cls(postgres=doel, pool_grootte=grootte, wacht_seconden=wacht_seconden)

    @property
    def is_sqlite(self) -> bool:
        return self._verbindingen.is_sqlite

    @property
    def _bestand(self) -> str | None:
        return self._verbindingen.bestand

    # ---- installing ------------------------------------------------------------------

    def installeer(self) -> None:
        """Create tables, indexes and triggers if missing. Without DDL when all is in
        place, so that an application role without CREATE rights can call it too."""
        try:
            self._installeer()
        except _OPSLAGFOUTEN as fout:
            raise ToegangslogOnbeschikbaar(f"toegangslog installeren mislukt: {fout}") from fout

    def _installeer(self) -> None:
        if self.is_sqlite:
            with self._verbindingen.transactie(schrijven=True) as cur:
                for opdracht in [_TABEL.format(tijd="TEXT"), _KOP, *_INDEXEN, *_SQLITE_TRIGGERS]:
                    cur.execute(opdracht)
                cur.execute(f"INSERT OR IGNORE INTO toegangslog_kop VALUES (1, 0, '{BEGIN_HASH}')")
            return
        with self._verbindingen.pg().connection() as pg:
            rij = pg.execute(_PG_GEINSTALLEERD).fetchone()
            if rij and rij["klaar"]:
                return
            try:
                with pg.transaction():
                    # Two processes starting at once must not both create the triggers.
                    pg.execute("SELECT pg_advisory_xact_lock(hashtext('zorgroute.toegangslog'))")
                    for opdracht in [_TABEL.format(tijd="TIMESTAMPTZ"), _KOP, *_INDEXEN]:
                        pg.execute(opdracht)
                    pg.execute(
                        "INSERT INTO toegangslog_kop VALUES (1, 0, %s) ON CONFLICT DO NOTHING",
                        (BEGIN_HASH,),
                    )
                    pg.execute(_PG_TRIGGERS)
            except psycopg.errors.InsufficientPrivilege as fout:
                raise ToegangslogOnbeschikbaar(
                    "toegangslog is niet (volledig) geïnstalleerd en deze databaserol mag hem "
                    "niet aanmaken; laat de eigenaar van de database hem installeren "
                    "(zie docs/toegangslog.md)"
                ) from fout

    def verleen(self, rol: str) -> None:
        """PostgreSQL, as the owner: give an application role exactly what writing and
        reading the log needs (no UPDATE/DELETE on entries; the head only moves forward)."""
        naam = sql.Identifier(rol)
        try:
            with self._verbindingen.pg().connection() as pg, pg.transaction():
                for opdracht in (
                    "GRANT SELECT, INSERT ON toegangslog TO {}",
                    "GRANT SELECT, UPDATE (volgnummer, hash) ON toegangslog_kop TO {}",
                ):
                    pg.execute(sql.SQL(opdracht).format(naam))
        except _OPSLAGFOUTEN as fout:
            raise ToegangslogOnbeschikbaar(f"rechten verlenen mislukt: {fout}") from fout

    # ---- the port --------------------------------------------------------------------

    def schrijf(self, regel: Toegangsregel) -> None:
        """Append one entry durably, or raise ToegangslogOnbeschikbaar (never drop it)."""
        self.schrijf_alle([regel])

    def schrijf_alle(self, regels: Sequence[Toegangsregel]) -> None:
        """Append entries in one transaction (an overview naming many files): all or none."""
        if not regels:
            return
        try:
            if self.is_sqlite:
                with self._verbindingen.transactie(schrijven=True) as cur:
                    schrijf_sqlite(cur, regels)
            else:
                schrijf_pg(self._verbindingen.pg(), regels)
        except _OPSLAGFOUTEN as fout:
            # Only the kind of failure: the message of a failed INSERT can echo values.
            raise ToegangslogOnbeschikbaar(
                f"toegangslog niet beschikbaar ({type(fout).__name__})"
            ) from fout

    def zoek(self, *, school: str, **vraag: Unpack[Zoekvraag]) -> list[dict[str, Any]]:
        """The newest `limiet` entries of one school that match, oldest first."""
        tijd = _tekst if self.is_sqlite else _utc
        voorwaarden: list[str] = ["school = %s"]
        params: list[Any] = [school]
        van, tot = vraag.get("van"), vraag.get("tot")
        for kolom, teken, waarde in (
            ("casus_id", "=", vraag.get("casus_id")),
            ("gebruiker_id", "=", vraag.get("gebruiker")),
            ("actie", "=", vraag.get("actie")),
            ("tijdstip", ">=", None if van is None else tijd(van)),
            ("tijdstip", "<=", None if tot is None else tijd(tot)),
        ):
            if waarde is not None:
                voorwaarden.append(f"{kolom} {teken} %s")
                params.append(waarde)
        if vraag.get("alleen_noodtoegang"):
            voorwaarden.append("(actie = 'noodtoegang' OR reden_noodtoegang IS NOT NULL)")
        opdracht = (
            f"SELECT * FROM toegangslog WHERE {' AND '.join(voorwaarden)} "
            f"ORDER BY volgnummer DESC LIMIT {max(0, int(vraag.get('limiet', 1000)))}"
        )
        with self._verbindingen.transactie(schrijven=False) as cur:
            cur.execute(self._verbindingen.sql(opdracht), params)
            rijen = [dict(r) for r in cur.fetchall()]
        return [_als_json(r) for r in reversed(rijen)]

    # ---- verifying -------------------------------------------------------------------

    def verifieer(self) -> VerificatieUitkomst:
        """Walk the chain in volgnummer order and name the first broken link. Head and
        rows are read in one snapshot, so writers may go on meanwhile."""
        if self.is_sqlite and not Path(str(self._bestand)).exists():
            return VerificatieUitkomst(False, 0, None, "ontbreekt", "bestand ontbreekt")
        try:
            if self.is_sqlite:
                with self._verbindingen.transactie(schrijven=False) as cur:
                    kop = cur.execute(_KOP_SQL).fetchone()
                    return _loop_keten(kop, cur.execute(_KETEN_SQL))
            with self._verbindingen.pg().connection() as pg, pg.transaction():
                pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                kop = pg.execute(_KOP_SQL).fetchone()
                # A server-side cursor: a log of millions of entries is walked in batches.
                with pg.cursor(name="toegangslog_verifieer") as cur:
                    cur.execute(_KETEN_SQL)
                    return _loop_keten(kop, cur)
        except (psycopg.errors.UndefinedTable, sqlite3.OperationalError) as fout:
            if isinstance(fout, sqlite3.OperationalError) and "no such table" not in str(fout):
                raise ToegangslogOnbeschikbaar(f"toegangslog niet leesbaar: {fout}") from fout
            return VerificatieUitkomst(False, 0, None, "ontbreekt", "tabel ontbreekt")
        except _OPSLAGFOUTEN as fout:
            raise ToegangslogOnbeschikbaar(f"toegangslog niet leesbaar: {fout}") from fout

    def sluit(self) -> None:
        self._verbindingen.sluit()
