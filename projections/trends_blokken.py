"""The trends as roles outside the care team see them: one suppressed table per month.

Every answer to a `teamleider` or `swv` is read from the same canonical table per
(school, month), so no choice of grouping or window can be subtracted from another
(docs/trends.md, "Kleine aantallen"). A month's table is the place hierarchy school →
afdeling → afdeling + leerjaar → klas (with its afdeling and leerjaar), each node once
for all signals and once per category; its sums are every parent = its children (per
column) and every node's signals = its categories (a signal with two categories makes
that an inequality; treating it as a sum is conservative). Contributors are files, and
`onderdrukking` hides primary and complementary cells. A month is published only once it
has ended: signals are dated by when they were recorded, so a past month never changes,
and asking again next week cannot show what was added in between.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, get_args

from domain.waarden import Categorie
from projections.onderdrukking import Vergelijking, onderdruk, primair
from projections.opslag import Opslag
from projections.perioden import Periode
from projections.trends import tel

CATEGORIEEN: tuple[str, ...] = get_args(Categorie)
ALLE = "*"  # the column of all signals of a node (each signal once)
PLAATS = ("afdeling", "leerjaar", "klas")  # the hierarchy, coarse to fine
Knoop = tuple[Any, ...]  # (), (afdeling,), (afdeling, leerjaar), (afdeling, leerjaar, klas)
Cel = tuple[Knoop, str]  # (node, category or ALLE)
# (afdeling, leerjaar, klas, column, casus_id, count) as read from the view
Rij = tuple[str, int, str, str, str, int]


@dataclass(frozen=True)
class Maand:
    """One month's canonical table: count per cell, its sums, what is published (None:
    hidden) and which cells are small (1 … min_cel-1 files: never to be derivable)."""

    waarden: dict[Cel, int]
    vergelijkingen: tuple[tuple[tuple[Cel, ...], Cel], ...]
    gepubliceerd: dict[Cel, int | None]
    klein: frozenset[Cel]
    lopend: bool  # not ended yet: every count withheld, even a zero

    def waarde(self, cel: Cel) -> int | None:
        # A node without signals this month is not in the table: its count is a public 0.
        return None if self.lopend else self.gepubliceerd.get(cel, 0)


def _knopen(afdeling: str, leerjaar: int, klas: str) -> list[Knoop]:
    return [(), (afdeling,), (afdeling, leerjaar), (afdeling, leerjaar, klas)]


@lru_cache(maxsize=4096)
def _maand(rijen: tuple[Rij, ...], min_cel: int, lopend: bool) -> Maand:
    """Suppress one month; cached on its content (a past month's rows never change)."""
    waarden: dict[Cel, int] = defaultdict(int)
    dossiers: dict[Cel, set[str]] = defaultdict(set)
    knopen: set[Knoop] = set()
    for afdeling, leerjaar, klas, kolom, casus_id, aantal in rijen:
        for knoop in _knopen(afdeling, leerjaar, klas):
            knopen.add(knoop)
            waarden[(knoop, kolom)] += aantal
            dossiers[(knoop, kolom)].add(casus_id)
    cellen = [(k, kolom) for k in sorted(knopen, key=repr) for kolom in (ALLE, *CATEGORIEEN)]
    kinderen: dict[Knoop, list[Knoop]] = defaultdict(list)
    for knoop in knopen:
        if knoop:
            kinderen[knoop[:-1]].append(knoop)
    sommen: list[tuple[tuple[Cel, ...], Cel]] = []
    for knoop in sorted(knopen, key=repr):
        sommen.append((tuple((knoop, c) for c in CATEGORIEEN), (knoop, ALLE)))
        if kinderen[knoop]:
            for kolom in (ALLE, *CATEGORIEEN):
                sommen.append((tuple((k, kolom) for k in kinderen[knoop]), (knoop, kolom)))
    # onderdrukking works on names; a cell's name is its index in `cellen`.
    naam = {cel: str(i) for i, cel in enumerate(cellen)}
    aantallen = {naam[c]: waarden.get(c, 0) for c in cellen}
    bijdragers = {naam[c]: len(dossiers.get(c, ())) for c in cellen}
    if lopend:
        uit: dict[str, int | None] = dict.fromkeys(aantallen)
    else:
        vergelijkingen = [
            Vergelijking(tuple(naam[d] for d in delen), naam[t]) for delen, t in sommen
        ]
        uit = onderdruk(aantallen, bijdragers, vergelijkingen, min_cel)
    klein = primair(bijdragers, min_cel)
    return Maand(
        waarden={c: aantallen[naam[c]] for c in cellen},
        vergelijkingen=tuple(sommen),
        gepubliceerd={c: uit[naam[c]] for c in cellen},
        klein=frozenset(c for c in cellen if naam[c] in klein),
        lopend=lopend,
    )


def lees_maanden(
    opslag: Opslag, school: str, perioden: list[Periode], vandaag: date, min_cel: int
) -> dict[str, Maand]:
    """The canonical table of each of these months (month key → table); a month that has
    not ended by `vandaag` is withheld whole."""
    rijen: dict[str, list[Rij]] = defaultdict(list)
    for maand, *rij in _lees(opslag, school, perioden[0].begin, perioden[-1].eind):
        rijen[maand].append(tuple(rij))
    return {
        p.sleutel: _maand(tuple(sorted(rijen[p.sleutel])), min_cel, p.eind >= vandaag)
        for p in perioden
    }


def _lees(opslag: Opslag, school: str, van: date, tot: date) -> Iterable[tuple[Any, ...]]:
    """Per month, place, column and file: how many signal rows (per category) or signals
    (ALLE). Counted per file in SQL: the contributors are the distinct files."""
    plaats = ["maand", "afdeling", "leerjaar", "klas"]
    with opslag.lezen(tellen=True) as cur:
        per_categorie = tel(
            cur, school, van, tot, [*plaats, "categorie", "casus_id"], per_signaal=False
        )
        per_signaal = tel(cur, school, van, tot, [*plaats, "casus_id"], per_signaal=True)
    for r in per_categorie:
        yield (r["maand"], r["afdeling"], int(r["leerjaar"]), r["klas"], r["categorie"],
               r["casus_id"], int(r["aantal"]))  # fmt: skip
    for r in per_signaal:
        yield (r["maand"], r["afdeling"], int(r["leerjaar"]), r["klas"], ALLE,
               r["casus_id"], int(r["aantal"]))  # fmt: skip
