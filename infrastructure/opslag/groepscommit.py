"""Group commit: the events of concurrent commands stored in one transaction.

Every PostgreSQL `save` takes an EXCLUSIVE lock on the events table and waits for its
commit to reach the disk, so saves queue behind each other. Here the first command to
arrive stores its events at once; commands that arrive meanwhile queue up and the next
one to go stores all of them in one `save`: one lock and one fsync for the group. In
eventsourcing 9.5.6 one failed insert aborts the whole `save`, so a group that fails on
a conflict is stored one by one, and only the command that really lost the race gets
the IntegrityError (and retries on fresh state).

Requests come from threads (`bewaar`) or from the API's event loop (`bewaar_async`),
which must not block on a save: the group commit's writer thread leads for it, or, where
the database allows an async save (PostgreSQL, `op_lus`), the loop stores its requests
itself, a group at a time.

Stopping (`sluit`) refuses new requests (`OpslagGesloten`) and waits, bounded, for the
groups in progress and queued. A caller on a loop cancelled while its save is under way
waits for that save and gets what really happened; cancelled before a save took its
request, it is withdrawn and nothing of it is stored.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.poorten import Bewaar, OpslagGesloten, Stappen
from infrastructure.opslag.stappen import voer_uit, voer_uit_async
from infrastructure.opslag.verzoek import Verzoek, afgebroken, rond_af

# A save of events (and request keys) in one transaction: each event's log position.
Opslaan = Callable[[Sequence[Any], Sequence[UUID]], list[int]]
OpslaanOpLus = Callable[[Sequence[Any], Sequence[UUID]], Awaitable[list[int]]]
# How long `sluit` waits for the saves in progress and queued (seconds).
SLUITTIJD = 30.0


class GroepsCommit:
    """Stores lists of domain events; concurrent callers share one transaction.

    `opslaan` stores domain events and request keys in one transaction and answers
    each event's log position (infrastructure/opslag/adapter.py). `max_groep` bounds one transaction, so
    a burst cannot hold the table lock for long. A leader stores one group, its own, and
    hands the lead to the first request still waiting (or, if that one came from an event
    loop, to the writer thread): no request waits for more than the group before it.
    """

    def __init__(self, opslaan: Opslaan, *, max_groep: int = 64) -> None:
        self._opslaan = opslaan
        self._max_groep = max_groep
        self._slot = threading.Lock()
        # Notified when nothing is being stored any more (for `sluit`).
        self._stil = threading.Condition(self._slot)
        self._gesloten = False
        self._wachtrij: list[Verzoek] = []
        self._bezig = False
        self._schrijver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="groepscommit")
        # Set by `op_lus`: the event loop whose requests are stored on that loop itself,
        # and how.
        self._op_lus: tuple[asyncio.AbstractEventLoop, OpslaanOpLus] | None = None
        self._lus_rij: list[Verzoek] = []
        self._lus_schrijver: asyncio.Task[None] | None = None
        # For the benchmark and the tests: how many saves served how many commands.
        self.transacties = 0
        self.opdrachten = 0

    def bewaar(self, gebeurtenissen: Sequence[Any], sleutels: Sequence[UUID] = ()) -> list[int]:
        """Store the events of one command; returns their log positions, or raises what
        storing them alone would have raised (IntegrityError on a lost race)."""
        verzoek = Verzoek(gebeurtenissen, sleutels)
        if not self._sluit_aan(verzoek):
            assert verzoek.wakker is not None
            verzoek.wakker.wait()
        if not verzoek.klaar:
            self._leid()
        if verzoek.fout is not None:
            raise verzoek.fout
        assert verzoek.posities is not None
        return verzoek.posities

    async def bewaar_async(
        self, gebeurtenissen: Sequence[Any], sleutels: Sequence[UUID] = ()
    ) -> list[int]:
        """`bewaar` for a caller on an event loop: awaits, never blocks the loop."""
        lus = asyncio.get_running_loop()
        verzoek = Verzoek(gebeurtenissen, sleutels, toekomst=lus.create_future())
        if self._op_lus is not None and self._op_lus[0] is lus:
            if self._gesloten:
                raise OpslagGesloten
            self._lus_rij.append(verzoek)
            if self._lus_schrijver is None:
                self._lus_schrijver = lus.create_task(self._schrijf_op_lus(self._op_lus[1]))
        elif self._sluit_aan(verzoek):
            self._laat_schrijver_leiden()
        return await self._uitkomst(verzoek)

    async def _uitkomst(self, verzoek: Verzoek) -> list[int]:
        """What became of the request. A caller cancelled while its save is under way is
        not told "failed" before anyone knows: it gets the save's real outcome (after an
        IntegrityError the command checks its own key), and the cancellation is dropped."""
        geannuleerd = 0
        while True:
            toekomst = verzoek.toekomst
            assert toekomst is not None
            try:
                # Not shielded (that costs every command): a cancellation cancels this
                # future, and the outcome then comes in a new one or is already here.
                posities = await toekomst
                break
            except asyncio.CancelledError:
                if self._trek_terug(verzoek):
                    raise  # not yet taken into a save: nothing of it is stored
                geannuleerd += 1
                if toekomst.cancelled():
                    if verzoek.posities is not None or verzoek.fout is not None:
                        posities = None  # decided already: read below
                        break
                    verzoek.toekomst = asyncio.get_running_loop().create_future()
        if geannuleerd and (taak := asyncio.current_task()) is not None:
            for _ in range(geannuleerd):
                taak.uncancel()
        if posities is None:
            if verzoek.fout is not None:
                raise verzoek.fout
            posities = verzoek.posities or []
        return posities

    def _trek_terug(self, verzoek: Verzoek) -> bool:
        """Take a request that no save has taken yet out of its queue."""
        if verzoek in self._lus_rij:  # only touched on its loop, as here
            self._lus_rij.remove(verzoek)
            return True
        with self._slot:
            if verzoek in self._wachtrij:
                self._wachtrij.remove(verzoek)
                return True
        return False

    def op_lus(self, opslaan: OpslaanOpLus | None) -> None:
        """From now on (None: no longer) the running loop's requests are stored on that
        loop by `opslaan`, an async save: no hand-over to the writer thread, which under
        load waited for the GIL while the loop served requests (bench/README.md)."""
        self._op_lus = (asyncio.get_running_loop(), opslaan) if opslaan is not None else None

    async def op_lus_gestopt(self) -> None:
        """`op_lus(None)` for the running loop (not for another loop that took over since),
        once its saves in progress are done: shielded, so that a shutdown cancelled
        meanwhile does not cut a save off halfway."""
        schrijver = self._lus_schrijver
        if self._op_lus is not None and self._op_lus[0] is asyncio.get_running_loop():
            self.op_lus(None)
        if schrijver is not None:
            await asyncio.shield(schrijver)

    async def _schrijf_op_lus(self, opslaan: OpslaanOpLus) -> None:
        try:
            while self._lus_rij:
                groep = self._lus_rij[: self._max_groep]
                del self._lus_rij[: self._max_groep]
                try:
                    await voer_uit_async(self._groep_stappen(groep), opslaan)
                finally:
                    afgebroken(groep)
                    for verzoek in groep:
                        verzoek.los_op()
        finally:
            # Only when the writer itself was cancelled or broke: nobody waits forever.
            gestrand, self._lus_rij = self._lus_rij, []
            afgebroken(gestrand)
            for verzoek in gestrand:
                verzoek.los_op()
            with self._slot:
                self._lus_schrijver = None
                self._stil.notify_all()

    def _sluit_aan(self, verzoek: Verzoek) -> bool:
        """Queue the request; True when nobody is storing, so it must lead."""
        with self._slot:
            if self._gesloten:
                raise OpslagGesloten
            self._wachtrij.append(verzoek)
            leider = not self._bezig
            self._bezig = True
        return leider

    def sluit(self, wachttijd: float = SLUITTIJD) -> None:
        """Refuse new requests, and let the groups in progress and queued be stored first
        (at most `wachttijd` seconds; what is still queued then is refused: nothing of it
        was stored). The saves on a loop are waited for unless called on that loop."""
        try:
            hier: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            hier = None
        lus = self._lus_schrijver.get_loop() if self._lus_schrijver is not None else None
        # Waiting on the writer's own loop, or on a loop that is gone, would be in vain.
        op_lus = lus is not None and lus is not hier and not lus.is_closed()
        with self._slot:
            self._gesloten = True
            stil = self._stil.wait_for(
                lambda: not self._bezig and not (op_lus and self._lus_schrijver is not None),
                wachttijd,
            )
            gestrand, self._wachtrij = self._wachtrij, []
        self._weiger(gestrand)
        self._schrijver.shutdown(wait=stil)

    @staticmethod
    def _weiger(verzoeken: list[Verzoek]) -> None:
        for verzoek in verzoeken:
            verzoek.fout = OpslagGesloten()
        rond_af(verzoeken)

    def _laat_schrijver_leiden(self) -> None:
        try:
            self._schrijver.submit(self._leid)
        except RuntimeError:  # stopped after its time was up: nobody is left to store
            with self._slot:
                gestrand, self._wachtrij, self._bezig = self._wachtrij, [], False
            self._weiger(gestrand)

    def _leid(self) -> None:
        # A leader is at the head of the queue, so the group it takes holds its own request
        # (the writer thread leads for the request from an event loop at the head).
        with self._slot:
            groep = self._wachtrij[: self._max_groep]
            del self._wachtrij[: self._max_groep]
        try:
            voer_uit(self._groep_stappen(groep), self._opslaan)
        finally:
            afgebroken(groep)
            rond_af(groep)
            self._geef_door()

    def _geef_door(self) -> None:
        with self._slot:
            if not self._wachtrij:
                self._bezig = False
                self._stil.notify_all()
                return
            kop = self._wachtrij[0]
            if kop.wakker is not None:
                kop.wakker.set()  # woken but not `klaar`: it leads
                return
        self._laat_schrijver_leiden()

    def _groep_stappen(self, groep: list[Verzoek]) -> Stappen[None]:
        """A group stored as steps (application/poorten.py; here a `Bewaar` answers each
        event's position), so that the writer thread and the event loop store it alike:
        in one save, or one by one after a conflict."""
        if len(groep) > 1:
            try:
                posities = yield Bewaar(
                    [g for v in groep for g in v.gebeurtenissen],
                    [s for v in groep for s in v.sleutels],
                )
            except IntegrityError:
                pass  # someone in the group lost a race: find out who, one by one
            except Exception as fout:
                # Not a conflict (the database is away, ...): every member fails alike,
                # exactly as each would have failed alone.
                for verzoek in groep:
                    verzoek.fout = fout
                return
            else:
                self._verdeel(groep, posities)
                return
        for verzoek in groep:
            try:
                verzoek.posities = yield Bewaar(verzoek.gebeurtenissen, verzoek.sleutels)
            except Exception as fout:
                verzoek.fout = fout
            self.transacties += 1
            self.opdrachten += 1

    def _verdeel(self, groep: list[Verzoek], posities: list[int]) -> None:
        # Positions come back in the order the events went in.
        begin = 0
        for verzoek in groep:
            einde = begin + len(verzoek.gebeurtenissen)
            verzoek.posities = posities[begin:einde]
            begin = einde
        self.transacties += 1
        self.opdrachten += len(groep)
