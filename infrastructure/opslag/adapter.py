"""The storage port (application/poorten.py) on eventsourcing: the one place that holds
the library's application, recorder and mapper, the group commit, the save on the event
loop, the one aggregate cache, and closing them.

eventsourcing's `Application.save` is used as it is for the saves in a thread. On the
event loop (PostgreSQL's recorder can save there: infrastructure/pg_recorder.py) a save
is what the library's `save` does for domain events when no snapshots are configured:
map each event, insert them with the recorder. Snapshots are therefore refused here. The
library's own aggregate cache is off (`infrastructure/persistence.py`): this adapter's
`Dossiercache` is the one cache.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast, runtime_checkable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, StoredEvent

from application.poorten import PlaatsBezet, Stappen
from domain.casus import Casus
from infrastructure.opslag.cache import Dossiercache
from infrastructure.opslag.groepscommit import GroepsCommit
from infrastructure.opslag.stappen import voer_uit, voer_uit_async

T = TypeVar("T")


@runtime_checkable
class OpslaanOpLus(Protocol):
    """A recorder that can also save on an event loop (infrastructure/pg_recorder.py)."""

    async def insert_events_async(
        self, stored_events: Sequence[StoredEvent], verzoeken: Sequence[UUID] = ()
    ) -> list[int]: ...

    async def sluit_async(self) -> None: ...


@runtime_checkable
class Verzoeksleutels(Protocol):
    """A recorder that stores a save's request keys in the same transaction as its events
    (infrastructure/pg_recorder.py). Where a save can commit while its reply is lost, the
    library's retry then fails on the command's own (file, version) key; the command asks
    here whether that commit was its own. SQLite has none: its save is a call in this
    process, whose outcome is never lost."""

    def positie_van_verzoek(
        self, sleutel: UUID, originator_id: UUID, versie: int
    ) -> int | None: ...


class Gebeurtenislog(Application[UUID]):
    """eventsourcing's application over the events table, configured by the environment
    that `infrastructure.persistence.eventsourcing_env` builds."""

    name = "Zorgroute"


class Eventsourcingopslag:
    """`Dossieropslag` on eventsourcing 9.5.6."""

    def __init__(
        self, env: Mapping[str, str], *, cache_grootte: int = 2000, max_groep: int = 64
    ) -> None:
        self.app = Gebeurtenislog(env=env)
        if self.app.snapshots is not None:
            raise ValueError("snapshots worden niet ondersteund: de opslag op de lus mist ze")
        self.recorder = self.app.recorder
        self.mapper = self.app.mapper
        self._cache = Dossiercache(cache_grootte)
        self.groepscommit = GroepsCommit(self._opslaan, max_groep=max_groep)
        recorder = self.recorder
        self._verzoeksleutels = recorder if isinstance(recorder, Verzoeksleutels) else None
        self._op_lus = recorder if isinstance(recorder, OpslaanOpLus) else None

    # ---- the steps of a command --------------------------------------------------------

    def voer_uit(self, stappen: Stappen[T]) -> T:
        return voer_uit(stappen, self._bewaar)

    async def voer_uit_async(self, stappen: Stappen[T]) -> T:
        return await voer_uit_async(stappen, self._bewaar_async)

    def _bewaar(self, gebeurtenissen: Sequence[Any], sleutels: Sequence[UUID]) -> int:
        try:
            posities = self.groepscommit.bewaar(gebeurtenissen, sleutels)
        except IntegrityError as fout:
            raise PlaatsBezet from fout
        return max(posities, default=0)

    async def _bewaar_async(self, gebeurtenissen: Sequence[Any], sleutels: Sequence[UUID]) -> int:
        try:
            posities = await self.groepscommit.bewaar_async(gebeurtenissen, sleutels)
        except IntegrityError as fout:
            raise PlaatsBezet from fout
        return max(posities, default=0)

    def _opslaan(self, gebeurtenissen: Sequence[Any], sleutels: Sequence[UUID]) -> list[int]:
        """One transaction, by the library's own `save` (request keys where kept)."""
        if sleutels and self._verzoeksleutels is not None:
            opnames = self.app.save(*gebeurtenissen, verzoeken=sleutels)
        else:
            opnames = self.app.save(*gebeurtenissen)
        return [o.notification.id for o in opnames]

    async def _opslaan_op_lus(
        self, gebeurtenissen: Sequence[Any], sleutels: Sequence[UUID]
    ) -> list[int]:
        assert self._op_lus is not None  # only handed over by `open_op_lus`
        opgeslagen = [self.mapper.to_stored_event(e) for e in gebeurtenissen]
        return await self._op_lus.insert_events_async(opgeslagen, sleutels)

    async def open_op_lus(self) -> None:
        """Store the commands of the running event loop (the API's) on that loop, where
        the recorder can (PostgreSQL); otherwise they keep the group commit's thread."""
        if self._op_lus is not None:
            self.groepscommit.op_lus(self._opslaan_op_lus)

    async def sluit_op_lus(self) -> None:
        """Undo `open_op_lus`, after the saves in progress (on the same loop)."""
        await self.groepscommit.op_lus_gestopt()
        if self._op_lus is not None:
            await self._op_lus.sluit_async()

    # ---- files -------------------------------------------------------------------------

    def neem_kopie(self, casus_id: UUID) -> Casus | None:
        return self._cache.neem(casus_id)

    def leg_terug(self, casus: Casus) -> None:
        self._cache.leg_terug(casus)

    def laad(self, aggregaat_id: UUID, *, om_te_wijzigen: bool = False) -> object | None:
        return self._cache.laad(
            aggregaat_id,
            uit_de_opslag=self._uit_de_opslag,
            bijwerken=self._bijwerken,
            om_te_wijzigen=om_te_wijzigen,
        )

    def _uit_de_opslag(self, aggregaat_id: UUID) -> object | None:
        try:
            return self.app.repository.get(aggregaat_id)
        except AggregateNotFoundError:
            return None

    def _bijwerken(self, casus: Casus) -> Casus:
        """A kept copy with the events stored since (by any process) applied."""
        for opgeslagen in self.recorder.select_events(casus.id, gt=casus.version):
            gebeurtenis = cast(Casus.Event, self.mapper.to_domain_event(opgeslagen))
            casus = cast(Casus, gebeurtenis.mutate(casus))
        return casus

    def gebeurtenissen(
        self, casus_id: UUID, *, tot_versie: int | None = None
    ) -> Iterator[Casus.Event]:
        for opgeslagen in self.recorder.select_events(casus_id, lte=tot_versie):
            yield cast(Casus.Event, self.mapper.to_domain_event(opgeslagen))

    def positie_van_verzoek(self, sleutel: UUID, casus_id: UUID, versie: int) -> int | None:
        if self._verzoeksleutels is None:
            return None
        return self._verzoeksleutels.positie_van_verzoek(sleutel, casus_id, versie)

    def einde(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    def gereed(self) -> bool:
        try:
            self.recorder.max_notification_id()
        except Exception:
            return False
        return True

    def sluit(self) -> None:
        self.groepscommit.sluit()
        self.app.close()
