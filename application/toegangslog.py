"""The access log as the application sees it (a port): one entry per look at case
content and per refusal, written *before* any data is returned (NEN 7513).

The storage (append-only, hash-chained) is in `infrastructure.toegangslog`; the service
only needs `schrijf`, and refuses to answer when it fails (fail closed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, TypedDict, Unpack

Actie = Literal["lezen", "zoeken", "exporteren", "wijzigen", "weigering", "noodtoegang"]
# `mislukt`: allowed, but the write stored nothing (a broken rule, a stale version, bad input).
Resultaat = Literal["toegestaan", "geweigerd", "mislukt"]


@dataclass(frozen=True)
class Bron:
    """Where a request came from, and on whose behalf and why (optional headers)."""

    adres: str | None = None
    agent: str | None = None
    request_id: str | None = None
    namens: str | None = None
    doel: str | None = None
    noodtoegang: str | None = None  # the reason given in X-Noodtoegang, if any


@dataclass(frozen=True)
class Toegangsregel:
    """One entry, with the fields NEN 7513 asks for. `casus_id` and, for an anonymous
    file, only its `pseudoniem`: never a pupil's name or number."""

    tijdstip: datetime
    school: str | None
    gebruiker_id: str
    gebruiker_naam: str
    gebruiker_rol: str
    actie: Actie
    resultaat: Resultaat
    regel: str  # the policy rule that decided
    object: str  # what was asked for, e.g. "casus", "geschiedenis", "agenda:ozs"
    casus_id: str | None = None
    pseudoniem: str | None = None
    versie: int | None = None  # for `wijzigen`: the event it links to (not a copy)
    namens: str | None = None
    doel: str | None = None
    bron_adres: str | None = None
    bron_agent: str | None = None
    request_id: str | None = None
    reden_noodtoegang: str | None = None


class Zoekvraag(TypedDict, total=False):
    """What a search of the log may narrow on besides the school; each is optional."""

    casus_id: str | None
    gebruiker: str | None
    actie: str | None
    van: datetime | None
    tot: datetime | None
    alleen_noodtoegang: bool
    limiet: int  # the newest this many (1000 when not given)


class ToegangslogOnbeschikbaar(Exception):
    """The entry could not be written; the caller must not answer with data."""


class Toegangslogboek(Protocol):
    def schrijf(self, regel: Toegangsregel) -> None:
        """Append the entry durably, or raise ToegangslogOnbeschikbaar."""

    def schrijf_alle(self, regels: Sequence[Toegangsregel]) -> None:
        """Append entries in one transaction (all or none), or raise."""

    def zoek(self, *, school: str, **vraag: Unpack[Zoekvraag]) -> list[dict[str, Any]]:
        """Entries of one school, newest last, as JSON-ready dicts."""
