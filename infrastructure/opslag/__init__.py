"""The storage adapter: application/poorten.py's `Dossieropslag` on eventsourcing."""

from __future__ import annotations

from infrastructure.opslag.adapter import Eventsourcingopslag
from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import Settings


def bouw_opslag(settings: Settings, **extra: str) -> Eventsourcingopslag:
    """The event store for these settings (`extra`: eventsourcing environment on top)."""
    return Eventsourcingopslag({**eventsourcing_env(settings), **extra})


__all__ = ["Eventsourcingopslag", "bouw_opslag"]
