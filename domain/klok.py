"""Whose clock stamps an event: the base of every stored event and the context that names
the clock (the service's during a command, a data generator's while it records history;
otherwise the library's own). Apart from the aggregate, which holds state and effects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import datetime_now_with_tzinfo
from pydantic import BaseModel, ConfigDict

# The clock that stamps the events triggered now: the service's during a command, a
# data generator's while it records history; otherwise the library's own.
_KLOK: ContextVar[Callable[[], datetime] | None] = ContextVar("zorgroute_klok", default=None)


@contextmanager
def op_klok(klok: Callable[[], datetime]) -> Iterator[None]:
    """Stamp the events triggered inside (in this thread or task) with `klok`'s time."""
    token = _KLOK.set(klok)
    try:
        yield
    finally:
        _KLOK.reset(token)


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime

    @staticmethod
    def create_timestamp() -> datetime:
        # The library asks the event class for a new event's time (`trigger_event`,
        # `_create`); the clock comes from the caller, the domain reads none itself.
        klok = _KLOK.get()
        return klok() if klok is not None else datetime_now_with_tzinfo()
