"""The authenticated caller, as the token describes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.waarden import Actor, Rol


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
