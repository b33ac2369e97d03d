"""Appending to the access log: on PostgreSQL a lone entry in one statement (the hash made
by the database once it holds the head) and several under one lock of the head with the
hashes made here; on SQLite in Python under its one write lock. All make exactly the chain
that `toegangslog_keten.bereken_hash` checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import psycopg
from psycopg.rows import DictRow
from psycopg_pool import ConnectionPool

from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel
from infrastructure.toegangslog_keten import (
    _KOLOMMEN,
    _KOP_SQL,
    _tekst,
    _utc,
    bereken_hash,
    hash_voorvoegsel,
)

# One statement, so one round trip and (in autocommit) one synchronous commit: take the
# head, append the entry with the next number and its hash, move the head on. The head
# trigger runs after the INSERT in the same statement and sees the new row (a volatile
# function sees the changes of the command that calls it). No head row: nothing happens
# and no row comes back, which the caller turns into an error.
_REGELVELDEN = [f.name for f in fields(Toegangsregel)]
_INVOEG_KOLOMMEN = [k for k in _KOLOMMEN if k not in ("volgnummer", "vorige_hash", "hash")]
_PG_TYPEN = {"tijdstip": "timestamptz", "versie": "bigint"}
PG_SCHRIJF = f"""WITH kop AS (
    SELECT volgnummer + 1 AS nr, hash AS vorige FROM toegangslog_kop WHERE id = 1 FOR UPDATE
), nieuw AS (
    INSERT INTO toegangslog (volgnummer, {", ".join(_INVOEG_KOLOMMEN)}, vorige_hash, hash)
    SELECT nr, {", ".join(f"%({k})s::{_PG_TYPEN.get(k, 'text')}" for k in _INVOEG_KOLOMMEN)},
        vorige, encode(sha256(convert_to(vorige, 'UTF8') || %(voorvoegsel)s::bytea
                              || convert_to(nr::text || '}}', 'UTF8')), 'hex')
    FROM kop
    RETURNING volgnummer, hash
)
UPDATE toegangslog_kop SET volgnummer = nieuw.volgnummer, hash = nieuw.hash
FROM nieuw WHERE toegangslog_kop.id = 1
RETURNING toegangslog_kop.volgnummer"""


def pg_parameters(regel: Toegangsregel) -> dict[str, Any]:
    """`PG_SCHRIJF`'s parameters for one entry."""
    waarden: dict[str, Any] = {k: getattr(regel, k) for k in _INVOEG_KOLOMMEN}
    waarden["tijdstip"] = _utc(regel.tijdstip)
    waarden["voorvoegsel"] = hash_voorvoegsel(regel)
    return waarden


def schrijf_pg(
    pool: ConnectionPool[psycopg.Connection[DictRow]], regels: Sequence[Toegangsregel]
) -> None:
    """Every read waits for this. One entry: one statement (`PG_SCHRIJF`), so one round
    trip and one synchronous commit (the pool's connections are in autocommit). Several
    entries (an overview names hundreds of files) share one transaction: the head is
    locked once, the chain is computed here, the rows go in by COPY and the head moves
    one entry at a time (its trigger accepts nothing else) in one pipeline."""
    with pool.connection() as pg, pg.cursor() as cur:
        if len(regels) == 1:
            cur.execute(PG_SCHRIJF, pg_parameters(regels[0]))
            if cur.fetchone() is None:
                raise ToegangslogOnbeschikbaar("kop van de toegangslog ontbreekt")
            return
        with pg.transaction():
            # Leaving this block with an error rolls back everything added in it.
            cur.execute(_KOP_SQL + " FOR UPDATE")
            kop = cur.fetchone()
            if kop is None:
                raise ToegangslogOnbeschikbaar("kop van de toegangslog ontbreekt")
            rijen = keten(regels, int(kop["volgnummer"]), kop["hash"])
            with cur.copy(f"COPY toegangslog ({', '.join(_KOLOMMEN)}) FROM STDIN") as copy:
                for rij in rijen:
                    copy.write_row([rij[k] for k in _KOLOMMEN])
            cur.executemany(
                "UPDATE toegangslog_kop SET volgnummer = %s, hash = %s WHERE id = 1",
                [(rij["volgnummer"], rij["hash"]) for rij in rijen],
            )


def keten(regels: Sequence[Toegangsregel], volgnummer: int, vorige: str) -> list[dict[str, Any]]:
    """The entries as rows, numbered and chained on from the head (`volgnummer`, `vorige`)."""
    rijen = []
    for regel in regels:
        volgnummer += 1
        # Not dataclasses.asdict: it deep-copies every value, half the cost of a batch.
        rij: dict[str, Any] = {k: getattr(regel, k) for k in _REGELVELDEN}
        rij["volgnummer"] = volgnummer
        rij["tijdstip"] = _utc(regel.tijdstip)
        rij["vorige_hash"] = vorige
        rij["hash"] = vorige = bereken_hash(rij, vorige)
        rijen.append(rij)
    return rijen


def schrijf_sqlite(cur: Any, regels: Sequence[Toegangsregel]) -> None:
    """Inside a `BEGIN IMMEDIATE` transaction: it holds SQLite's one write lock, so no one
    else moves the head meanwhile."""
    cur.execute(_KOP_SQL)
    kop = cur.fetchone()
    if kop is None:
        raise ToegangslogOnbeschikbaar("kop van de toegangslog ontbreekt")
    plekken = ", ".join(["?"] * len(_KOLOMMEN))
    invoegen = f"INSERT INTO toegangslog ({', '.join(_KOLOMMEN)}) VALUES ({plekken})"
    for rij in keten(regels, int(kop["volgnummer"]), kop["hash"]):
        waarden = [rij[k] for k in _KOLOMMEN]
        waarden[1] = _tekst(rij["tijdstip"])  # fixed-width text: text order is time order
        cur.execute(invoegen, waarden)
        # The head moves one entry at a time: its trigger accepts nothing else.
        cur.execute(
            "UPDATE toegangslog_kop SET volgnummer = ?, hash = ? WHERE id = 1",
            (rij["volgnummer"], rij["hash"]),
        )
