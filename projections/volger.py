"""Reads the application's event log in batches and turns it into `Wijziging`s.

The file's state before and after each event comes from replaying the domain's own
effects on a cached aggregate; a cache miss (after a restart, or an evicted file) is
filled from the event store at exactly the version before the event, so the result does
not depend on what happened to be cached.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, cast

from eventsourcing.application import Application

from domain.casus import Casus
from projections.basis import Wijziging, details_van, stand_van


class Volger:
    def __init__(self, app: Application[Any], cache_grootte: int = 20_000) -> None:
        self.app = app
        self._cache: OrderedDict[Any, Casus] = OrderedDict()
        self._cache_grootte = cache_grootte

    def laatste_positie(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def lees(self, na: int, limiet: int) -> tuple[list[Wijziging], int]:
        """Changes after position `na` (at most `limiet` log entries) and the last position
        read, which may be past the last change (other aggregates' events advance it too)."""
        notificaties = self.app.recorder.select_notifications(
            start=na + 1, limit=limiet, inclusive_of_start=True
        )
        wijzigingen: list[Wijziging] = []
        laatste = na
        for notificatie in notificaties:
            laatste = notificatie.id
            if not notificatie.topic.startswith("zorgroute:") or notificatie.topic.startswith(
                "zorgroute:Idempotentie"
            ):
                continue
            gebeurtenis = cast(Casus.Event, self.app.mapper.to_domain_event(notificatie))
            wijzigingen.append(self._pas_toe(notificatie.id, gebeurtenis))
        return wijzigingen, laatste

    def _pas_toe(self, positie: int, gebeurtenis: Casus.Event) -> Wijziging:
        casus_id = gebeurtenis.originator_id
        versie = gebeurtenis.originator_version
        voor_casus = self._cache.pop(casus_id, None)
        if voor_casus is not None and voor_casus.version != versie - 1:
            voor_casus = None
        if voor_casus is None and versie > 1:
            voor_casus = cast(Casus, self.app.repository.get(casus_id, version=versie - 1))
        voor = stand_van(voor_casus)
        na_casus = cast(Casus, gebeurtenis.mutate(voor_casus))
        self._cache[casus_id] = na_casus
        if len(self._cache) > self._cache_grootte:
            self._cache.popitem(last=False)
        return Wijziging(
            positie=positie,
            gebeurtenis=gebeurtenis,
            voor=voor,
            na=stand_van(na_casus),
            details=details_van(na_casus),
        )

    def vergeet(self) -> None:
        self._cache.clear()
