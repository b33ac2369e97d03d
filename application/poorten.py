"""The storage port: what the service asks of the event store, and nothing of how.

A command is written once, as steps (`Stappen`, a generator): it yields what may block —
storing its events (`Bewaar`), any other call that may wait on I/O (`Blokkerend`), a
back-off (`Wacht`) — and gets the outcome sent back in, or the error thrown in at that
point. The storage adapter (infrastructure/opslag/) carries the steps out, in the calling
thread (`voer_uit`) or on the running event loop (`voer_uit_async`), so the rules,
retries and refusals stay in one place whoever calls.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from uuid import UUID

from domain.casus import Casus

T = TypeVar("T")


@dataclass(frozen=True)
class Bewaar:
    """Store these events, and with them in the same transaction these request keys (by
    which a command recognises its own commit after a lost reply); the answer is the log
    position of the last of them. A lost race for a version (or a key) raises
    `PlaatsBezet`."""

    gebeurtenissen: Sequence[Any]
    sleutels: Sequence[UUID] = ()


@dataclass(frozen=True)
class Blokkerend:
    """A call that may block on I/O: a read of the store, a line in the access log."""

    functie: Callable[[], Any]


@dataclass(frozen=True)
class Wacht:
    seconden: float


Stap = Bewaar | Blokkerend | Wacht
Stappen = Generator[Stap, Any, T]


class PlaatsBezet(Exception):
    """A save found the file's next version, or the idempotency key, already stored:
    someone else won the race, or this very command did when the reply to its commit was
    lost and the store tried again (then its request key is there)."""


class OpslagGesloten(Exception):
    """The store is closing: nothing of this request was stored."""


class Dossieropslag(Protocol):
    """The event store as the service uses it (infrastructure/opslag/ implements it)."""

    def voer_uit(self, stappen: Stappen[T]) -> T:
        """Carry out a command's steps in the calling thread."""
        ...

    async def voer_uit_async(self, stappen: Stappen[T]) -> T:
        """Carry out a command's steps on the running event loop: its save awaited,
        other blocking steps in a worker thread."""
        ...

    def neem_kopie(self, casus_id: UUID) -> Casus | None:
        """This process's own last stored copy of a file, taken out for one command (no
        I/O); it may be behind the store, which then refuses its save. None if none."""
        ...

    def leg_terug(self, casus: Casus) -> None:
        """Keep a file whose events were just stored, for the next command on it."""
        ...

    def laad(self, aggregaat_id: UUID, *, om_te_wijzigen: bool = False) -> object | None:
        """The aggregate as stored now (None: nothing stored under that id). With
        `om_te_wijzigen` the caller may change it (a command); else it must not."""
        ...

    def gebeurtenissen(
        self, casus_id: UUID, *, tot_versie: int | None = None
    ) -> Iterator[Casus.Event]:
        """A file's events in order (up to `tot_versie`), each decoded as it is reached."""
        ...

    def positie_van_verzoek(self, sleutel: UUID, casus_id: UUID, versie: int) -> int | None:
        """The log position of the file's event at `versie` if it was stored with request
        key `sleutel` (so by that command); None if not, or where saves keep no keys."""
        ...

    def einde(self) -> int:
        """The log position of the last stored event (0: none)."""
        ...

    def gereed(self) -> bool:
        """True when the store answers."""
        ...

    def sluit(self) -> None:
        """Refuse new saves (OpslagGesloten), let those under way finish, let go."""
        ...
