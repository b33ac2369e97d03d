"""The authenticated caller, as the token describes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.waarden import Actor, Rol

# An external partner's organisation as a token names it and a ZAT referral lists it: a
# short identifier (`wijkteam-noord`, `jeugdarts-ggd`), compared exactly, so a referral
# gives access to exactly the organisations it names.
ORGANISATIE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
ORGANISATIE_UITLEG = (
    "kleine letters, cijfers en streepjes, beginnend met een letter of cijfer, "
    "hoogstens 63 tekens (bijv. wijkteam-noord)"
)


def is_organisatie(waarde: object) -> bool:
    return isinstance(waarde, str) and ORGANISATIE.fullmatch(waarde) is not None


@dataclass(frozen=True)
class Gebruiker:
    sub: str
    naam: str
    rol: Rol
    school: str | None = None
    klassen: tuple[str, ...] = ()
    afdeling: str | None = None
    scholen: tuple[str, ...] = field(default_factory=tuple)
    organisatie: str | None = None  # the partner's organisation (`rol=extern` only)

    @property
    def actor(self) -> Actor:
        return Actor(id=self.sub, naam=self.naam, rol=self.rol)
