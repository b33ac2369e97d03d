"""The report's signal table, suppressed together with the trends' month tables.

A samenwerkingsverband sees both: the report's "new signals per category" for a school
year is the sum of the trends' school-wide cells of its twelve months. Subtracting the
published months from the year would give back a hidden month, so the year's cells are
checked against every month's published table at once (exact, `onderdrukking.herleidbaar`)
and more of the year's cells are hidden until no small cell (1 … min_cel-1 files) of any
month or of the year can be derived. Only the year's cells are added: a past month's
table stays as it was, so the trends answer the same whenever they are asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from projections.onderdrukking import (
    Tabel,
    Vergelijking,
    herleidbaar,
    primair,
    publiceer_aantallen,
)
from projections.opslag import Cursor, Opslag
from projections.perioden import perioden
from projections.trends_blokken import ALLE, Cel, lees_maanden


def _heeft_trends(cur: Cursor) -> bool:
    # A tool that builds only the report's view has no month tables to check against.
    if cur.dialect == "sqlite":
        vraag = "SELECT 1 AS er FROM sqlite_master WHERE type = 'table' AND name = %s"
        return cur.execute(vraag, ["pv_trends"]).fetchone() is not None
    rij = cur.execute("SELECT to_regclass(%s) AS er", ["pv_trends"]).fetchone()
    return rij is not None and rij["er"] is not None


def publiceer_signalen(
    opslag: Opslag,
    school: str,
    periode: tuple[date, date],
    tabel: Tabel,
    waarden: Mapping[str, int],
    bijdragers: Mapping[str, int],
    min_cel: int,
    vandaag: date,
) -> dict[str, int | None]:
    """The signal table of one school and school year (`periode`: its first and last
    day), as `publiceer_aantallen` gives it, with more cells hidden where the trends'
    months would otherwise give a small cell away."""
    uit = publiceer_aantallen(tabel, waarden, bijdragers, min_cel)
    with opslag.lezen() as cur:
        if not _heeft_trends(cur):
            return uit
    maanden = lees_maanden(opslag, school, perioden(*periode, "maand"), vandaag, min_cel)

    def jaar(cel: str) -> str:
        return f"jaar|{cel}"

    def maand(sleutel: str, cel: Cel) -> str:
        return f"{sleutel}|{cel!r}"

    verborgen = {jaar(c) for c, w in uit.items() if w is None}
    beschermd = {jaar(c) for c in primair(bijdragers, min_cel)}
    sommen = [
        Vergelijking(tuple(jaar(d) for d in v.delen), jaar(v.totaal)) for v in tabel.vergelijkingen
    ]
    for sleutel, m in maanden.items():
        verborgen |= {maand(sleutel, c) for c, w in m.gepubliceerd.items() if w is None}
        beschermd |= {maand(sleutel, c) for c in m.klein}
        sommen += [
            Vergelijking(tuple(maand(sleutel, d) for d in delen), maand(sleutel, totaal))
            for delen, totaal in m.vergelijkingen
        ]
    # The year = the sum of its months' school-wide cells (the total row: all signals).
    for cel in tabel.cellen:
        kolom = ALLE if cel == tabel.totaal else cel
        delen = tuple(maand(s, ((), kolom)) for s, m in maanden.items() if ((), kolom) in m.waarden)
        sommen.append(Vergelijking(delen, jaar(cel)))
    while herleidbaar(verborgen, sommen) & beschermd:
        vrij = [c for c in tabel.cellen if jaar(c) not in verborgen]
        if not vrij:
            break  # every year cell hidden: the months alone are safe by construction
        # The smallest non-zero cell first, as in `onderdrukking`; a zero as a last resort.
        keuze = min(vrij, key=lambda c: (waarden.get(c, 0) == 0, waarden.get(c, 0), c))
        verborgen.add(jaar(keuze))
    return {c: None if jaar(c) in verborgen else w for c, w in uit.items()}
