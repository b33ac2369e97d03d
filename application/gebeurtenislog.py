"""What the views need of the event log: the port the projections read it through.

The views (`projections/`) keep read models up to date from the log; they see it only as
this port, so they import neither the event store's library nor its tables. The
implementation on the eventsourcing library's recorder is `infrastructure/gebeurtenislog.py`.
The log's positions are the library's notification ids: 1, 2, … in the order of saving.

Two abilities only PostgreSQL has are protocols of their own, checked with `isinstance`:
telling a listener of every append (`Meldend`; on SQLite the runner polls) and being read
by several processes at once, each its share of the files (`Verdeelbaar`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID

from domain.casus import Casus


@dataclass(frozen=True, slots=True)
class Gelezen:
    """One batch read from the log: the files' events with their positions, in log order,
    and the last position read, which may lie past the last of them (the log also holds
    records that are not events of a file, such as idempotency keys)."""

    gebeurtenissen: list[tuple[int, Casus.Event]]
    laatste: int


class Gebeurtenislog(Protocol):
    def einde(self) -> int:
        """The position of the last event saved (0 for an empty log)."""
        ...

    def lees(self, na: int, limiet: int, *, tot: int | None = None) -> Gelezen:
        """The log after position `na`: at most `limiet` entries, none past `tot`."""
        ...

    def tijdstip(self, positie: int) -> datetime | None:
        """When the event at `positie` (or the first one after it) was saved."""
        ...

    def casus(self, casus_id: UUID, versie: int) -> Casus:
        """The file as it stood at `versie` (its first `versie` events)."""
        ...


class Meldingen(Protocol):
    """A connection that is told of every save to the log while it listens."""

    def __enter__(self) -> Meldingen: ...

    def __exit__(self, *_: object) -> None: ...

    def luister(self) -> None:
        """From now on, be told of every save."""
        ...

    def laat_los(self) -> None:
        """Stop being told (saves meanwhile then cost the database nothing extra)."""
        ...

    def wacht(self, seconden: float) -> bool:
        """True as soon as a save was told, False after `seconden` without one."""
        ...


@runtime_checkable
class Meldend(Protocol):
    """A log that tells listeners of every save (PostgreSQL's LISTEN/NOTIFY)."""

    def meldingen(self) -> Meldingen:
        """Open a connection of its own that can listen (closed when its `with` ends)."""
        ...


@runtime_checkable
class Verdeelbaar(Gebeurtenislog, Protocol):
    """A log that several processes can read at once, each taking its share of the files
    (PostgreSQL; on SQLite, with one writer at a time, the views' processes would queue)."""

    def lees_deel(self, na: int, tot: int, deel: int, delen: int, limiet: int) -> Gelezen:
        """Like `lees`, but only the entries of the files in share `deel` of `delen` (a
        file's share is fixed by its id): `laatste` is the last entry of that share read."""
        ...

    def opener(self) -> Callable[[], AbstractContextManager[Verdeelbaar]]:
        """How another process opens this same log: a callable that pickles, whose result
        is closed by its `with`."""
        ...
