"""Group commit: the events of concurrent commands stored in one transaction.

Every PostgreSQL `save` takes an EXCLUSIVE lock on the events table and waits for its own
commit to reach the disk, so saves queue behind each other however many threads there
are. Here the first command to arrive stores its events at once (no added wait); commands
that arrive meanwhile queue up and the next one to go stores all of them in one `save`:
one lock and one fsync for the whole group. Each command still did its own rule checks on
the state it loaded. In eventsourcing 9.5.6 one failed insert aborts the whole `save`, so
when a group fails on a conflict (two commands on the same file, or the same idempotency
key) its members are stored one by one, and only the command that really lost the race
gets the IntegrityError (and retries on fresh state).

Requests come from threads (`bewaar`) or from the API's event loop (`bewaar_async`),
which must not block on a save: when such a request would lead, the group commit's own
writer thread stores the group instead, and the loop's requests get their outcome as
a future resolved on their loop. Where the database allows an async save (PostgreSQL),
the API hands its loop one (`op_lus`): that loop's requests are then stored on the loop
itself, a group at a time, without the writer thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError, Recording

from application.stappen import Bewaar, Stappen, voer_uit, voer_uit_async

Opslaan = Callable[..., list[Recording[Any]]]
OpslaanOpLus = Callable[[Sequence[Any]], Awaitable[list[Recording[Any]]]]


@dataclass(eq=False)
class _Verzoek:
    gebeurtenissen: Sequence[Any]
    # For a request from an event loop: resolved there instead of waking a thread.
    toekomst: asyncio.Future[list[Recording[Any]]] | None = None
    klaar: bool = False
    opnames: list[Recording[Any]] | None = None
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
        if toekomst is None or toekomst.cancelled():
            return  # the caller went away (its events were stored all the same)
        if self.fout is not None:
            toekomst.set_exception(self.fout)
        else:
            toekomst.set_result(self.opnames or [])


def _rond_af(groep: Sequence[_Verzoek]) -> None:
    """Wake a group's threads, and hand its loops their outcomes: one call per loop for
    the whole group, not one per request (each call wakes that loop from its poll)."""
    per_lus: dict[asyncio.AbstractEventLoop, list[_Verzoek]] = {}
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
            lus.call_soon_threadsafe(_los_op, verzoeken)


def _afgebroken(groep: Sequence[_Verzoek]) -> None:
    # Whatever happened while storing, nobody is left waiting forever.
    for verzoek in groep:
        if verzoek.opnames is None and verzoek.fout is None:
            verzoek.fout = RuntimeError("groepscommit afgebroken")


def _los_op(verzoeken: list[_Verzoek]) -> None:
    for verzoek in verzoeken:
        verzoek.los_op()


class GroepsCommit:
    """Stores lists of domain events; concurrent callers share one transaction.

    `opslaan` is the application's `save` (it accepts domain events as well as
    aggregates). `max_groep` bounds one transaction, so a burst cannot hold the table
    lock for long. A leader stores one group, its own, and hands the lead to the first
    request still waiting (or, if that one came from an event loop, to the writer
    thread): no request waits for more than the group before it.
    """

    def __init__(self, opslaan: Opslaan, *, max_groep: int = 64) -> None:
        self._opslaan = opslaan
        self._max_groep = max_groep
        self._slot = threading.Lock()
        self._wachtrij: list[_Verzoek] = []
        self._bezig = False
        self._schrijver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="groepscommit")
        # Set by `op_lus`: the event loop whose requests are stored on that loop itself,
        # and how.
        self._op_lus: tuple[asyncio.AbstractEventLoop, OpslaanOpLus] | None = None
        self._lus_rij: list[_Verzoek] = []
        self._lus_schrijver: asyncio.Task[None] | None = None
        # For the benchmark and the tests: how many saves served how many commands.
        self.transacties = 0
        self.opdrachten = 0

    def bewaar(self, gebeurtenissen: Sequence[Any]) -> list[Recording[Any]]:
        """Store the events of one command; returns their recordings, or raises what
        storing them alone would have raised (IntegrityError on a lost race)."""
        verzoek = _Verzoek(gebeurtenissen)
        if not self._sluit_aan(verzoek):
            assert verzoek.wakker is not None
            verzoek.wakker.wait()
        if not verzoek.klaar:
            self._leid()
        if verzoek.fout is not None:
            raise verzoek.fout
        assert verzoek.opnames is not None
        return verzoek.opnames

    async def bewaar_async(self, gebeurtenissen: Sequence[Any]) -> list[Recording[Any]]:
        """`bewaar` for a caller on an event loop: awaits, never blocks the loop."""
        lus = asyncio.get_running_loop()
        verzoek = _Verzoek(gebeurtenissen, toekomst=lus.create_future())
        if self._op_lus is not None and self._op_lus[0] is lus:
            self._lus_rij.append(verzoek)
            if self._lus_schrijver is None:
                self._lus_schrijver = lus.create_task(self._schrijf_op_lus(self._op_lus[1]))
        elif self._sluit_aan(verzoek):
            self._schrijver.submit(self._leid)
        assert verzoek.toekomst is not None
        return await verzoek.toekomst

    def op_lus(self, opslaan: OpslaanOpLus | None) -> None:
        """From now on (None: no longer) the running event loop's requests are stored on
        that loop by `opslaan`, an async save (over an async database connection): no
        writer thread and no hand-over to it and back, and the GIL does not change hands
        for a save. Under load the writer thread waited milliseconds for the GIL while
        the loop served requests, and a command waited for its save as long
        (bench/README.md). Still one save at a time: requests that arrive meanwhile form
        the next group."""
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
                    _afgebroken(groep)
                    for verzoek in groep:
                        verzoek.los_op()
        finally:
            self._lus_schrijver = None
            # Only when the writer itself was cancelled or broke: nobody waits forever.
            gestrand, self._lus_rij = self._lus_rij, []
            _afgebroken(gestrand)
            for verzoek in gestrand:
                verzoek.los_op()

    def _sluit_aan(self, verzoek: _Verzoek) -> bool:
        """Queue the request; True when nobody is storing, so it must lead."""
        with self._slot:
            self._wachtrij.append(verzoek)
            leider = not self._bezig
            self._bezig = True
        return leider

    def sluit(self) -> None:
        self._schrijver.shutdown(wait=True)

    def _leid(self) -> None:
        # A leader is at the head of the queue, so the group it takes holds its own request
        # (the writer thread leads for the request from an event loop at the head).
        with self._slot:
            groep = self._wachtrij[: self._max_groep]
            del self._wachtrij[: self._max_groep]
        try:
            voer_uit(
                self._groep_stappen(groep), lambda gebeurtenissen: self._opslaan(*gebeurtenissen)
            )
        finally:
            _afgebroken(groep)
            _rond_af(groep)
            self._geef_door()

    def _geef_door(self) -> None:
        with self._slot:
            if not self._wachtrij:
                self._bezig = False
                return
            kop = self._wachtrij[0]
            if kop.wakker is not None:
                kop.wakker.set()  # woken but not `klaar`: it leads
                return
        self._schrijver.submit(self._leid)

    def _groep_stappen(self, groep: list[_Verzoek]) -> Stappen[None]:
        """A group stored as steps (application/stappen.py), so that the writer thread and
        the event loop store it alike: in one save, or one by one after a conflict."""
        if len(groep) > 1:
            try:
                opnames = yield Bewaar([g for v in groep for g in v.gebeurtenissen])
            except IntegrityError:
                pass  # someone in the group lost a race: find out who, one by one
            except Exception as fout:
                # Not a conflict (the database is away, ...): every member fails alike,
                # exactly as each would have failed alone.
                for verzoek in groep:
                    verzoek.fout = fout
                return
            else:
                self._verdeel(groep, opnames)
                return
        for verzoek in groep:
            try:
                verzoek.opnames = yield Bewaar(verzoek.gebeurtenissen)
            except Exception as fout:
                verzoek.fout = fout
            self.transacties += 1
            self.opdrachten += 1

    def _verdeel(self, groep: list[_Verzoek], opnames: list[Recording[Any]]) -> None:
        # Recordings come back in the order the events went in.
        begin = 0
        for verzoek in groep:
            einde = begin + len(verzoek.gebeurtenissen)
            verzoek.opnames = opnames[begin:einde]
            begin = einde
        self.transacties += 1
        self.opdrachten += len(groep)
