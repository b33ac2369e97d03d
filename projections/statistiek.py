"""When is a count of signals notably high? An exact test against the group's own past.

The method (docs/trends.md has the reasoning and the measured rates): a period's count `x`
is compared with the total `S` of the group's previous `n` measurable periods (at most 8,
at least 4). If nothing changed, every signal in those `n + 1` periods is equally likely to
fall in any of them, so given `N = S + x` the current count is Binomial(N, 1/(n+1)): the
classic conditional test for comparing two Poisson rates. It needs no estimate of the mean,
so the uncertainty of an 8-period baseline is accounted for exactly, and its false-alarm
rate is at most `ALFA` whatever the group's level. A flag also needs `MIN_AANTAL` signals,
so that tiny groups (2 signals after 8 quiet weeks) never make a policy report.

Pure functions on integers; no scipy: tails are summed from a log-gamma starting term with
the pmf recurrence, stopping once the terms no longer matter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

ALFA = 0.05
BASISPERIODEN = 8
MIN_BASISPERIODEN = 4
MIN_AANTAL = 5

# Terms below this fraction of the running sum cannot change a p-value we compare with 5 %.
_VERWAARLOOSBAAR = 1e-17


# ---- Poisson ---------------------------------------------------------------------------


def poisson_pmf(k: int, mu: float) -> float:
    if k < 0:
        return 0.0
    if mu <= 0:
        return 1.0 if k == 0 else 0.0
    return math.exp(k * math.log(mu) - mu - math.lgamma(k + 1))


def poisson_cdf(k: int, mu: float) -> float:
    """P(X ≤ k) for X ~ Poisson(mu)."""
    return min(1.0, math.fsum(poisson_pmf(j, mu) for j in range(k + 1)))


def poisson_kwantiel(q: float, mu: float) -> int:
    """The smallest k with P(X ≤ k) ≥ q: the upper bound of a one-sided interval."""
    if not 0.0 <= q < 1.0:
        raise ValueError("q moet in [0, 1) liggen")
    k, cumulatief = 0, poisson_pmf(0, mu)
    while cumulatief < q:
        k += 1
        cumulatief += poisson_pmf(k, mu)
    return k


# ---- binomial tail (the conditional test) ----------------------------------------------


def binomiaal_pmf(k: int, n: int, p: float) -> float:
    if k < 0 or k > n:
        return 0.0
    if p <= 0.0 or p >= 1.0:
        return float(k == (n if p >= 1.0 else 0))
    log_c = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    return math.exp(log_c + k * math.log(p) + (n - k) * math.log1p(-p))


def binomiaal_staart(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), accurate in the far tail (where flags are decided)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    verhouding = p / (1.0 - p)
    if k > (n + 1) * p:
        # Above the mode the terms only shrink: sum upward until they stop mattering.
        term = binomiaal_pmf(k, n, p)
        totaal, j = term, k
        while j < n and term > totaal * _VERWAARLOOSBAAR:
            term *= (n - j) / (j + 1) * verhouding
            totaal += term
            j += 1
        return min(1.0, totaal)
    # At or below the mode the tail is large; 1 − P(X < k), summing downward from k − 1.
    term = binomiaal_pmf(k - 1, n, p)
    onder, j = term, k - 1
    while j > 0 and term > onder * _VERWAARLOOSBAAR:
        term *= j / (n - j + 1) / verhouding
        onder += term
        j -= 1
    return max(0.0, 1.0 - onder)


# Cached: a trends answer judges thousands of periods, and baselines repeat a lot.
@lru_cache(maxsize=65536)
def p_waarde(aantal: int, basis_totaal: int, basis_perioden: int) -> float:
    """P(a count ≥ `aantal` | the total, no change in rate): one-sided, exact."""
    return binomiaal_staart(aantal, basis_totaal + aantal, 1.0 / (basis_perioden + 1))


@lru_cache(maxsize=65536)
def drempel(
    basis_totaal: int, basis_perioden: int, alfa: float = ALFA, min_aantal: int = MIN_AANTAL
) -> int:
    """The smallest count that would be flagged against this baseline.

    The p-value falls as the count rises (one more signal adds one trial and one success),
    so this is well defined; start near the answer and walk, a few steps at most."""
    gemiddelde = basis_totaal / basis_perioden
    schatting = round(gemiddelde + 1.645 * math.sqrt(gemiddelde * (1 + 1 / basis_perioden)))
    x = max(min_aantal, schatting)

    def vlag(aantal: int) -> bool:
        return p_waarde(aantal, basis_totaal, basis_perioden) < alfa

    if vlag(x):
        while x - 1 >= min_aantal and vlag(x - 1):
            x -= 1
        return x
    while not vlag(x):
        x += 1
    return x


# ---- judging a series ------------------------------------------------------------------


@dataclass(frozen=True)
class Beoordeling:
    """The verdict on one period; without enough baseline there is no verdict (None)."""

    aantal: int
    basis_perioden: int
    basis_totaal: int
    basis_gemiddelde: float | None
    verwacht_max: int | None
    p_waarde: float | None
    opvallend: bool


def beoordeel(aantal: int, basis: Sequence[int], alfa: float = ALFA) -> Beoordeling:
    """Judge one count against its baseline counts (oldest first; the last 8 are used)."""
    basis = list(basis)[-BASISPERIODEN:]
    if len(basis) < MIN_BASISPERIODEN:
        return Beoordeling(aantal, len(basis), sum(basis), None, None, None, False)
    totaal, n = sum(basis), len(basis)
    p = p_waarde(aantal, totaal, n)
    return Beoordeling(
        aantal=aantal,
        basis_perioden=n,
        basis_totaal=totaal,
        basis_gemiddelde=round(totaal / n, 2),
        verwacht_max=drempel(totaal, n, alfa) - 1,
        p_waarde=p,
        opvallend=p < alfa and aantal >= MIN_AANTAL,
    )


def beoordeel_reeks(
    aantallen: Sequence[int],
    meetbaar: Sequence[bool] | None = None,
    alfa: float = ALFA,
    vanaf: int = 0,
) -> list[Beoordeling]:
    """Judge every period of a series against the 8 measurable periods before it.

    `meetbaar[i]` False marks a period that says nothing about the normal rate (the school
    recorded no signal at all: a holiday, or before it used Zorgroute); such periods are
    left out of later baselines instead of counting as zeros that make any return look
    like a rise. Periods before `vanaf` only feed the baseline and are not judged (the
    result starts at `vanaf`)."""
    if meetbaar is None:
        meetbaar = [True] * len(aantallen)
    if len(meetbaar) != len(aantallen):
        raise ValueError("aantallen en meetbaar verschillen in lengte")
    uitkomst: list[Beoordeling] = []
    basis: list[int] = []
    for index, (aantal, telt) in enumerate(zip(aantallen, meetbaar, strict=True)):
        if index >= vanaf:
            uitkomst.append(beoordeel(aantal, basis, alfa))
        if telt:
            basis = [*basis[-(BASISPERIODEN - 1) :], aantal]
    return uitkomst


def beoordeel_gepubliceerd(
    aantallen: Sequence[int | None],
    meetbaar: Sequence[bool],
    alfa: float = ALFA,
    vanaf: int = 0,
) -> list[Beoordeling | None]:
    """`beoordeel_reeks` on a series in which hidden counts are None: a hidden period gets
    no verdict (None), nor does a period whose baseline holds a hidden count, so every
    verdict, bound and p-value is a function of published counts only."""
    uitkomst: list[Beoordeling | None] = []
    basis: list[int | None] = []
    for index, (aantal, telt) in enumerate(zip(aantallen, meetbaar, strict=True)):
        if index >= vanaf:
            if aantal is None:
                uitkomst.append(None)
            elif any(b is None for b in basis):
                uitkomst.append(Beoordeling(aantal, len(basis), 0, None, None, None, False))
            else:
                uitkomst.append(beoordeel(aantal, [b for b in basis if b is not None], alfa))
        if telt:
            basis = [*basis[-(BASISPERIODEN - 1) :], aantal]
    return uitkomst
