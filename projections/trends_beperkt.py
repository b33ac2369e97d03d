"""The trends for a role outside the school's care team (`teamleider`, `swv`).

Every number comes from the canonical month tables of `trends_blokken`, and everything
else in the answer (totals, order, flags, bounds, p-values) is computed from published
numbers only, so no set of answers says more than those tables do (docs/trends.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.hergebruik import per_positie
from projections.onderdrukking import MARKERING
from projections.opslag import Opslag
from projections.statistiek import beoordeel_gepubliceerd
from projections.trends_blokken import ALLE, PLAATS, lees_maanden
from projections.trends_vraag import OngeldigeTrendvraag, antwoord, groepsuitkomst, vraag

# Only the zorgcoördinator sees the counts themselves; every other role (today `teamleider`
# and `swv`) the suppressed tables, also a role that is given the trends later.
ONBEPERKT = "zorgcoordinator"


def beperkt(rol: str) -> bool:
    return rol != ONBEPERKT


def trends_beperkt(
    opslag: Opslag,
    school: str,
    van: date,
    tot: date,
    interval: str,
    per: str,
    min_cel: int,
    vandaag: date,
) -> dict[str, Any]:
    """Per month only (weeks straddle months: both together give the days in between
    away), per place at one level of the hierarchy, optionally per category."""
    if interval != "maand":
        raise OngeldigeTrendvraag(
            "interval", "per week ziet alleen de zorgcoördinator; kies interval=maand"
        )
    stap, gevraagd, venster, alle = vraag(van, tot, interval, per)
    # `leerjaar` is a level under `afdeling`, `klas` one under both: the same cells for
    # every way of asking, so one grouping cannot be subtracted from another.
    diepte = max((PLAATS.index(d) + 1 for d in gevraagd if d in PLAATS), default=0)
    per_categorie = "categorie" in gevraagd
    dimensies = (["categorie"] if per_categorie else []) + list(PLAATS[:diepte])
    maanden = lees_maanden(opslag, school, alle, vandaag, min_cel)
    # A month in which the school recorded nothing (a published 0) is left out of baselines.
    meetbaar = [maanden[p.sleutel].waarde(((), ALLE)) != 0 for p in alle]
    sleutels = {
        cel
        for maand in maanden.values()
        for cel, waarde in maand.gepubliceerd.items()
        if len(cel[0]) == diepte and (cel[1] != ALLE) == per_categorie and waarde != 0
    }
    met_jaar = venster[0].sleutel[:4] != venster[-1].sleutel[:4]
    groepen: list[dict[str, Any]] = []
    vlaggen: list[dict[str, Any]] = []
    for knoop, kolom in sorted(sleutels, key=repr):
        groep = {"categorie": kolom} if per_categorie else {}
        groep |= dict(zip(PLAATS, knoop, strict=False))
        reeks = [maanden[p.sleutel].waarde((knoop, kolom)) for p in alle]
        oordelen = beoordeel_gepubliceerd(reeks, meetbaar, vanaf=len(alle) - len(venster))
        groepen.append(groepsuitkomst(groep, venster, oordelen, met_jaar, vlaggen))
    uit = antwoord(venster, stap, dimensies, groepen, vlaggen)
    for periode in uit["perioden"]:
        periode["lopend"] = periode["tot"] >= vandaag.isoformat()
    uit["onderdrukking"] = {"min_cel": min_cel, "markering": MARKERING}
    return uit


# `trends_beperkt`, reused while the view stands at the position given last (and on the
# same day: the day decides which month is still running).
trends_beperkt_bij = per_positie(trends_beperkt)
