"""Calendar periods for the trends: ISO weeks and months, their keys and labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Interval = Literal["week", "maand"]
# fmt: off
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")
# fmt: on


@dataclass(frozen=True)
class Periode:
    sleutel: str
    begin: date
    eind: date

    def label(self, met_jaar: bool) -> str:
        if "W" in self.sleutel:
            jaar, week = self.sleutel.split("-W")
            return f"week {int(week)}" + (f" van {jaar}" if met_jaar else "")
        return MAANDEN[self.begin.month - 1] + (f" {self.begin.year}" if met_jaar else "")


def periode_sleutel(dag: date, interval: Interval) -> str:
    if interval == "week":
        jaar, week, _ = dag.isocalendar()
        return f"{jaar}-W{week:02d}"
    return f"{dag.year}-{dag.month:02d}"


def begin_van(dag: date, interval: Interval) -> date:
    return dag - timedelta(days=dag.weekday()) if interval == "week" else dag.replace(day=1)


def volgende_van(begin: date, interval: Interval) -> date:
    if interval == "week":
        return begin + timedelta(days=7)
    return date(begin.year + begin.month // 12, begin.month % 12 + 1, 1)


def terug(begin: date, interval: Interval, aantal: int) -> date:
    if interval == "week":
        return begin - timedelta(days=7 * aantal)
    index = begin.year * 12 + begin.month - 1 - aantal
    return date(index // 12, index % 12 + 1, 1)


def perioden(van: date, tot: date, interval: Interval) -> list[Periode]:
    """Every whole period that touches [van, tot], in order (empty ones included)."""
    uitkomst, begin = [], begin_van(van, interval)
    while begin <= tot:
        volgende = volgende_van(begin, interval)
        uitkomst.append(
            Periode(periode_sleutel(begin, interval), begin, volgende - timedelta(days=1))
        )
        begin = volgende
    return uitkomst
