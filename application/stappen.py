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

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Bewaar:
    """Store these events (one command's); the answer is their recordings."""

    gebeurtenissen: Sequence[Any]


@dataclass(frozen=True)
class Blokkerend:
    """A call that may block on I/O: a read of the store, a line in the access log."""

    functie: Callable[[], Any]


@dataclass(frozen=True)
class Wacht:
    seconden: float


Stap = Bewaar | Blokkerend | Wacht
Stappen = Generator[Stap, Any, T]


def _volgende(stappen: Stappen[T], antwoord: Any, fout: Exception | None) -> tuple[bool, Any]:
    """The command's next step, or (True, its result) when it is done."""
    try:
        return False, stappen.send(antwoord) if fout is None else stappen.throw(fout)
    except StopIteration as einde:
        return True, einde.value


def voer_uit(stappen: Stappen[T], bewaar: Callable[[Sequence[Any]], Any]) -> T:
    uitkomst: tuple[Any, Exception | None] = (None, None)
    while True:
        klaar, stap = _volgende(stappen, *uitkomst)
        if klaar:
            return stap  # type: ignore[no-any-return]
        try:
            if isinstance(stap, Bewaar):
                uitkomst = (bewaar(stap.gebeurtenissen), None)
            elif isinstance(stap, Blokkerend):
                uitkomst = (stap.functie(), None)
            else:
                time.sleep(stap.seconden)
                uitkomst = (None, None)
        except Exception as fout:
            uitkomst = (None, fout)


async def voer_uit_async(
    stappen: Stappen[T], bewaar: Callable[[Sequence[Any]], Awaitable[Any]]
) -> T:
    uitkomst: tuple[Any, Exception | None] = (None, None)
    while True:
        klaar, stap = _volgende(stappen, *uitkomst)
        if klaar:
            return stap  # type: ignore[no-any-return]
        try:
            if isinstance(stap, Bewaar):
                uitkomst = (await bewaar(stap.gebeurtenissen), None)
            elif isinstance(stap, Blokkerend):
                uitkomst = (await asyncio.to_thread(stap.functie), None)
            else:
                await asyncio.sleep(stap.seconden)
                uitkomst = (None, None)
        except Exception as fout:
            uitkomst = (None, fout)


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
