"""The rules about dates of the route: what happened cannot lie after today.

"Today" is the service's clock (`Zorgroute.vandaag()`, Europe/Amsterdam), which the
application passes to every command method as `vandaag`; the
aggregate itself has no clock, so that a replay never depends on the day it runs. The
plausible range of every date (1900-2199) is the input's (domain/invoer.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from domain.fouten import Overtreding

# A rule about the input only: the file it is for does not matter.
Regel = Callable[[object, Mapping[str, Any]], Overtreding | None]

# An intervention is recorded when it is decided; it may start a while later, e.g. after
# a holiday (the summer holiday is six weeks) or when a trainer is free.
INTERVENTIE_VOORUIT = timedelta(weeks=8)


def gebeurd(*velden: str) -> Regel:
    """What happened cannot lie in the future: these date fields are at most `vandaag`,
    the service's today. Without `vandaag` (the domain used on its own, replays, data
    generators) there is no today to compare with, and the rule stands aside."""

    def regel(c: object, a: Mapping[str, Any]) -> Overtreding | None:
        vandaag = a.get("vandaag")
        for veld in velden:
            if vandaag is not None and a.get(veld) is not None and a[veld] > vandaag:
                return Overtreding(
                    "datum_in_toekomst",
                    f"De datum ligt na vandaag ({vandaag.isoformat()}); wat gebeurd is, "
                    "kan niet in de toekomst liggen.",
                    veld,
                )
        return None

    return regel


def geboren(c: object, a: Mapping[str, Any]) -> Overtreding | None:
    vandaag, onderwerp = a.get("vandaag"), a.get("onderwerp")
    geboren = getattr(onderwerp, "geboortedatum", None)
    if vandaag is not None and geboren is not None and geboren > vandaag:
        return Overtreding(
            "datum_in_toekomst",
            f"De geboortedatum ligt na vandaag ({vandaag.isoformat()}).",
            "onderwerp.geboortedatum",
        )
    return None


def start_binnenkort(c: object, a: Mapping[str, Any]) -> Overtreding | None:
    vandaag = a.get("vandaag")
    if vandaag is not None and a["startdatum"] > vandaag + INTERVENTIE_VOORUIT:
        return Overtreding(
            "datum_in_toekomst",
            "Een interventie wordt vastgelegd als zij is besloten en begint hoogstens "
            f"acht weken later (uiterlijk {(vandaag + INTERVENTIE_VOORUIT).isoformat()}).",
            "startdatum",
        )
    return None
