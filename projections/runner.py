"""Keeps every view up to date with the event log, exactly once.

Each projection commits its rows and its position in one transaction, so a process
killed at any point resumes where the last commit left it: nothing missed, nothing
counted twice. A projection whose handler fails stops alone (status `gestopt`, with the
failing position and error); the others go on. On PostgreSQL the runner wakes on
LISTEN/NOTIFY (listening only while idle: under load it reads again after each pause) and
also polls on a short timer, so a lost notification never stalls a view;
SQLite cannot notify, so there it polls (and an in-process API wakes it after a save).
The log is read through its port (`application/gebeurtenislog.py`), the positions kept in
`projectie_status` (`projections/projectie_status.py`).

Why not eventsourcing's own ProjectionRunner: it follows the log through
`recorder.subscribe()`, which the SQLite recorder does not have, and it commits one event
per transaction; this runner reads the log in batches, computes each file's state once
for all views, and commits a batch of every view with each view's position in one
transaction (one view at a time when a handler fails, so only that view stops).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import structlog

from application.gebeurtenislog import Gebeurtenislog, Meldend
from projections import projectie_status
from projections.basis import Projectie, Wijziging
from projections.opslag import DATABASEFOUTEN, Cursor, Opslag
from projections.volger import Volger
from projections.wekker import Wekker

log = structlog.get_logger("zorgroute.projecties")


class _Verschoven(Exception):
    """A view moved on meanwhile (a rebuild swapped in): let each view go alone."""


# The pause after a round grows by this per event the round read (what it saved of the
# projector's CPU: bench/GESCHIEDENIS.md).
PAUZE_PER_GEBEURTENIS = 0.004


class Projectierunner:
    def __init__(
        self,
        gebeurtenislog: Gebeurtenislog,
        opslag: Opslag,
        projecties: Sequence[Projectie],
        *,
        batch: int = 1000,
        poll_seconden: float = 0.5,
        min_pauze: float = 0.02,
        max_pauze: float = 0.1,
        naast: Sequence[Callable[[threading.Event], threading.Thread | None]] = (),
    ) -> None:
        self.gebeurtenislog = gebeurtenislog
        # Duties that run beside the views while the runner runs (the sealer): each makes
        # its thread, or None, given the runner's stop signal.
        self._naast = tuple(naast)
        self.opslag = opslag
        self.projecties = {p.naam: p for p in projecties}
        self.batch = batch
        # A rebuild writes fresh tables nobody reads yet: bigger transactions are fine.
        self.herbouw_batch = max(batch, 5000)
        self.poll_seconden = poll_seconden
        # Under a stream of commands every wake-up would handle one or two events, while
        # a round has a fixed cost (a transaction, the views' positions): after a round
        # the next waits `min_pauze`, longer the more the round found (up to `max_pauze`),
        # so a steady stream gathers into batches of tens of events while a lone command
        # is seen at once. After a quiet spell a round starts at once.
        self.min_pauze = min_pauze
        self.max_pauze = max(max_pauze, min_pauze)
        self._volger = Volger(gebeurtenislog)
        self._stop = threading.Event()
        self._wekker = Wekker(self._stop)
        self._draden: list[threading.Thread] = []
        self._verwerk_slot = threading.Lock()

    # ---- set-up ----------------------------------------------------------------------

    def installeer(self) -> None:
        projectie_status.installeer(self.opslag, list(self.projecties.values()))

    def hervat_gestopte(self) -> None:
        """A restart retries stopped projections from their failing position."""
        projectie_status.hervat_gestopte(self.opslag)

    # ---- the loop --------------------------------------------------------------------

    def start(self) -> None:
        self.installeer()
        self.hervat_gestopte()
        self._stop.clear()
        self._wekker.begin()
        hoofd = threading.Thread(target=self._lus, name="projecties", daemon=True)
        self._draden = [hoofd]
        if isinstance(self.gebeurtenislog, Meldend):
            self._draden.append(
                threading.Thread(
                    target=self._wekker.luister,
                    args=(self.gebeurtenislog.meldingen,),
                    name="projecties-listen",
                    daemon=True,
                )
            )
        for maak in self._naast:
            if (draad := maak(self._stop)) is not None:
                self._draden.append(draad)
        for draad in self._draden:
            draad.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wekker.stop()
        for draad in self._draden:
            draad.join(timeout=timeout)
        self._draden = []

    def wek(self, *_: Any) -> None:
        self._wekker.wek()

    def _lus(self) -> None:
        while not self._stop.is_set():
            begin = time.monotonic()
            self._wekker.voor_de_ronde()
            gelezen = 0
            try:
                gelezen = self.verwerk_beschikbaar(tot_het_einde=False)
            except Exception as fout:  # a database outage: log, wait, try again
                log.warning("projecties_fout", fout=type(fout).__name__)
                self._stop.wait(min(5.0, self.poll_seconden * 4))
            if gelezen:
                # Under a stream of commands the next round follows the pause, wake-up or
                # not: nothing needs to listen meanwhile (projections/wekker.py).
                self._wekker.bezig()
                pauze = min(self.max_pauze, self.min_pauze + gelezen * PAUZE_PER_GEBEURTENIS)
                rust = pauze - (time.monotonic() - begin)
                if rust > 0:
                    self._stop.wait(rust)
                continue
            self._wekker.wacht(self.poll_seconden)

    # ---- processing ------------------------------------------------------------------

    def verwerk_beschikbaar(self, *, tot_het_einde: bool = True) -> int:
        """Bring every active projection up to the end of the log; returns events read.

        `tot_het_einde=False` (the loop): stop after the first batch that was not full.
        Under a stream of commands each batch takes a while, and the events that arrive
        meanwhile would otherwise make a second, third, … ever smaller round, each paying
        a round's fixed cost (positions, locks, a statement per view and a commit) for a
        handful of events; the loop's next round, after its pause, takes them in bulk."""
        totaal = 0
        with self._verwerk_slot:
            while not self._stop.is_set():
                posities = self._actieve_posities()
                if not posities:
                    return totaal
                vanaf = min(posities.values())
                wijzigingen, laatste = self._volger.lees(vanaf, self.batch)
                if laatste == vanaf:
                    return totaal
                totaal += laatste - vanaf
                vol = laatste - vanaf >= self.batch
                achter = {n: p for n, p in posities.items() if p < laatste}
                if not self._verwerk_samen(achter, wijzigingen, laatste):
                    for naam, positie in achter.items():
                        self._verwerk(self.projecties[naam], positie, wijzigingen, laatste)
                if not (vol or tot_het_einde):
                    return totaal
        return totaal

    def _verwerk_samen(
        self, posities: dict[str, int], wijzigingen: list[Wijziging], laatste: int
    ) -> bool:
        """Every view's batch in one transaction: one commit (one fsync) instead of one per
        view, each view still with its own position. False when a handler fails: then
        nothing of this attempt is kept and each view goes alone, so that only the failing
        one stops."""
        if len(posities) < 2:
            return False
        try:
            with self.opslag.transactie() as cur:
                if not self._verwerk_in(cur, posities, wijzigingen, laatste):
                    raise _Verschoven
        except DATABASEFOUTEN:
            raise
        except Exception:
            return False
        return True

    def _actieve_posities(self) -> dict[str, int]:
        rijen = projectie_status.posities(self.opslag, actief=True).values()
        return {r["naam"]: int(r["positie"]) for r in rijen if r["naam"] in self.projecties}

    def _verwerk(
        self, projectie: Projectie, verwacht: int, wijzigingen: list[Wijziging], laatste: int
    ) -> None:
        try:
            with self.opslag.transactie() as cur:
                # False: moved on meanwhile (a rebuild swapped in); the next round re-reads.
                self._verwerk_in(cur, {projectie.naam: verwacht}, wijzigingen, laatste)
        except DATABASEFOUTEN:
            raise  # the database, not this projection: the loop waits and tries again
        except Exception:
            self._zoek_gif(projectie, verwacht, [w for w in wijzigingen if w.positie > verwacht])

    def _verwerk_in(
        self, cur: Cursor, posities: dict[str, int], wijzigingen: list[Wijziging], laatste: int
    ) -> bool:
        """In the caller's transaction: each view's share of the batch and its new
        position, if every view still stands where it was read to stand; else False and
        nothing done. One query locks them all and one moves them all: per batch that is
        what a view costs besides its own rows."""
        standen = projectie_status.vergrendel(cur, posities)
        for naam, verwacht in posities.items():
            rij = standen.get(naam)
            if rij is None or rij["status"] != "actief" or int(rij["positie"]) != verwacht:
                return False
        tijdstippen: dict[str | None, list[str]] = {}
        for naam, verwacht in posities.items():
            eigen = [w for w in wijzigingen if w.positie > verwacht]
            self.projecties[naam].verwerk(cur, eigen)
            tijdstippen.setdefault(eigen[-1].tijdstip if eigen else None, []).append(naam)
        for tijdstip, namen in tijdstippen.items():
            projectie_status.verder(cur, laatste, tijdstip, namen)
        return True

    def _zoek_gif(self, projectie: Projectie, vanaf: int, wijzigingen: list[Wijziging]) -> None:
        """Replay the batch one event at a time to commit what is good and stop the
        projection exactly at the event its handler cannot process."""
        for wijziging in wijzigingen:
            try:
                with self.opslag.transactie() as cur:
                    if not self._verwerk_in(
                        cur, {projectie.naam: vanaf}, [wijziging], wijziging.positie
                    ):
                        return
                vanaf = wijziging.positie
            except DATABASEFOUTEN:
                raise
            except Exception as fout:
                # Only the type and message: a handler's error text must not carry pupil data,
                # and our own handlers raise messages without it.
                melding = f"{type(fout).__name__}: {str(fout)[:500]}"
                projectie_status.gestopt(self.opslag, projectie.naam, wijziging.positie, melding)
                log.error(
                    "projectie_gestopt",
                    projectie=projectie.naam,
                    positie=wijziging.positie,
                    fout=type(fout).__name__,
                )
                return
