"""The rules of the care route: checks that guard a command.

Every check looks at the file as it is and at the command's arguments and returns the
broken rule, if any. Which checks guard which command is declared with the command
(domain/opdrachten/: together a data table); `controleer` runs all checks of a command
and raises the one the brief's precedence names first, so a caller always hears about
the most basic problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol

from domain.datumregels import gebeurd
from domain.fouten import Overtreding, eerste
from domain.waarden import (
    NIVEAUS,
    OPP,
    Handelingsplan,
    Interventie,
    KernteamAanmelding,
    Medewerker,
    Niveau,
    Toestemming,
)


class CasusStaat(Protocol):
    status: str
    niveau: Niveau
    is_klas: bool
    ouders_geinformeerd: bool
    toestemmingen: dict[str, Toestemming]
    regiehouder: Medewerker | None
    handelingsplan: Handelingsplan | None
    opp: OPP | None
    interventies: list[Interventie]
    geboortedatum: date | None
    anoniem: bool
    kernteam_aanmelding: KernteamAanmelding | None


Regel = Callable[[CasusStaat, Mapping[str, Any]], Overtreding | None]


def niveau_index(niveau: str) -> int:
    return NIVEAUS.index(niveau)


def dossier_open(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.status == "gesloten":
        return Overtreding(
            "casus_gesloten",
            "Het dossier is gesloten. Alleen een nieuw signaal heropent het.",
        )
    return None


def alleen_leerling(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.is_klas:
        return Overtreding(
            "niet_voor_klas",
            "Dit kan niet bij een klascasus: een klas heeft geen ouders, toestemming, "
            "regiehouder, intern begeleider, OPP of ZAT-verwijzing.",
        )
    return None


def gesprek_met_ouders(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.is_klas and a.get("met") == "ouders":
        return Overtreding("niet_voor_klas", "Een gesprek met ouders hoort niet bij een klascasus.")
    return None


def anoniem_alleen_leerling(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.is_klas and a.get("anoniem"):
        return Overtreding(
            "niet_voor_klas", "Anoniem bespreken kan alleen voor een leerling, niet voor een klas."
        )
    return None


def aangemeld_voor_kernteam(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.kernteam_aanmelding is None:
        return Overtreding(
            "niet_aangemeld", "Het dossier staat niet op de agenda van het kernteam."
        )
    return None


def nog_niet_in_ozs(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if niveau_index(c.niveau) >= niveau_index("ozs"):
        return Overtreding(
            "al_ingebracht", f"Het dossier is al ingebracht in het OZS (niveau {c.niveau})."
        )
    return None


def minstens_ozs(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if niveau_index(c.niveau) < niveau_index("ozs"):
        return Overtreding(
            "niveau_te_laag",
            f"Dit kan pas als het dossier in het OZS is ingebracht; het niveau is nu {c.niveau}.",
        )
    return None


def regiehouder_benoemd(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.regiehouder is None:
        return Overtreding(
            "regiehouder_ontbreekt", "Er is nog geen regiehouder benoemd voor dit dossier."
        )
    return None


def _anoniem_ontheven(c: CasusStaat, a: Mapping[str, Any]) -> bool:
    # Safety can outweigh informing parents first: the brief waives both conditions then.
    return bool(a.get("anoniem")) and bool(a.get("reden_anoniem"))


def ouders_geinformeerd_voor_ozs(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.is_klas or _anoniem_ontheven(c, a) or c.ouders_geinformeerd:
        return None
    return Overtreding(
        "ouders_niet_geinformeerd",
        "De ouders zijn in dit traject nog niet geïnformeerd; dat gaat vóór inbreng in het OZS.",
    )


def _toestemming_staat(doel: str) -> Callable[[CasusStaat], bool]:
    def staat(c: CasusStaat) -> bool:
        t = c.toestemmingen.get(doel)
        return t is not None and t.besluit == "gegeven"

    return staat


def toestemming_ozs(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.is_klas or _anoniem_ontheven(c, a) or _toestemming_staat("ozs")(c):
        return None
    return Overtreding(
        "toestemming_ontbreekt", "Er is geen geldende toestemming voor bespreking in het OZS."
    )


def toestemming_zat(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if _toestemming_staat("zat")(c):
        return None
    return Overtreding(
        "toestemming_ontbreekt", "Er is geen geldende toestemming voor verwijzing naar het ZAT."
    )


def instemming_ouders(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if a.get("instemming_ouders") is True:
        return None
    return Overtreding(
        "instemming_ontbreekt",
        "De ouders moeten instemmen met het handelingsdeel van het OPP voordat het wordt "
        "vastgesteld.",
    )


def leeftijd_op(geboortedatum: date, peildatum: date) -> int:
    jaren = peildatum.year - geboortedatum.year
    if (peildatum.month, peildatum.day) < (geboortedatum.month, geboortedatum.day):
        jaren -= 1
    return jaren


def toestemming_geldig(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    doel, besluit, door, datum = a["doel"], a["besluit"], a["door"], a["datum"]
    if besluit == "ingetrokken":
        huidige = c.toestemmingen.get(doel)
        if huidige is None or huidige.besluit != "gegeven":
            return Overtreding(
                "toestemming_ongeldig",
                f"Toestemming voor {doel} kan alleen worden ingetrokken nadat zij is gegeven.",
            )
    if door == "leerling":
        if c.geboortedatum is None:
            return Overtreding(
                "toestemming_ongeldig",
                "De leerling kan alleen zelf beslissen als de geboortedatum bekend is "
                "(vanaf 16 jaar).",
            )
        if leeftijd_op(c.geboortedatum, datum) < 16:
            return Overtreding(
                "toestemming_ongeldig",
                "De leerling is op die datum jonger dan 16; de ouders beslissen.",
            )
    return None


def een_jaar_na(datum: date) -> date:
    """The same calendar day a year on (29 February → 28 February)."""
    try:
        return datum.replace(year=datum.year + 1)
    except ValueError:
        return datum.replace(year=datum.year + 1, day=28)


def iets_te_evalueren(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    if c.handelingsplan or c.opp or c.interventies:
        return None
    return Overtreding(
        "niets_te_evalueren",
        "Er is in dit traject geen handelingsplan, OPP of interventie om te evalueren.",
    )


def opp_binnen_jaar(c: CasusStaat, a: Mapping[str, Any]) -> Overtreding | None:
    # Parents evaluate an OPP at least once a school year: a later date is refused.
    if a["evaluatiedatum"] > een_jaar_na(a["vandaag"]):
        return Overtreding(
            "evaluatiedatum_ongeldig",
            "Een OPP wordt minstens eens per jaar geëvalueerd; kies een evaluatiedatum "
            "binnen een jaar.",
        )
    return None


# Dates of plans (a meeting to come, an evaluation date, the next discussion) may lie
# ahead; dates of what happened may not.
GEBEURD = gebeurd("datum")


def controleer(regels: tuple[Regel, ...], casus: CasusStaat, argumenten: Mapping[str, Any]) -> None:
    """Raise the first broken rule (by precedence) of these, or return quietly."""
    fout = eerste(o for regel in regels if (o := regel(casus, argumenten)) is not None)
    if fout is not None:
        raise fout
