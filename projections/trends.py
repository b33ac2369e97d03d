"""Signals over time per category, department, year or class, with notable rises flagged.

The view stores one row per signal and category with the signal's date (Amsterdam time)
and its ISO week and month; nothing that depends on the day the view was built. Counting
happens when asked (GROUP BY in SQL) and the flags come from `statistiek`, so a view built
today answers exactly as one built last month from the same events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from domain.casus import Casus
from projections.basis import Projectie, Wijziging
from projections.hergebruik import per_positie
from projections.opslag import Cursor, Opslag
from projections.perioden import Interval, Periode, periode_sleutel
from projections.statistiek import beoordeel_reeks
from projections.trends_vraag import (
    OngeldigeTrendvraag as OngeldigeTrendvraag,  # the router catches it from here
)
from projections.trends_vraag import antwoord, groepsuitkomst, vraag

NEDERLAND = ZoneInfo("Europe/Amsterdam")
# casus_id: suppression counts files, not signals (trends_blokken).
DDL = (
    "positie BIGINT NOT NULL, categorie TEXT NOT NULL, school TEXT NOT NULL, "
    "casus_id TEXT NOT NULL, datum TEXT NOT NULL, week TEXT NOT NULL, maand TEXT NOT NULL, "
    "afdeling TEXT NOT NULL, leerjaar INTEGER NOT NULL, klas TEXT NOT NULL"
)
KOLOMMEN = tuple(deel.split()[0] for deel in DDL.split(", "))


class Trends(Projectie):
    naam = "trends"
    tabellen: ClassVar[dict[str, str]] = {"trends": DDL + ", PRIMARY KEY (positie, categorie)"}
    indexen: ClassVar[dict[str, str]] = {"trends_school_datum": "trends:school, datum"}

    def verwerk(self, cur: Cursor, wijzigingen: Sequence[Wijziging]) -> None:
        rijen: list[tuple[Any, ...]] = []
        for w in wijzigingen:
            signaal = w.gebeurtenis
            if not isinstance(signaal, Casus.SignaalGemeld):
                continue
            dag = signaal.timestamp.astimezone(NEDERLAND).date()
            # The file's class, department and year at the signal, not what its reporter
            # typed: a signal never changes the subject (it did before class_version 2,
            # and then the file's state after it is what the signal said).
            gedeeld = (
                w.details["school"],
                w.casus_id,
                dag.isoformat(),
                periode_sleutel(dag, "week"),
                periode_sleutel(dag, "maand"),
                w.na["afdeling"],
                w.na["leerjaar"],
                w.na["klas"],
            )
            for categorie in dict.fromkeys(signaal.categorieen):
                rijen.append((w.positie, categorie, *gedeeld))
        # Skip on conflict: replaying a batch after a crash-before-commit must not double-count.
        cur.voeg_toe(self.t("trends"), KOLOMMEN, rijen, conflict="positie, categorie")


# ---- the query: counted from the view (the restricted one: trends_beperkt) -------------


def trends(
    opslag: Opslag,
    school: str,
    van: date,
    tot: date,
    interval: str = "maand",
    per: str = "categorie",
) -> dict[str, Any]:
    """Signal counts per period and group in [van, tot] (widened to whole periods), with
    the periods flagged as notable rises and a Dutch sentence for each flag.

    `per` is one dimension or several joined by commas ("categorie,afdeling,leerjaar").
    Raises `OngeldigeTrendvraag` (a ValueError) for a query it cannot answer."""
    stap, dimensies, venster, alle = vraag(van, tot, interval, per)
    tellingen, school_totaal = _tel(opslag, school, alle, stap, dimensies)

    meetbaar = [school_totaal.get(p.sleutel, 0) > 0 for p in alle]
    met_jaar = venster[0].sleutel[:4] != venster[-1].sleutel[:4]
    groepen: list[dict[str, Any]] = []
    vlaggen: list[dict[str, Any]] = []
    for sleutel, per_periode in tellingen.items():
        groep = dict(zip(dimensies, sleutel, strict=True))
        reeks = [per_periode.get(p.sleutel, 0) for p in alle]
        oordelen = beoordeel_reeks(reeks, meetbaar, vanaf=len(alle) - len(venster))
        groepen.append(groepsuitkomst(groep, venster, oordelen, met_jaar, vlaggen))
    return antwoord(venster, stap, dimensies, groepen, vlaggen)


def _tel(
    opslag: Opslag, school: str, alle: list[Periode], stap: Interval, dimensies: list[str]
) -> tuple[dict[tuple[Any, ...], dict[str, int]], dict[str, int]]:
    """Counts per group and period, and per period for the whole school (which periods are
    measurable at all). Columns come from the closed lists above, never from the caller."""
    van, tot = alle[0].begin, alle[-1].eind
    with opslag.lezen(tellen=True) as cur:
        # Per category a signal counts once in each of its categories; otherwise once.
        rijen = tel(
            cur, school, van, tot, [stap, *dimensies], per_signaal="categorie" not in dimensies
        )
        totalen = tel(cur, school, van, tot, [stap], per_signaal=True)
    tellingen: dict[tuple[Any, ...], dict[str, int]] = {}
    for rij in rijen:
        sleutel = tuple(rij[d] for d in dimensies)
        tellingen.setdefault(sleutel, {})[rij[stap]] = int(rij["aantal"])
    return tellingen, {r[stap]: int(r["aantal"]) for r in totalen}


def tel(
    cur: Cursor, school: str, van: date, tot: date, kolommen: list[str], *, per_signaal: bool
) -> list[Any]:
    """`COUNT(*) AS aantal` per `kolommen` over one school's rows dated in [van, tot]: per
    row, or per signal (a signal with two categories is two rows; without `categorie`
    among the columns they are first made one per signal). That is a GROUP BY, not a
    COUNT(DISTINCT): the database can hash it instead of sorting (`lezen(tellen=True)`).
    The columns are the view's own (closed lists), never the caller's text."""
    lijst = ", ".join(kolommen)
    rijen = f"SELECT {lijst}{', positie' if per_signaal else ''} FROM {Trends().t('trends')} "
    rijen += "WHERE school = %s AND datum >= %s AND datum <= %s"
    if per_signaal:
        rijen += f" GROUP BY {lijst}, positie"
    return list(
        cur.execute(
            f"SELECT {lijst}, COUNT(*) AS aantal FROM ({rijen}) rijen GROUP BY {lijst}",
            [school, van.isoformat(), tot.isoformat()],
        ).fetchall()
    )


# The same answer as `trends`, reused while the view stands at the position given last:
# counting a school's signals over years and judging every period is work that only a new
# signal can change.
trends_bij = per_positie(trends)
