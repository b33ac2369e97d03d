"""Reads the event log in batches and turns its events into `Wijziging`s.

The file's state before and after each event comes from replaying the domain's own
effects on a cached aggregate; a cache miss (after a restart, or an evicted file) is
filled from the event log at exactly the version before the event, so the result does
not depend on what happened to be cached. The state after one event is the state before
the file's next one, so it is computed once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, cast

from application.gebeurtenislog import Gebeurtenislog
from domain.casus import Casus
from projections.basis import Wijziging, details_van, stand_van


class _Dossier:
    """A cached file: the aggregate, its structural fields, and reusable JSON."""

    __slots__ = ("bewaard", "casus", "stand")

    def __init__(self, casus: Casus | None, stand: dict[str, Any]) -> None:
        self.casus = casus
        self.stand = stand
        self.bewaard: dict[str, Any] = {}


class Volger:
    def __init__(self, gebeurtenislog: Gebeurtenislog, cache_grootte: int = 20_000) -> None:
        self.gebeurtenislog = gebeurtenislog
        self._cache: OrderedDict[Any, _Dossier] = OrderedDict()
        self._cache_grootte = cache_grootte

    def laatste_positie(self) -> int:
        return self.gebeurtenislog.einde()

    def lees(self, na: int, limiet: int) -> tuple[list[Wijziging], int]:
        """Changes after position `na` (at most `limiet` log entries) and the last position
        read, which may be past the last change (other aggregates' events advance it too)."""
        gelezen = self.gebeurtenislog.lees(na, limiet)
        return self.wijzigingen(gelezen.gebeurtenissen), gelezen.laatste

    def wijzigingen(self, gebeurtenissen: Iterable[tuple[int, Casus.Event]]) -> list[Wijziging]:
        """The changes for these (position, event) pairs, in log order."""
        pas_toe = self._pas_toe
        return [pas_toe(positie, gebeurtenis) for positie, gebeurtenis in gebeurtenissen]

    def _pas_toe(self, positie: int, gebeurtenis: Casus.Event) -> Wijziging:
        casus_id = gebeurtenis.originator_id
        versie = gebeurtenis.originator_version
        dossier = self._cache.pop(casus_id, None)
        if dossier is None or dossier.casus is None or dossier.casus.version != versie - 1:
            voor_casus = self.gebeurtenislog.casus(casus_id, versie - 1) if versie > 1 else None
            dossier = _Dossier(voor_casus, stand_van(voor_casus))
        voor = dossier.stand
        na_casus = cast(Casus, gebeurtenis.mutate(dossier.casus))
        dossier.casus = na_casus
        dossier.stand = na = stand_van(na_casus)
        self._cache[casus_id] = dossier
        if len(self._cache) > self._cache_grootte:
            self._cache.popitem(last=False)
        return Wijziging(positie, gebeurtenis, voor, na, details_van(na_casus, dossier.bewaard))
