"""Statistical disclosure control for the accountability report: pure functions, no I/O.

A table is a set of named cells (counts) plus the sums that are published with it
(`Vergelijking`: parts + the cell that holds their total). Suppression happens in two steps:

1. primary: a cell to which 1 … min_cel-1 persons contribute is hidden (a frequency rule on
   *contributors*, not on the count: six OPPs of two pupils are still about two pupils).
   Zero is shown: it describes nobody, and hiding every zero would empty small schools'
   reports without protecting anyone (see docs/verantwoording.md).
2. complementary: as long as a hidden cell can be computed exactly from the published cells
   and sums, one more cell is hidden, the smallest non-zero one that breaks that
   computation. The check is exact linear algebra over the rationals, so it also catches
   recoveries that need several sums at once, not only "total minus the other cells".

Primary and complementary cells look the same in the output, so a reader cannot tell
which hidden cell is the small one.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from fractions import Fraction

MARKERING = "x"  # CBS's sign for "geheim": used for every hidden cell, primary or not


@dataclass(frozen=True)
class Vergelijking:
    """A published sum: the cells in `delen` add up to the cell `totaal`."""

    delen: tuple[str, ...]
    totaal: str

    @property
    def cellen(self) -> tuple[str, ...]:
        return (*self.delen, self.totaal)


def primair(bijdragers: Mapping[str, int], min_cel: int) -> set[str]:
    """The cells with 1 … min_cel-1 contributors."""
    return {cel for cel, n in bijdragers.items() if 0 < n < min_cel}


def _rref(rijen: list[dict[int, Fraction]]) -> list[dict[int, Fraction]]:
    """Reduced row echelon form (Gauss-Jordan with exact fractions) on sparse rows
    (column → non-zero value): a table's sums touch few cells each, and a school year of
    the trends' month tables has thousands."""
    basis: dict[int, dict[int, Fraction]] = {}  # pivot column → its row, kept reduced

    def min_veelvoud(rij: dict[int, Fraction], f: Fraction, ander: dict[int, Fraction]) -> None:
        for k, w in ander.items():
            waarde = rij.get(k, Fraction(0)) - f * w
            if waarde:
                rij[k] = waarde
            else:
                rij.pop(k, None)

    for origineel in rijen:
        rij = dict(origineel)
        # Basis rows are zero in each other's pivot columns, so one pass reduces fully.
        for spil in [k for k in rij if k in basis]:
            if spil in rij:
                min_veelvoud(rij, rij[spil], basis[spil])
        if not rij:
            continue
        spil = min(rij)
        factor = rij[spil]
        rij = {k: w / factor for k, w in rij.items()}
        for ander in basis.values():
            if spil in ander:
                min_veelvoud(ander, ander[spil], rij)
        basis[spil] = rij
    return [basis[k] for k in sorted(basis)]


def herleidbaar(onderdrukt: Set[str], vergelijkingen: Sequence[Vergelijking]) -> set[str]:
    """The hidden cells whose exact value follows from the published cells and sums.

    Each sum is a linear equation; published cells are constants. A hidden cell is
    recoverable exactly when its unit vector lies in the row space of the equations
    restricted to the hidden cells, i.e. when the reduced echelon form has a row that
    is that unit vector (the values themselves are not needed to decide this).
    """
    onbekend = sorted({c for v in vergelijkingen for c in v.cellen if c in onderdrukt})
    if not onbekend:
        return set()
    index = {c: i for i, c in enumerate(onbekend)}
    rijen: list[dict[int, Fraction]] = []
    for v in vergelijkingen:
        rij: dict[int, Fraction] = {}
        for deel in v.delen:
            if deel in index:
                rij[index[deel]] = rij.get(index[deel], Fraction(0)) + 1
        if v.totaal in index:
            rij[index[v.totaal]] = rij.get(index[v.totaal], Fraction(0)) - 1
        rij = {k: w for k, w in rij.items() if w}
        if rij:
            rijen.append(rij)
    return {onbekend[next(iter(rij))] for rij in _rref(rijen) if len(rij) == 1}


def _beste_aanvulling(
    waarden: Mapping[str, int],
    onderdrukt: Set[str],
    kandidaten: Iterable[str],
    vergelijkingen: Sequence[Vergelijking] = (),
) -> str | None:
    # Hide as little as possible: a cell that also closes another sum with a single hidden
    # cell first (one cell instead of two), then the smallest; a zero only as a last resort
    # (a hidden zero is often guessable, so it protects little).
    open_sommen = [set(v.cellen) for v in vergelijkingen if len(onderdrukt & set(v.cellen)) == 1]
    vrij = [c for c in set(kandidaten) if c not in onderdrukt]
    if not vrij:
        return None

    def kosten(c: str) -> tuple[bool, int, int, str]:
        return (waarden[c] == 0, -sum(c in s for s in open_sommen), waarden[c], c)

    return min(vrij, key=kosten)


def complementair(
    waarden: Mapping[str, int],
    onderdrukt: Set[str],
    vergelijkingen: Sequence[Vergelijking],
) -> set[str]:
    """Extend `onderdrukt` until no hidden cell can be recovered from the published sums."""
    verborgen = set(onderdrukt)
    while True:
        # The common case first, cheaply: a sum with exactly one hidden cell gives it away.
        enkel = [v for v in vergelijkingen if sum(c in verborgen for c in v.cellen) == 1]
        if enkel:
            keuze = _beste_aanvulling(waarden, verborgen, enkel[0].cellen, vergelijkingen)
            assert keuze is not None  # the sum has unhidden cells by construction
            verborgen.add(keuze)
            continue
        lek = herleidbaar(verborgen, vergelijkingen)
        if not lek:
            return verborgen
        kandidaten = [c for v in vergelijkingen if lek & set(v.cellen) for c in v.cellen]
        keuze = _beste_aanvulling(waarden, verborgen, kandidaten, vergelijkingen)
        if keuze is None:
            # Every cell of every sum involved is hidden already; hide the rest of the
            # table rather than publish something recoverable.
            keuze = _beste_aanvulling(waarden, verborgen, waarden)
            if keuze is None:
                return verborgen
        verborgen.add(keuze)


def onderdruk(
    waarden: Mapping[str, int],
    bijdragers: Mapping[str, int],
    vergelijkingen: Sequence[Vergelijking],
    min_cel: int,
) -> dict[str, int | None]:
    """The publishable table: each cell's count, or None when it is hidden."""
    verborgen = complementair(waarden, primair(bijdragers, min_cel), vergelijkingen)
    return {cel: (None if cel in verborgen else waarde) for cel, waarde in waarden.items()}


@dataclass(frozen=True)
class Tabel:
    """A published table: its rows and, when it has one, the total row that sums `delen`
    (default: all rows)."""

    sleutel: str
    titel: str
    rijen: tuple[str, ...]
    totaal: str | None = None
    delen: tuple[str, ...] | None = None

    @property
    def cellen(self) -> tuple[str, ...]:
        return self.rijen + ((self.totaal,) if self.totaal else ())

    @property
    def vergelijkingen(self) -> list[Vergelijking]:
        if self.totaal is None:
            return []
        return [Vergelijking(self.delen or self.rijen, self.totaal)]


def publiceer(
    tabel: Tabel, bijdragen: Mapping[str, Sequence[str]], min_cel: int
) -> dict[str, int | None]:
    """Suppress one table given, per cell, the contributor of each counted fact (a file id
    per fact: the count is the length, the contributors the distinct ids)."""
    waarden = {c: len(ids) for c, ids in bijdragen.items()}
    bijdragers = {c: len(set(ids)) for c, ids in bijdragen.items()}
    return publiceer_aantallen(tabel, waarden, bijdragers, min_cel)


def publiceer_aantallen(
    tabel: Tabel, waarden: Mapping[str, int], bijdragers: Mapping[str, int], min_cel: int
) -> dict[str, int | None]:
    """The same as `publiceer`, given the counts and the numbers of contributors per cell
    (counted elsewhere, e.g. by the database); a cell not named counts 0."""
    return onderdruk(
        {c: waarden.get(c, 0) for c in tabel.cellen},
        {c: bijdragers.get(c, 0) for c in tabel.cellen},
        tabel.vergelijkingen,
        min_cel,
    )


def percentage(
    teller: int | None, noemer: int | None, min_cel: int, decimalen: int = 1
) -> float | None:
    """A share in percent, only when numerator and denominator are both published and the
    base has at least min_cel cases: a percentage of a hidden count (with its base known
    from other cells) would give that count back."""
    if teller is None or noemer is None or noemer < min_cel:
        return None
    return round(100 * teller / noemer, decimalen)


def mediaan(waarden: Sequence[float], bijdragers: int, min_cel: int) -> float | None:
    """The median, only when at least min_cel cases from min_cel persons underlie it."""
    if len(waarden) < min_cel or bijdragers < min_cel:
        return None
    return float(statistics.median(waarden))
