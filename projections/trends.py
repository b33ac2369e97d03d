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
from projections.hergebruik import Hergebruik
from projections.opslag import Cursor, Opslag
from projections.perioden import Interval, Periode, periode_sleutel, perioden, terug
from projections.statistiek import (
    ALFA,
    BASISPERIODEN,
    MIN_AANTAL,
    MIN_BASISPERIODEN,
    Beoordeling,
    beoordeel_reeks,
)

NEDERLAND = ZoneInfo("Europe/Amsterdam")
DIMENSIES = ("categorie", "afdeling", "leerjaar", "klas")
# How far back the baseline may reach for 8 measurable periods (a summer holiday is ~7 weeks).
TERUGKIJKEN = 3 * BASISPERIODEN
MAX_PERIODEN = 260
KOLOMMEN = (
    "positie",
    "categorie",
    "school",
    "casus_id",
    "datum",
    "week",
    "maand",
    "afdeling",
    "leerjaar",
    "klas",
)


class OngeldigeTrendvraag(ValueError):
    """A query the trends cannot answer; `veld` names the parameter (for a 422)."""

    def __init__(self, veld: str, melding: str) -> None:
        super().__init__(melding)
        self.veld = veld
        self.melding = melding


class Trends(Projectie):
    naam = "trends"
    tabellen: ClassVar[dict[str, str]] = {
        "trends": (
            # casus_id: suppression counts files, not signals (trends_blokken).
            "positie BIGINT NOT NULL, categorie TEXT NOT NULL, school TEXT NOT NULL, "
            "casus_id TEXT NOT NULL, datum TEXT NOT NULL, week TEXT NOT NULL, maand TEXT NOT NULL, "
            "afdeling TEXT NOT NULL, leerjaar INTEGER NOT NULL, klas TEXT NOT NULL, "
            "PRIMARY KEY (positie, categorie)"
        )
    }
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


# ---- the query -----------------------------------------------------------------------------


def _dimensies(per: str) -> list[str]:
    gekozen = [d.strip() for d in per.split(",") if d.strip()]
    if not gekozen or any(d not in DIMENSIES for d in gekozen) or len(set(gekozen)) < len(gekozen):
        raise OngeldigeTrendvraag("per", f"per moet een of meer zijn van: {', '.join(DIMENSIES)}")
    return gekozen


def groepsnaam(groep: dict[str, Any]) -> str:
    """'verzuim in havo 3', 'klas H3A', 'leerjaar 3': how a policy report names a group."""
    delen = []
    if "afdeling" in groep:
        delen.append(str(groep["afdeling"]))
    if "leerjaar" in groep:
        delen.append(
            str(groep["leerjaar"]) if "afdeling" in groep else f"leerjaar {groep['leerjaar']}"
        )
    if "klas" in groep:
        delen.append(f"klas {groep['klas']}")
    plaats = " ".join(delen)
    if "categorie" not in groep:
        return plaats
    categorie = str(groep["categorie"]).replace("_", "-")
    return f"{categorie} in {plaats}" if plaats else categorie


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
        groepen.append(_groep(groep, venster, oordelen, met_jaar, vlaggen))
    return antwoord(venster, stap, dimensies, groepen, vlaggen)


def vraag(
    van: date, tot: date, interval: str, per: str
) -> tuple[Interval, list[str], list[Periode], list[Periode]]:
    """The checked query: step, dimensions, the window's periods, and those periods with
    the baseline before them. Raises `OngeldigeTrendvraag`."""
    if interval not in ("week", "maand"):
        raise OngeldigeTrendvraag("interval", "interval moet 'week' of 'maand' zijn")
    stap: Interval = "week" if interval == "week" else "maand"
    dimensies = _dimensies(per)
    if van > tot:
        raise OngeldigeTrendvraag("van", "van ligt na tot")
    # Whole periods plus the baseline before `van` must stay inside the calendar.
    if van < date(1900, 1, 1) or tot > date(9000, 12, 31):
        raise OngeldigeTrendvraag("van", "kies data tussen 1900 en 9000")
    venster = perioden(van, tot, stap)
    if len(venster) > MAX_PERIODEN:
        raise OngeldigeTrendvraag("tot", f"hooguit {MAX_PERIODEN} perioden per vraag")
    # The first periods are judged against periods before `van`, so fetch those too.
    alle = perioden(terug(venster[0].begin, stap, TERUGKIJKEN), venster[-1].eind, stap)
    return stap, dimensies, venster, alle


def antwoord(
    venster: list[Periode],
    stap: Interval,
    dimensies: list[str],
    groepen: list[dict[str, Any]],
    vlaggen: list[dict[str, Any]],
) -> dict[str, Any]:
    # Ordered by published totals only (a hidden total sorts last), so the order tells
    # nothing a hidden count would.
    groepen.sort(key=lambda g: (-(g["totaal"] if g["totaal"] is not None else -1), g["naam"]))
    vlaggen.sort(key=lambda v: (v["periode"], v["naam"]))
    met_jaar = venster[0].sleutel[:4] != venster[-1].sleutel[:4]
    return {
        "van": venster[0].begin.isoformat(),
        "tot": venster[-1].eind.isoformat(),
        "interval": stap,
        "per": dimensies,
        "perioden": [
            {
                "periode": p.sleutel,
                "label": p.label(met_jaar),
                "van": p.begin.isoformat(),
                "tot": p.eind.isoformat(),
            }
            for p in venster
        ],
        "groepen": groepen,
        "opvallend": vlaggen,
        "methode": {
            "toets": "exacte conditionele binomiale toets tegen de vorige meetbare perioden",
            "alfa": ALFA,
            "basisperioden": BASISPERIODEN,
            "min_basisperioden": MIN_BASISPERIODEN,
            "min_aantal": MIN_AANTAL,
        },
    }


def _groep(
    groep: dict[str, Any],
    venster: list[Periode],
    oordelen: Sequence[Beoordeling | int | None],
    met_jaar: bool,
    vlaggen: list[dict[str, Any]],
) -> dict[str, Any]:
    """One group's counts in the window; its flags are appended to `vlaggen`. A period is
    a verdict, or only a count without one, or None when its count is hidden; the total
    is shown only when no count in the window is hidden (else it would give one back)."""
    naam = groepsnaam(groep)
    aantallen: list[dict[str, Any]] = []
    getallen: list[int | None] = []
    for periode, oordeel in zip(venster, oordelen, strict=True):
        aantal = oordeel.aantal if isinstance(oordeel, Beoordeling) else oordeel
        getallen.append(aantal)
        o = oordeel if isinstance(oordeel, Beoordeling) else None
        aantallen.append(
            {
                "periode": periode.sleutel,
                "aantal": aantal,
                "onderdrukt": aantal is None,
                "verwacht_max": o.verwacht_max if o else None,
                "opvallend": bool(o and o.opvallend),
            }
        )
        if o is not None and o.opvallend:
            label = periode.label(met_jaar)
            vlaggen.append(
                {
                    "groep": groep,
                    "naam": naam,
                    "periode": periode.sleutel,
                    "label": label,
                    "aantal": o.aantal,
                    "verwacht_max": o.verwacht_max,
                    "basis_gemiddelde": o.basis_gemiddelde,
                    "p_waarde": o.p_waarde,
                    "zin": f"{naam}: {o.aantal} signalen in {label}, verwacht ≤ {o.verwacht_max}",
                }
            )
    totaal = None if None in getallen else sum(a for a in getallen if a is not None)
    return {"groep": groep, "naam": naam, "totaal": totaal, "aantallen": aantallen}


def _tel(
    opslag: Opslag, school: str, alle: list[Periode], stap: Interval, dimensies: list[str]
) -> tuple[dict[tuple[Any, ...], dict[str, int]], dict[str, int]]:
    """Counts per group and period, and per period for the whole school (which periods are
    measurable at all). Columns come from the closed lists above, never from the caller."""
    tabel = Trends().t("trends")
    kolommen = ", ".join(dimensies)
    bereik = [school, alle[0].begin.isoformat(), alle[-1].eind.isoformat()]
    waar = "WHERE school = %s AND datum >= %s AND datum <= %s"
    # A signal with two categories is two rows; per department it is still one signal, so
    # without `categorie` the rows are first made one per signal. That is a GROUP BY, not a
    # COUNT(DISTINCT): the database can hash it instead of sorting (`lezen(tellen=True)`).
    if "categorie" in dimensies:
        bron = f"SELECT {stap} AS periode, {kolommen} FROM {tabel} {waar}"
    else:
        bron = (
            f"SELECT {stap} AS periode, {kolommen}, positie FROM {tabel} {waar} "
            f"GROUP BY {stap}, {kolommen}, positie"
        )
    signalen = f"SELECT {stap} AS periode, positie FROM {tabel} {waar} GROUP BY {stap}, positie"
    with opslag.lezen(tellen=True) as cur:
        rijen = cur.execute(
            f"SELECT periode, {kolommen}, COUNT(*) AS aantal FROM ({bron}) rijen "
            f"GROUP BY periode, {kolommen}",
            bereik,
        ).fetchall()
        totalen = cur.execute(
            f"SELECT periode, COUNT(*) AS aantal FROM ({signalen}) s GROUP BY periode", bereik
        ).fetchall()
    tellingen: dict[tuple[Any, ...], dict[str, int]] = {}
    for rij in rijen:
        sleutel = tuple(rij[d] for d in dimensies)
        tellingen.setdefault(sleutel, {})[rij["periode"]] = int(rij["aantal"])
    return tellingen, {r["periode"]: int(r["aantal"]) for r in totalen}


_HERGEBRUIK = Hergebruik()


def trends_bij(
    opslag: Opslag,
    school: str,
    van: date,
    tot: date,
    interval: str,
    per: str,
    positie: int,
) -> dict[str, Any]:
    """The same answer as `trends`, reused while the view stands at `positie`: counting a
    school's signals over years and judging every period is work that only a new signal
    can change."""
    sleutel = (id(opslag), school, van, tot, interval, per, positie)
    return _HERGEBRUIK.geef(sleutel, lambda: trends(opslag, school, van, tot, interval, per))
