"""The `projectie_status` table: per view its position in the event log, whether it is
active or stopped (with the failing position and error), and the shape of its tables.

A view's position is written in the same transaction as its rows (`verder`), which is
what makes the views exactly-once: a process killed at any point resumes where the last
commit left it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog

from projections.basis import Projectie
from projections.opslag import OPSLAGFOUTEN, Cursor, Opslag

log = structlog.get_logger("zorgroute.projecties")

STATUS_DDL = (
    "naam TEXT PRIMARY KEY, positie BIGINT NOT NULL, status TEXT NOT NULL, fout TEXT, "
    "fout_positie BIGINT, tijdstip_laatste TEXT, bijgewerkt_op TEXT, schema TEXT"
)


def nu() -> str:
    return datetime.now(UTC).isoformat()


def installeer(opslag: Opslag, projecties: Sequence[Projectie]) -> None:
    """Every view's tables and status row; a view whose tables changed shape starts over
    from the first event."""
    if _staat_er_al(opslag, projecties):
        return  # no DDL: an API beside the projector runs as a role without DDL rights
    with opslag.ddl() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS projectie_status ({STATUS_DDL})")
        for projectie in projecties:
            rij = cur.execute(
                "SELECT schema FROM projectie_status WHERE naam = %s", [projectie.naam]
            ).fetchone()
            if rij is not None and rij["schema"] != projectie.schema():
                projectie.verwijder_tabellen(cur)
                cur.execute("DELETE FROM projectie_status WHERE naam = %s", [projectie.naam])
                log.info("projectie_schema_gewijzigd", projectie=projectie.naam)
            projectie.maak_tabellen(cur)
            cur.execute(
                "INSERT INTO projectie_status (naam, positie, status, bijgewerkt_op, schema) "
                "VALUES (%s, 0, 'actief', %s, %s) ON CONFLICT (naam) DO NOTHING",
                [projectie.naam, nu(), projectie.schema()],
            )


def _staat_er_al(opslag: Opslag, projecties: Sequence[Projectie]) -> bool:
    """Every view has its status row at its current shape, so its tables are made."""
    try:
        with opslag.lezen() as cur:
            rijen = cur.execute("SELECT naam, schema FROM projectie_status").fetchall()
    except OPSLAGFOUTEN:  # not made yet (or not readable): install
        return False
    standen = {(r["naam"], r["schema"]) for r in rijen}
    return all((p.naam, p.schema()) in standen for p in projecties)


def hervat_gestopte(opslag: Opslag) -> None:
    """Stopped views are retried from their failing position."""
    with opslag.transactie() as cur:
        cur.execute(
            "UPDATE projectie_status SET status = 'actief', fout = NULL, fout_positie = NULL "
            "WHERE status = 'gestopt'"
        )


def alle(opslag: Opslag) -> list[dict[str, Any]]:
    with opslag.lezen() as cur:
        return cur.execute("SELECT * FROM projectie_status ORDER BY naam").fetchall()


def posities(opslag: Opslag, *, actief: bool = False) -> dict[str, dict[str, Any]]:
    """Per view its position and status (`actief`: only the active ones)."""
    waar = " WHERE status = 'actief'" if actief else ""
    with opslag.lezen() as cur:
        rijen = cur.execute(f"SELECT naam, positie, status FROM projectie_status{waar}").fetchall()
    return {r["naam"]: r for r in rijen}


def vergrendel(cur: Cursor, namen: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The views' rows, locked for the rest of the caller's transaction. On PostgreSQL the
    row locks serialise a round with a rebuild's swap (taken in name order, so two lockers
    never wait on each other crosswise); SQLite's BEGIN IMMEDIATE already made the
    transaction the only writer."""
    namen = list(namen)
    slot = " FOR UPDATE" if cur.dialect == "postgres" else ""
    plekken = ", ".join(["%s"] * len(namen))
    rijen = cur.execute(
        f"SELECT naam, positie, status FROM projectie_status WHERE naam IN ({plekken}) "
        f"ORDER BY naam{slot}",
        namen,
    ).fetchall()
    return {r["naam"]: r for r in rijen}


def verder(cur: Cursor, positie: int, tijdstip: str | None, namen: Sequence[str]) -> None:
    """In the caller's transaction (the one with the views' rows): the views `namen` have
    processed the log up to `positie`, the last event of a file among it saved at
    `tijdstip` (None: no event of a file, the time stays)."""
    cur.execute(
        "UPDATE projectie_status SET positie = %s, bijgewerkt_op = %s, "
        "tijdstip_laatste = COALESCE(%s, tijdstip_laatste) "
        f"WHERE naam IN ({', '.join(['%s'] * len(namen))})",
        [positie, nu(), tijdstip, *namen],
    )


def ingewisseld(cur: Cursor, naam: str, positie: int) -> None:
    """In the swap's transaction: the rebuilt view stands at `positie`, active."""
    cur.execute(
        "UPDATE projectie_status SET positie = %s, status = 'actief', fout = NULL, "
        "fout_positie = NULL, bijgewerkt_op = %s WHERE naam = %s",
        [positie, nu(), naam],
    )


def gestopt(opslag: Opslag, naam: str, positie: int, melding: str) -> None:
    with opslag.transactie() as cur:
        cur.execute(
            "UPDATE projectie_status SET status = 'gestopt', fout = %s, "
            "fout_positie = %s, bijgewerkt_op = %s WHERE naam = %s",
            [melding, positie, nu(), naam],
        )
