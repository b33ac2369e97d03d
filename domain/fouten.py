"""Domain errors: a broken rule carries a stable English code and a Dutch message."""

from __future__ import annotations

from collections.abc import Iterable

# When several rules break at once, the first code in this order is reported (the brief).
# Codes after the brief's nine are rules the brief states without naming a code.
REGEL_VOORRANG: tuple[str, ...] = (
    "casus_gesloten",
    "niet_voor_klas",
    "al_ingebracht",
    "niveau_te_laag",
    "regiehouder_ontbreekt",
    "ouders_niet_geinformeerd",
    "toestemming_ontbreekt",
    "instemming_ontbreekt",
    "toestemming_ongeldig",
    "niets_te_evalueren",
    "evaluatiedatum_ongeldig",
    "datum_in_toekomst",
    "onderwerp_past_niet",
    "onderwerp_vast",
    "onderwerp_ongewijzigd",
    "niet_anoniem",
    "signaalgever_onbekend",
    "niet_aangemeld",
)


class DomeinFout(Exception):
    """Base of every error the domain raises on purpose."""

    code: str = "domeinfout"

    def __init__(self, melding: str, code: str | None = None) -> None:
        super().__init__(melding)
        self.melding = melding
        if code is not None:
            self.code = code


class Regelfout(DomeinFout):
    """A command broke a rule of the care route; nothing was recorded."""

    def __init__(self, code: str, melding: str, veld: str | None = None) -> None:
        if code not in REGEL_VOORRANG:
            raise ValueError(f"onbekende regelcode: {code}")
        super().__init__(melding, code)
        # The input field the rule is about, when it is about one (the API names it).
        self.veld = veld


class Overtreding:
    """One broken rule found while checking a command (not yet raised)."""

    __slots__ = ("code", "melding", "veld")

    def __init__(self, code: str, melding: str, veld: str | None = None) -> None:
        self.code = code
        self.melding = melding
        self.veld = veld

    def __repr__(self) -> str:
        return f"Overtreding({self.code!r})"


def eerste(overtredingen: Iterable[Overtreding]) -> Regelfout | None:
    """The broken rule that the brief's precedence says to report, if any."""
    gevonden = sorted(overtredingen, key=lambda o: REGEL_VOORRANG.index(o.code))
    if not gevonden:
        return None
    return Regelfout(gevonden[0].code, gevonden[0].melding, gevonden[0].veld)
