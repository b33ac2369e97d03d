"""The drivers of a command's steps (application/poorten.py): one loop over the steps,
carried out in the calling thread (`voer_uit`) or on the event loop (`voer_uit_async`).

In a thread every step is done on the spot (the CLI, the tests, any sync caller). On the
loop (the API's command routes are `async`) a command costs no hand-off to the thread
pool and back: only its save is awaited, anything else that may block goes to a worker
thread. The rules, retries and refusals stay in the one procedure either way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from application.poorten import Bewaar, Blokkerend, Stappen

T = TypeVar("T")


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
