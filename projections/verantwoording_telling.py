"""Counting the accountability report's cells in the database.

The report needs, per school, how many files reached each level while open in the
school year, and per cell how many facts and how many distinct files (the contributors
the suppression rules look at). Reading every fact and every level change of a school
year into Python to count them is slow on a large log; the database counts them and
hands back a few dozen rows.
"""

from __future__ import annotations

from typing import Any

from domain.waarden import NIVEAUS
from projections.opslag import Cursor

# A level's rank, so that "highest level" is a MAX in SQL; back to its name in Python.
_RANG = "CASE niveau " + " ".join(f"WHEN '{n}' THEN {i}" for i, n in enumerate(NIVEAUS)) + " END"


def in_zorg(cur: Cursor, scholen: list[str], van: str, tot: str) -> list[dict[str, Any]]:
    """(school, soort, niveau, aantal): files per highest level they had while open in
    [van, tot]: any level recorded on a date in the year, and the level they were at when
    the year began if they were open then (their last change before `van`, in log order)."""
    plekken = ", ".join(["%s"] * len(scholen))
    rijen = cur.execute(
        "WITH voor AS ("
        "  SELECT casus_id, MAX(positie) AS positie FROM pv_verantwoording_stand "
        f" WHERE school IN ({plekken}) AND datum < %s GROUP BY casus_id"
        "), kandidaten AS ("
        "  SELECT s.school, s.casus_id, s.soort, s.niveau FROM pv_verantwoording_stand s "
        "  JOIN voor v ON s.positie = v.positie WHERE s.status = 'open' "
        "  UNION ALL "
        "  SELECT school, casus_id, soort, niveau FROM pv_verantwoording_stand "
        f" WHERE school IN ({plekken}) AND datum >= %s AND datum <= %s"
        "), hoogste AS ("
        f"  SELECT school, casus_id, soort, MAX({_RANG}) AS rang FROM kandidaten "
        "  GROUP BY school, casus_id, soort"
        ") SELECT school, soort, rang, COUNT(*) AS aantal FROM hoogste GROUP BY school, soort, rang",
        [*scholen, van, *scholen, van, tot],
    ).fetchall()
    return [
        {"school": r["school"], "soort": r["soort"], "niveau": NIVEAUS[int(r["rang"])],
         "aantal": int(r["aantal"])}
        for r in rijen
    ]  # fmt: skip


def cellen(cur: Cursor, scholen: list[str], schooljaar: str) -> list[dict[str, Any]]:
    """(school, tabel, cel, aantal, personen): facts and distinct files per cell. Counted
    per file first: a hash-friendly GROUP BY rather than a COUNT(DISTINCT), which sorts."""
    plekken = ", ".join(["%s"] * len(scholen))
    rijen = cur.execute(
        "SELECT school, tabel, cel, SUM(n) AS aantal, COUNT(*) AS personen FROM ("
        "  SELECT school, tabel, cel, casus_id, COUNT(*) AS n FROM pv_verantwoording_feiten "
        f" WHERE school IN ({plekken}) AND schooljaar = %s GROUP BY school, tabel, cel, casus_id"
        ") per_casus GROUP BY school, tabel, cel",
        [*scholen, schooljaar],
    ).fetchall()
    return [
        {"school": r["school"], "tabel": r["tabel"], "cel": r["cel"],
         "aantal": int(r["aantal"]), "personen": int(r["personen"])}
        for r in rijen
    ]  # fmt: skip


def doorloop(cur: Cursor, scholen: list[str], schooljaar: str) -> list[dict[str, Any]]:
    """Every intake in the OZS of the year with the first signal of its traject."""
    plekken = ", ".join(["%s"] * len(scholen))
    return cur.execute(
        "SELECT f.school, f.casus_id, f.datum, t.eerste_signaal FROM pv_verantwoording_feiten f "
        "JOIN pv_verantwoording_trajecten t ON t.casus_id = f.casus_id AND t.traject = f.traject "
        f"WHERE f.school IN ({plekken}) AND f.schooljaar = %s AND f.cel = 'ozs_inbreng'",
        [*scholen, schooljaar],
    ).fetchall()
