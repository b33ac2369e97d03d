"""Idempotency keys, stored as a tiny aggregate in the same transaction as the command.

Because the key and the case's events are written by one `save()`, either both exist or
neither does: a client retrying after a crash between storing and answering gets the
first answer back, and no command is ever applied twice.

A command without a client's key carries one the server makes (`Bewaar.sleutels`), so
that it too recognises its own commit when the reply to it was lost.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar
from uuid import UUID, uuid5

import orjson
from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate, event

from domain.klok import DomainEvent

_NAAMRUIMTE = UUID("6f1c3b0e-2d1a-4c59-9a43-5d8f0e6b7c21")


def idempotentie_id(school: str, actor_id: str, sleutel: str) -> UUID:
    # Scope is school + actor + key (api.md): two staff members may use the same key.
    return uuid5(_NAAMRUIMTE, f"{school}\x1f{actor_id}\x1f{sleutel}")


def vingerafdruk(*delen: Any) -> str:
    """A stable hash of what was asked, to tell a retry from a different request."""
    return hashlib.sha256(orjson.dumps(delen, option=orjson.OPT_SORT_KEYS)).hexdigest()


class IdempotentieSleutel(Aggregate):
    TOPIC: ClassVar[str] = "zorgroute:IdempotentieSleutel"

    class Event(DomainEvent, CanMutateAggregate):
        pass

    class Created(Event, CanInitAggregate):
        TOPIC: ClassVar[str] = "zorgroute:IdempotentieSleutel.Created"
        originator_topic: str

    class Vastgelegd(Created):
        TOPIC: ClassVar[str] = "zorgroute:IdempotentieSleutelVastgelegd"
        vingerafdruk: str
        status: int
        antwoord: dict[str, Any]

    @event(Vastgelegd)
    def __init__(self, id: UUID, vingerafdruk: str, status: int, antwoord: dict[str, Any]) -> None:
        self.vingerafdruk = vingerafdruk
        self.status = status
        self.antwoord = antwoord
