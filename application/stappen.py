"""A command's waiting as steps, so that one procedure serves a thread and the event loop.

A command is written once, as a generator (`Wijzigen._wijzig`): it yields what
may block — storing its events, reading the store, a back-off — and gets the outcome
sent back in, or the error thrown in at that point. `voer_uit` carries out the steps in
the calling thread (the CLI, the tests, any sync caller: exactly as before). `voer_uit_async`
carries them out on the event loop: the API's command routes are `async`, so a command
costs no hand-off to the thread pool and back; only its save is awaited (the group commit
stores it from its own thread) and anything else that may block goes to a worker thread.
The rules, retries and refusals stay in one place either way.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar
from uuid import UUID

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Bewaar:
    """Store these events, and with them in the same transaction these request keys (by
    which a command recognises its own commit after a lost reply); the answer is the
    events' recordings."""

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


async def _doorloop(
    stappen: Stappen[T],
    bewaar: Callable[[Sequence[Any], Sequence[UUID]], Awaitable[Any]],
    blokkerend: Callable[[Callable[[], Any]], Awaitable[Any]],
    wacht: Callable[[float], Awaitable[Any]],
) -> T:
    """The one loop over a command's steps; the two drivers differ only in how a step is
    carried out."""
    antwoord: Any = None
    fout: Exception | None = None
    while True:
        try:
            stap = stappen.send(antwoord) if fout is None else stappen.throw(fout)
        except StopIteration as einde:
            return einde.value  # type: ignore[no-any-return]
        antwoord, fout = None, None
        try:
            if isinstance(stap, Bewaar):
                antwoord = await bewaar(stap.gebeurtenissen, stap.sleutels)
            elif isinstance(stap, Blokkerend):
                antwoord = await blokkerend(stap.functie)
            else:
                await wacht(stap.seconden)
        except Exception as e:
            fout = e


def voer_uit(stappen: Stappen[T], bewaar: Callable[[Sequence[Any], Sequence[UUID]], Any]) -> T:
    """In the calling thread: every step is done on the spot, so the loop never suspends
    and one `send` runs it to the end."""

    async def nu_bewaren(gebeurtenissen: Sequence[Any], sleutels: Sequence[UUID]) -> Any:
        return bewaar(gebeurtenissen, sleutels)

    async def nu(functie: Callable[[], Any]) -> Any:
        return functie()

    async def slapen(seconden: float) -> None:
        time.sleep(seconden)

    loop = _doorloop(stappen, nu_bewaren, nu, slapen)
    try:
        loop.send(None)
    except StopIteration as einde:
        return einde.value  # type: ignore[no-any-return]
    loop.close()
    raise RuntimeError("een opdracht in een draad wachtte op een event loop")


async def voer_uit_async(
    stappen: Stappen[T], bewaar: Callable[[Sequence[Any], Sequence[UUID]], Awaitable[Any]]
) -> T:
    """On the event loop: the save awaited, other blocking calls in a worker thread."""
    return await _doorloop(stappen, bewaar, asyncio.to_thread, asyncio.sleep)


class _MetGroepscommit(Protocol):
    @property
    def groepscommit(self) -> Any: ...


S = TypeVar("S", bound=_MetGroepscommit)


def in_draad(
    methode: Callable[Concatenate[S, P], Stappen[T]],
) -> Callable[Concatenate[S, P], T]:
    """The command as a plain method: its steps carried out in the calling thread."""

    @functools.wraps(methode)
    def uitvoeren(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return voer_uit(methode(self, *args, **kwargs), self.groepscommit.bewaar)

    # `handel_stappen` → `handel`: tracebacks and logs name the method callers call.
    uitvoeren.__name__ = methode.__name__.removesuffix("_stappen")
    uitvoeren.__qualname__ = methode.__qualname__.removesuffix("_stappen")
    return uitvoeren
