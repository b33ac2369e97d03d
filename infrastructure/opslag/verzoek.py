"""A request to the group commit (infrastructure/opslag/groepscommit.py) and how its outcome
reaches the caller: a thread is woken, a loop gets it as a future resolved on that loop."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID


@dataclass(eq=False)
class Verzoek:
    gebeurtenissen: Sequence[Any]
    # Request keys stored in the same transaction (`Bewaar.sleutels`).
    sleutels: Sequence[UUID] = ()
    # For a request from an event loop: resolved there instead of waking a thread.
    toekomst: asyncio.Future[list[int]] | None = None
    klaar: bool = False
    posities: list[int] | None = None
    fout: BaseException | None = None
    # A thread's request: set when it is done, or when it is made the next leader (then
    # not `klaar`). None for a loop's request, which never waits on it.
    wakker: threading.Event | None = None

    def __post_init__(self) -> None:
        if self.toekomst is None:
            self.wakker = threading.Event()

    def los_op(self) -> None:
        """On the request's loop: hand the outcome to the awaiting command."""
        toekomst = self.toekomst
        if toekomst is None or toekomst.done():
            return
        if self.fout is not None:
            toekomst.set_exception(self.fout)
        else:
            toekomst.set_result(self.posities or [])


def rond_af(groep: Sequence[Verzoek]) -> None:
    """Wake a group's threads, and hand its loops their outcomes: one call per loop for
    the whole group, not one per request (each call wakes that loop from its poll)."""
    per_lus: dict[asyncio.AbstractEventLoop, list[Verzoek]] = {}
    for verzoek in groep:
        verzoek.klaar = True
        if verzoek.toekomst is None:
            assert verzoek.wakker is not None
            verzoek.wakker.set()
        else:
            per_lus.setdefault(verzoek.toekomst.get_loop(), []).append(verzoek)
    for lus, verzoeken in per_lus.items():
        # A closed loop (RuntimeError) has nobody waiting for these answers any more.
        with contextlib.suppress(RuntimeError):
            lus.call_soon_threadsafe(los_op_per_lus, verzoeken)


def afgebroken(groep: Sequence[Verzoek]) -> None:
    # Whatever happened while storing, nobody is left waiting forever.
    for verzoek in groep:
        if verzoek.posities is None and verzoek.fout is None:
            verzoek.fout = RuntimeError("groepscommit afgebroken")


def los_op_per_lus(verzoeken: list[Verzoek]) -> None:
    for verzoek in verzoeken:
        verzoek.los_op()
