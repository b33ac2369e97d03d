"""Reads the application's event log in batches and turns it into `Wijziging`s.

The file's state before and after each event comes from replaying the domain's own
effects on a cached aggregate; a cache miss (after a restart, or an evicted file) is
filled from the event store at exactly the version before the event, so the result does
not depend on what happened to be cached. The state after one event is the state before
the file's next one, so it is computed once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, cast

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from domain.casus import Casus
from projections.basis import Wijziging, details_van, stand_van


def is_casus_topic(topic: str) -> bool:
    return topic.startswith("zorgroute:") and not topic.startswith("zorgroute:Idempotentie")


class _Dossier:
    """A cached file: the aggregate, its structural fields, and reusable JSON."""

    __slots__ = ("bewaard", "casus", "stand")

    def __init__(self, casus: Casus | None, stand: dict[str, Any]) -> None:
        self.casus = casus
        self.stand = stand
        self.bewaard: dict[str, Any] = {}


class Volger:
    def __init__(self, app: Application[Any], cache_grootte: int = 20_000) -> None:
        self.app = app
        self._cache: OrderedDict[Any, _Dossier] = OrderedDict()
        self._cache_grootte = cache_grootte

    def _laad(self, casus_id: Any, versie: int) -> Casus:
        return cast(Casus, self.app.repository.get(casus_id, version=versie))

    def laatste_positie(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def lees(self, na: int, limiet: int) -> tuple[list[Wijziging], int]:
        """Changes after position `na` (at most `limiet` log entries) and the last position
        read, which may be past the last change (other aggregates' events advance it too)."""
        notificaties = self.app.recorder.select_notifications(
            start=na + 1, limit=limiet, inclusive_of_start=True
        )
        laatste = notificaties[-1].id if notificaties else na
        return self.wijzigingen((n.id, n) for n in notificaties), laatste

    def wijzigingen(self, notificaties: Iterable[tuple[int, StoredEvent]]) -> list[Wijziging]:
        """The changes for these (position, stored event) pairs, in log order."""
        naar_gebeurtenis = self.app.mapper.to_domain_event
        pas_toe = self._pas_toe
        return [
            pas_toe(positie, naar_gebeurtenis(opgeslagen))  # type: ignore[arg-type]
            for positie, opgeslagen in notificaties
            if is_casus_topic(opgeslagen.topic)
        ]

    def _pas_toe(self, positie: int, gebeurtenis: Casus.Event) -> Wijziging:
        casus_id = gebeurtenis.originator_id
        versie = gebeurtenis.originator_version
        dossier = self._cache.pop(casus_id, None)
        if dossier is None or dossier.casus is None or dossier.casus.version != versie - 1:
            voor_casus = self._laad(casus_id, versie - 1) if versie > 1 else None
            dossier = _Dossier(voor_casus, stand_van(voor_casus))
        voor = dossier.stand
        na_casus = cast(Casus, gebeurtenis.mutate(dossier.casus))
        dossier.casus = na_casus
        dossier.stand = na = stand_van(na_casus)
        self._cache[casus_id] = dossier
        if len(self._cache) > self._cache_grootte:
            self._cache.popitem(last=False)
        return Wijziging(positie, gebeurtenis, voor, na, details_van(na_casus, dossier.bewaard))
