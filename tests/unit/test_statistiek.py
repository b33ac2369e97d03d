"""The flagging method, proven on synthetic series (seeded, so the figures are reproducible).

The measured rates are recorded in docs/trends.md; if a change to the method moves them,
update that page too.
"""

from __future__ import annotations

import math
import random

import pytest

from projections.statistiek import (
    ALFA,
    MIN_AANTAL,
    beoordeel,
    beoordeel_reeks,
    binomiaal_pmf,
    binomiaal_staart,
    drempel,
    p_waarde,
    poisson_cdf,
    poisson_kwantiel,
    poisson_pmf,
)

REEKSEN = 1000
BASIS = 10.0


def poisson(rng: random.Random, mu: float) -> int:
    """Knuth's sampler: multiply uniforms until the product drops below e^-mu (fine for
    mu ≤ 30, which is all we need)."""
    grens, k, product = math.exp(-mu), 0, rng.random()
    while product > grens:
        k += 1
        product *= rng.random()
    return k


# ---- the building blocks ---------------------------------------------------------------


def test_poisson_functions_match_known_values() -> None:
    assert poisson_pmf(0, 10) == pytest.approx(math.exp(-10))
    assert poisson_cdf(15, 10) == pytest.approx(0.9512595966960, rel=1e-12)
    assert 1 - poisson_cdf(15, 20) == pytest.approx(0.8434868653602, rel=1e-12)
    assert poisson_kwantiel(0.95, 10) == 15
    assert poisson_kwantiel(0.5, 0) == 0


def test_the_sampler_has_the_right_mean_and_variance() -> None:
    rng = random.Random(7)
    trekkingen = [poisson(rng, BASIS) for _ in range(20_000)]
    gemiddelde = sum(trekkingen) / len(trekkingen)
    variantie = sum((t - gemiddelde) ** 2 for t in trekkingen) / (len(trekkingen) - 1)
    assert gemiddelde == pytest.approx(BASIS, abs=0.1)
    assert variantie == pytest.approx(BASIS, rel=0.05)


@pytest.mark.parametrize(("n", "p"), [(10, 0.5), (90, 1 / 9), (500, 1 / 9), (3, 0.2)])
def test_binomial_tail_equals_the_brute_force_sum(n: int, p: float) -> None:
    for k in range(n + 2):
        verwacht = math.fsum(binomiaal_pmf(j, n, p) for j in range(k, n + 1))
        assert binomiaal_staart(k, n, p) == pytest.approx(verwacht, rel=1e-9, abs=1e-15)


def test_the_threshold_is_the_smallest_flagged_count() -> None:
    for totaal in (0, 3, 40, 80, 160, 800):
        for n in (4, 6, 8):
            grens = drempel(totaal, n)
            assert grens >= MIN_AANTAL
            assert p_waarde(grens, totaal, n) < ALFA
            if grens > MIN_AANTAL:
                assert p_waarde(grens - 1, totaal, n) >= ALFA


def test_no_verdict_without_four_previous_periods_and_never_below_the_minimum() -> None:
    assert beoordeel(40, [10, 10, 10]).verwacht_max is None
    assert not beoordeel(40, [10, 10, 10]).opvallend
    # Eight quiet periods, then 4: improbable, but too few signals to report.
    stil = beoordeel(4, [0] * 8)
    assert stil.p_waarde is not None and stil.p_waarde < ALFA
    assert not stil.opvallend
    assert beoordeel(5, [0] * 8).opvallend
    assert beoordeel(24, [10, 9, 11, 10, 8, 12, 10, 10]).verwacht_max == 16


def test_periods_without_any_school_signal_stay_out_of_the_baseline() -> None:
    # A holiday (the whole school recorded nothing) must not make the return look high.
    aantallen = [10, 11, 9, 10, 0, 0, 10, 12]
    meetbaar = [True, True, True, True, False, False, True, True]
    naief = beoordeel_reeks(aantallen)
    bewust = beoordeel_reeks(aantallen, meetbaar)
    assert bewust[6].basis_perioden == 4 and bewust[6].basis_totaal == 40
    assert naief[7].basis_gemiddelde is not None and bewust[7].basis_gemiddelde is not None
    assert naief[7].basis_gemiddelde < bewust[7].basis_gemiddelde


# ---- the proof on synthetic series -------------------------------------------------------


def test_on_flat_series_at_most_five_percent_of_periods_are_flagged() -> None:
    rng = random.Random(20251)
    beoordeeld = gemarkeerd = 0
    for _ in range(REEKSEN):
        reeks = [poisson(rng, BASIS) for _ in range(20)]
        for uitspraak in beoordeel_reeks(reeks):
            if uitspraak.verwacht_max is not None:
                beoordeeld += 1
                gemarkeerd += uitspraak.opvallend
    assert beoordeeld == REEKSEN * 16
    assert gemarkeerd / beoordeeld <= 0.05  # measured: see docs/trends.md


def _verdubbeling(rng: random.Random, perioden: int) -> list[bool]:
    """8 baseline periods at mean 10, then `perioden` periods at mean 20."""
    reeks = [poisson(rng, BASIS) for _ in range(8)]
    reeks += [poisson(rng, 2 * BASIS) for _ in range(perioden)]
    return [u.opvallend for u in beoordeel_reeks(reeks)[8:]]


def test_a_doubling_that_lasts_two_periods_is_flagged_in_ninety_percent_of_series() -> None:
    rng = random.Random(20252)
    gevonden = sum(any(_verdubbeling(rng, 2)) for _ in range(REEKSEN))
    assert gevonden / REEKSEN >= 0.90  # measured: see docs/trends.md


def test_a_one_period_doubling_is_flagged_close_to_the_best_any_test_can_do() -> None:
    rng = random.Random(20253)
    gevonden = sum(_verdubbeling(rng, 1)[0] for _ in range(REEKSEN))
    # Even knowing the mean is exactly 10, the most powerful test at ≤ 5 % false alarms
    # (Neyman–Pearson: flag x ≥ 16) catches a single period at mean 20 only 84 % of the
    # time; 90 % in one period and ≤ 5 % false alarms cannot both hold. Estimating the
    # mean from 8 periods costs a few points more.
    grens = poisson_kwantiel(1 - ALFA, BASIS)
    beste = 1 - poisson_cdf(grens, 2 * BASIS)
    assert beste < 0.90
    assert 0.72 <= gevonden / REEKSEN <= beste


def test_judging_from_a_later_period_only_skips_verdicts_not_baseline() -> None:
    rng = random.Random(3)
    reeks = [poisson(rng, BASIS) for _ in range(30)]
    meetbaar = [i % 7 != 3 for i in range(30)]
    assert beoordeel_reeks(reeks, meetbaar, vanaf=12) == beoordeel_reeks(reeks, meetbaar)[12:]
