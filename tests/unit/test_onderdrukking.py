"""Suppression: small cells are hidden, and no hidden cell can be computed back.

The attackers here are written independently of `projections.onderdrukking`: they only see
what is published (hidden cells as None) and the published sums, as a reader would.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.onderdrukking import (
    MARKERING,
    Tabel,
    Vergelijking,
    mediaan,
    onderdruk,
    percentage,
    primair,
    publiceer,
    publiceer_aantallen,
)

Gepubliceerd = Mapping[str, int | None]


def aanval(gepubliceerd: Gepubliceerd, vergelijkingen: Sequence[Vergelijking]) -> dict[str, int]:
    """Recover hidden cells: any published sum with exactly one unknown gives it (total minus
    the other parts, or parts summed), and each recovered value is used again until nothing
    new follows. Returns what it recovered."""
    bekend = {c: w for c, w in gepubliceerd.items() if w is not None}
    gevonden: dict[str, int] = {}
    nieuw = True
    while nieuw:
        nieuw = False
        for v in vergelijkingen:
            onbekend = [c for c in v.cellen if c not in bekend]
            if len(onbekend) != 1:
                continue
            (cel,) = onbekend
            som_delen = sum(bekend[d] for d in v.delen if d in bekend)
            bekend[cel] = bekend[v.totaal] - som_delen if cel != v.totaal else som_delen
            gevonden[cel] = bekend[cel]
            nieuw = True
    return gevonden


def alternatieven(
    waarden: Mapping[str, int],
    gepubliceerd: Gepubliceerd,
    vergelijkingen: Sequence[Vergelijking],
    grens: int,
) -> dict[str, set[int]]:
    """Brute force: every non-negative assignment (up to `grens`) of the hidden cells that is
    consistent with all published sums; per hidden cell the values it could have."""
    verborgen = sorted(c for c, w in gepubliceerd.items() if w is None)
    mogelijk: dict[str, set[int]] = {c: set() for c in verborgen}
    for keuze in itertools.product(range(grens + 1), repeat=len(verborgen)):
        poging = {**gepubliceerd, **dict(zip(verborgen, keuze, strict=True))}
        if all(sum(poging[d] or 0 for d in v.delen) == poging[v.totaal] for v in vergelijkingen):
            for cel, waarde in zip(verborgen, keuze, strict=True):
                mogelijk[cel].add(waarde)
    return mogelijk


def controleer_onherleidbaar(
    waarden: Mapping[str, int], uit: Gepubliceerd, vergelijkingen: Sequence[Vergelijking]
) -> None:
    """Both attackers fail: propagation recovers nothing, and where brute force is
    affordable every hidden cell has a second value consistent with what is published."""
    assert aanval(uit, vergelijkingen) == {}
    verborgen = sum(w is None for w in uit.values())
    grens = max(waarden.values())
    if verborgen and (grens + 1) ** verborgen <= 50_000:
        mogelijk = alternatieven(waarden, uit, vergelijkingen, grens)
        assert all(len(w) >= 2 for w in mogelijk.values()), (waarden, uit, mogelijk)


def tabel_1d(delen: Sequence[int]) -> tuple[dict[str, int], list[Vergelijking]]:
    waarden = {f"c{i}": w for i, w in enumerate(delen)} | {"totaal": sum(delen)}
    return waarden, [Vergelijking(tuple(f"c{i}" for i in range(len(delen))), "totaal")]


def tabel_2d(cellen: Sequence[Sequence[int]]) -> tuple[dict[str, int], list[Vergelijking]]:
    """Rows × columns with row totals, column totals and a grand total."""
    rijen, kolommen = len(cellen), len(cellen[0])
    waarden = {f"r{i}k{j}": cellen[i][j] for i in range(rijen) for j in range(kolommen)}
    vergelijkingen = []
    for i in range(rijen):
        waarden[f"r{i}T"] = sum(cellen[i])
        vergelijkingen.append(Vergelijking(tuple(f"r{i}k{j}" for j in range(kolommen)), f"r{i}T"))
    for j in range(kolommen):
        waarden[f"Tk{j}"] = sum(r[j] for r in cellen)
        vergelijkingen.append(Vergelijking(tuple(f"r{i}k{j}" for i in range(rijen)), f"Tk{j}"))
    waarden["TT"] = sum(map(sum, cellen))
    vergelijkingen.append(Vergelijking(tuple(f"r{i}T" for i in range(rijen)), "TT"))
    vergelijkingen.append(Vergelijking(tuple(f"Tk{j}" for j in range(kolommen)), "TT"))
    return waarden, vergelijkingen


def test_primary_suppression_hides_one_to_min_minus_one_contributors_and_shows_zero() -> None:
    assert primair({"a": 0, "b": 1, "c": 4, "d": 5, "e": 30}, 5) == {"b", "c"}


def test_contributors_not_facts_decide_six_opps_of_two_pupils_are_hidden() -> None:
    tabel = Tabel("stappen", "Stappen", ("opp", "zat"))
    uit = publiceer(tabel, {"opp": ["p1", "p1", "p1", "p2", "p2", "p2"], "zat": []}, 5)
    assert uit == {"opp": None, "zat": 0}


def test_one_hidden_cell_next_to_a_total_takes_the_smallest_other_cell_with_it() -> None:
    waarden, vergelijkingen = tabel_1d([3, 12, 40, 0])
    uit = onderdruk(waarden, waarden, vergelijkingen, 5)
    assert uit == {"c0": None, "c1": None, "c2": 40, "c3": 0, "totaal": 55}
    controleer_onherleidbaar(waarden, uit, vergelijkingen)


def test_a_small_total_is_hidden_and_then_protects_its_single_small_part() -> None:
    waarden, vergelijkingen = tabel_1d([3, 0, 0])
    uit = onderdruk(waarden, waarden, vergelijkingen, 5)
    assert uit["c0"] is None and uit["totaal"] is None
    controleer_onherleidbaar(waarden, uit, vergelijkingen)


def test_without_complementary_suppression_the_attacker_would_succeed() -> None:
    waarden, vergelijkingen = tabel_1d([2, 9, 11])
    alleen_primair = {c: (None if c == "c0" else w) for c, w in waarden.items()}
    assert aanval(alleen_primair, vergelijkingen) == {"c0": 2}  # the attacker works


def test_recovery_through_several_sums_at_once_is_blocked_in_a_two_way_table() -> None:
    waarden, vergelijkingen = tabel_2d([[2, 10, 7], [9, 8, 12]])
    uit = onderdruk(waarden, waarden, vergelijkingen, 5)
    assert uit["r0k0"] is None
    controleer_onherleidbaar(waarden, uit, vergelijkingen)
    assert sum(w is None for w in uit.values()) == 4  # a rectangle, not the whole table
    mogelijk = alternatieven(waarden, uit, vergelijkingen, grens=20)
    assert all(len(w) >= 2 for w in mogelijk.values()), mogelijk


def test_a_cell_recoverable_only_by_combining_three_sums_is_protected() -> None:
    # x+y=A, y+z=B, x+z=C: no single sum has one unknown, yet x = (A-B+C)/2.
    vergelijkingen = [
        Vergelijking(("x", "y"), "A"),
        Vergelijking(("y", "z"), "B"),
        Vergelijking(("x", "z"), "C"),
    ]
    waarden = {"x": 2, "y": 3, "z": 4, "A": 5, "B": 7, "C": 6}
    bijdragers = {"x": 2, "y": 3, "z": 4, "A": 50, "B": 50, "C": 50}  # totals "large"
    uit = onderdruk(waarden, bijdragers, vergelijkingen, 5)
    mogelijk = alternatieven(waarden, uit, vergelijkingen, grens=12)
    assert all(len(w) >= 2 for w in mogelijk.values()), (uit, mogelijk)


def test_percentages_and_medians_need_published_parts_and_a_large_enough_base() -> None:
    assert percentage(8, 10, 5) == 80.0
    assert percentage(3, 4, 5) is None
    assert percentage(None, 40, 5) is None  # the numerator itself is hidden
    assert mediaan([1, 2, 3, 4, 50], 5, 5) == 3.0
    assert mediaan([1, 2, 3, 4, 50], 4, 5) is None  # two intakes of one pupil
    assert mediaan([1, 2], 2, 5) is None
    assert MARKERING == "x"


@st.composite
def tabellen(draw: st.DrawFn) -> tuple[dict[str, int], list[Vergelijking], int]:
    min_cel = draw(st.integers(2, 5))
    cel = st.integers(0, 12)
    if draw(st.booleans()):
        waarden, vergelijkingen = tabel_1d(draw(st.lists(cel, min_size=1, max_size=6)))
    else:
        rijen, kolommen = draw(st.integers(2, 3)), draw(st.integers(2, 3))
        cellen = draw(st.lists(st.lists(cel, min_size=kolommen, max_size=kolommen),
                               min_size=rijen, max_size=rijen))  # fmt: skip
        waarden, vergelijkingen = tabel_2d(cellen)
    return waarden, vergelijkingen, min_cel


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tabellen())
def test_no_hidden_cell_of_a_random_table_can_be_recovered(
    tabel: tuple[dict[str, int], list[Vergelijking], int],
) -> None:
    waarden, vergelijkingen, min_cel = tabel
    uit = onderdruk(waarden, waarden, vergelijkingen, min_cel)
    # Every small non-zero cell is hidden; every published cell shows its true value.
    for cel, waarde in waarden.items():
        if 0 < waarde < min_cel:
            assert uit[cel] is None
        if uit[cel] is not None:
            assert uit[cel] == waarde
    controleer_onherleidbaar(waarden, uit, vergelijkingen)


def test_publishing_from_counts_equals_publishing_from_contributors() -> None:
    """The report counts in the database: counts and contributors give the same table."""
    tabel = Tabel("t", "T", ("a", "b", "c"), "totaal")
    bijdragen = {
        "a": ["x1", "x1", "x2"],
        "b": [f"y{i}" for i in range(9)],
        "c": [],
        "totaal": ["x1", "x1", "x2", *[f"y{i}" for i in range(9)]],
    }
    for min_cel in (1, 3, 5, 10):
        waarden = {c: len(v) for c, v in bijdragen.items() if v}
        bijdragers = {c: len(set(v)) for c, v in bijdragen.items() if v}
        assert publiceer_aantallen(tabel, waarden, bijdragers, min_cel) == publiceer(
            tabel, bijdragen, min_cel
        )
