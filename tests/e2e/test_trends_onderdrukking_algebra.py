"""The attacker's algebra for the differencing attack (test_trends_onderdrukking.py):
the unknown counts per (piece of time, class, category) and linear functions of them over
the prime field GF(2^61-1), exact and independent of `projections.onderdrukking`. The
tests here show that it finds what it should (a week subtracted from its month gives the
days in between) and no more."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

P = 2**61 - 1
KLASSEN = {"H3A": ("havo", 3), "H2A": ("havo", 2), "V1A": ("vwo", 1), "M2A": ("mavo", 2)}
CATEGORIEEN = ("verzuim", "leren", "gedrag", "veiligheid", "werkhouding")
DIMENSIES = ("categorie", "afdeling", "leerjaar", "klas")


@dataclass(frozen=True)
class Signaal:
    dag: date
    klas: str
    categorie: str
    leerling: str


def maand_begin(dag: date, terug: int = 0) -> date:
    index = dag.year * 12 + dag.month - 1 - terug
    return date(index // 12, index % 12 + 1, 1)


def volgende_maand(dag: date) -> date:
    return maand_begin(maand_begin(dag) + timedelta(days=32))


# ---- the attacker's algebra ------------------------------------------------------------


class Stelsel:
    """Linear functions of the atoms over GF(P), kept in reduced form."""

    def __init__(self) -> None:
        self.basis: dict[int, dict[int, int]] = {}

    def _reduceer(self, rij: dict[int, int]) -> dict[int, int]:
        rij = {k: w % P for k, w in rij.items() if w % P}
        for spil in sorted(k for k in rij if k in self.basis):
            if spil in rij:
                f = rij[spil]
                for k, w in self.basis[spil].items():
                    rij[k] = (rij.get(k, 0) - f * w) % P
                    if not rij[k]:
                        del rij[k]
        return rij

    def voeg_toe(self, rij: dict[int, int]) -> None:
        rij = self._reduceer(rij)
        if not rij:
            return
        spil = min(rij)
        inverse = pow(rij[spil], P - 2, P)
        rij = {k: w * inverse % P for k, w in rij.items()}
        for ander in self.basis.values():
            if spil in ander:
                f = ander[spil]
                for k, w in rij.items():
                    ander[k] = (ander.get(k, 0) - f * w) % P
                    if not ander[k]:
                        del ander[k]
        self.basis[spil] = rij

    def bepaald(self, rij: dict[int, int]) -> bool:
        return not self._reduceer(rij)


class Atomen:
    """(piece, class, category): a piece is the days one ISO week and one month share."""

    def __init__(self, van: date, tot: date) -> None:
        stukken: dict[tuple[tuple[int, int], int], date] = {}
        dag = van
        while dag <= tot:
            stukken.setdefault((dag.isocalendar()[:2], dag.month), dag)
            dag += timedelta(days=1)
        self.stukken = sorted(stukken.values())  # the first day of each piece
        self.index = {
            (stuk, klas, cat): i
            for i, (stuk, klas, cat) in enumerate(
                itertools.product(self.stukken, KLASSEN, CATEGORIEEN)
            )
        }

    def stuk_van(self, dag: date) -> date:
        return max(s for s in self.stukken if s <= dag)

    def functie(self, van: date, tot: date, groep: dict[str, Any]) -> dict[int, int]:
        rij = {}
        for (stuk, klas, cat), i in self.index.items():
            afdeling, leerjaar = KLASSEN[klas]
            eigen = {"categorie": cat, "afdeling": afdeling, "leerjaar": leerjaar, "klas": klas}
            if van <= stuk <= tot and all(eigen[d] == w for d, w in groep.items()):
                rij[i] = 1
        return rij


def mogelijke_groepen(dimensies: list[str]) -> Iterator[dict[str, Any]]:
    """Every group the attacker knows could exist (classes and categories are public)."""
    gezien = set()
    for klas, cat in itertools.product(KLASSEN, CATEGORIEEN):
        afdeling, leerjaar = KLASSEN[klas]
        eigen = {"categorie": cat, "afdeling": afdeling, "leerjaar": leerjaar, "klas": klas}
        groep = tuple((d, eigen[d]) for d in dimensies)
        if groep not in gezien:
            gezien.add(groep)
            yield dict(groep)


def hoort_bij(s: Signaal, groep: dict[str, Any]) -> bool:
    afdeling, leerjaar = KLASSEN[s.klas]
    eigen = {"categorie": s.categorie, "afdeling": afdeling, "leerjaar": leerjaar, "klas": s.klas}
    return all(eigen[d] == w for d, w in groep.items())


def test_the_attacker_finds_the_days_a_week_and_its_month_share() -> None:
    atomen = Atomen(date(2025, 9, 1), date(2025, 10, 31))
    stelsel = Stelsel()
    september = {"klas": "H3A", "categorie": "veiligheid"}
    stelsel.voeg_toe(atomen.functie(date(2025, 9, 1), date(2025, 9, 30), september))
    # 29 September to 5 October is one ISO week: alone it gives nothing away.
    laatste_dagen = atomen.functie(date(2025, 9, 29), date(2025, 9, 30), september)
    assert not stelsel.bepaald(laatste_dagen)
    for maandag in (date(2025, 9, 1) + timedelta(weeks=w) for w in range(4)):
        stelsel.voeg_toe(atomen.functie(maandag, maandag + timedelta(days=6), september))
    assert stelsel.bepaald(laatste_dagen)  # the month minus its four whole weeks
    assert not stelsel.bepaald(atomen.functie(date(2025, 10, 1), date(2025, 10, 5), september))
    assert not stelsel.bepaald(
        atomen.functie(date(2025, 9, 29), date(2025, 9, 30), {"klas": "H3A"})
    )
