"""What the trends and the trends for other roles (`trends_beperkt`) share: the checked
query (`vraag`) and the answer's shape (`antwoord`, one group's counts and flags), so that
both answer alike and differ only in where their numbers come from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from projections.perioden import Interval, Periode, perioden, terug
from projections.statistiek import (
    ALFA,
    BASISPERIODEN,
    MIN_AANTAL,
    MIN_BASISPERIODEN,
    Beoordeling,
)

DIMENSIES = ("categorie", "afdeling", "leerjaar", "klas")
# How far back the baseline may reach for 8 measurable periods (a summer holiday is ~7 weeks).
TERUGKIJKEN = 3 * BASISPERIODEN
MAX_PERIODEN = 260


class OngeldigeTrendvraag(ValueError):
    """A query the trends cannot answer; `veld` names the parameter (for a 422)."""

    def __init__(self, veld: str, melding: str) -> None:
        super().__init__(melding)
        self.veld = veld
        self.melding = melding


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


def groepsuitkomst(
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
