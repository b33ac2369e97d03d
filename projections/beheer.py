"""Operations on the views: status, waiting for a position, and rebuild-and-swap."""

from __future__ import annotations

import contextlib
import gc
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from application.gebeurtenislog import Gebeurtenislog, Gelezen, Verdeelbaar
from projections import projectie_status
from projections.herbouw_parallel import vul_parallel
from projections.opslag import Cursor
from projections.runner import Projectierunner
from projections.volger import Volger

Voortgang = Callable[[int, int], None]
# A rebuild replays every file: a bigger cache means fewer misses (a miss re-reads the
# file's events), but every cached aggregate stays in memory.
HERBOUW_CACHE = 20_000


def status(runner: Projectierunner) -> list[dict[str, Any]]:
    """Per projection: position, events and seconds behind, status and any error."""
    laatste = runner.gebeurtenislog.einde()
    rijen = projectie_status.alle(runner.opslag)
    kop = runner.gebeurtenislog.tijdstip(laatste)
    resultaat = []
    for rij in rijen:
        if rij["naam"] not in runner.projecties:
            continue
        achter = max(0, laatste - int(rij["positie"]))
        seconden = 0.0
        if achter and kop is not None and rij["tijdstip_laatste"]:
            seconden = max(
                0.0, (kop - datetime.fromisoformat(rij["tijdstip_laatste"])).total_seconds()
            )
        resultaat.append(
            {
                "naam": rij["naam"],
                "positie": int(rij["positie"]),
                "achterstand": achter,
                "seconden_achter": round(seconden, 3),
                "status": rij["status"],
                "fout": rij["fout"],
                "fout_positie": rij["fout_positie"],
                "bijgewerkt_op": rij["bijgewerkt_op"],
            }
        )
    return resultaat


def positie_van(runner: Projectierunner, naam: str) -> int:
    """Where one view stands in the log (for caching what is derived from it)."""
    rij = projectie_status.posities(runner.opslag).get(naam)
    return int(rij["positie"]) if rij else 0


class WeergaveAchter(Exception):
    """A view an answer would rest on is stopped, or did not reach the log's end in time."""


def bij(runner: Projectierunner, positie: int, namen: Iterable[str]) -> bool:
    """True when the named views are active and have processed `positie`: one query,
    and no wake-up of the projector when they have (the common case of every read)."""
    gezocht = set(namen)
    rijen = projectie_status.posities(runner.opslag)
    relevant = [r for n, r in rijen.items() if n in gezocht]
    return len(relevant) == len(gezocht) and all(
        r["status"] == "actief" and int(r["positie"]) >= positie for r in relevant
    )


def wacht_tot(
    runner: Projectierunner,
    positie: int,
    namen: Iterable[str] | None = None,
    timeout: float = 2.0,
) -> bool:
    """True once the named views (default: all) have processed `positie`; False on timeout
    or when one of them has stopped (it will not catch up by waiting)."""
    gezocht = set(namen) if namen is not None else set(runner.projecties)
    einde = time.monotonic() + timeout
    runner.wek()
    while True:
        rijen = projectie_status.posities(runner.opslag)
        relevant = [r for n, r in rijen.items() if n in gezocht]
        if len(relevant) == len(gezocht) and all(int(r["positie"]) >= positie for r in relevant):
            return True
        if any(r["status"] != "actief" for r in relevant) or time.monotonic() >= einde:
            return False
        time.sleep(0.01)


def herbouw(runner: Projectierunner, naam: str, voortgang: Voortgang | None = None) -> int:
    """Rebuild one view; see `herbouw_alle`."""
    return herbouw_alle(runner, [naam], voortgang)


def herbouw_alle(
    runner: Projectierunner,
    namen: Sequence[str] | None = None,
    voortgang: Voortgang | None = None,
    *,
    processen: int = 1,
) -> int:
    """Rebuild views from the first event into fresh tables, then swap each in within one
    transaction, so readers see the old view or the new one, never a half-built one.
    The log is read and decoded once for all of them. With `processen` > 1 (PostgreSQL:
    a `Verdeelbaar` log) the files are shared out over that many processes
    (`herbouw_parallel`). Returns the position reached."""
    gekozen = list(namen) if namen is not None else list(runner.projecties)
    paren = [
        (runner.projecties[n], type(runner.projecties[n])(achtervoegsel="__nieuw")) for n in gekozen
    ]
    with runner.opslag.transactie() as cur:
        for _, nieuw in paren:
            nieuw.verwijder_tabellen(cur)
            nieuw.maak_tabellen(cur, met_indexen=False)  # built once, at the swap
    volger = Volger(runner.gebeurtenislog, cache_grootte=HERBOUW_CACHE)
    # A rebuild churns through millions of short-lived objects next to a large, long-lived
    # cache; the default cyclic-GC thresholds then rescan that cache over and over.
    drempels = gc.get_threshold()
    gc.set_threshold(max(drempels[0], 50_000), *drempels[1:])
    try:
        positie = 0
        log = runner.gebeurtenislog
        if processen > 1 and isinstance(log, Verdeelbaar) and runner.opslag.dialect == "postgres":
            positie = volger.laatste_positie()
            soorten = [type(oud) for oud, _ in paren]
            vul_parallel(
                log, runner.opslag, soorten, "__nieuw", positie, processen, runner.herbouw_batch
            )
            if voortgang is not None:
                voortgang(positie, positie)
        positie = _vul(runner, paren, volger, voortgang, positie)
    finally:
        gc.set_threshold(*drempels)
    for (oud, nieuw), naam in zip(paren, gekozen, strict=True):
        with runner.opslag.transactie(vers=True) as cur:
            projectie_status.vergrendel(cur, [naam])
            # Events that arrived during the rebuild go in under the lock, then the swap.
            bijgewerkt = positie
            while True:
                wijzigingen, laatste = volger.lees(bijgewerkt, runner.herbouw_batch)
                if laatste == bijgewerkt:
                    break
                nieuw.verwerk(cur, wijzigingen)
                bijgewerkt = laatste
            _wissel(cur, oud, nieuw)
            projectie_status.ingewisseld(cur, naam, bijgewerkt)
    if runner.opslag.dialect == "postgres":
        # Fresh tables have no statistics until autovacuum gets round to them (never, where
        # it is off), and the planner then guesses their size: give it the real ones.
        with runner.opslag.transactie() as cur:
            for oud, _ in paren:
                for tabel in oud.tabellen:
                    cur.execute(f"ANALYZE {oud.t(tabel)}")
    return positie


def _vul(
    runner: Projectierunner,
    paren: list[Any],
    volger: Volger,
    voortgang: Voortgang | None,
    positie: int = 0,
) -> int:
    """Fill the fresh tables from `positie` up to the end of the log; returns the
    position reached."""
    while True:
        einde = volger.laatste_positie()
        if einde <= positie:
            return positie
        for gelezen in lees_vooruit(runner.gebeurtenislog, positie, einde, runner.herbouw_batch):
            wijzigingen = volger.wijzigingen(gelezen.gebeurtenissen)
            with runner.opslag.transactie(vers=True) as cur:
                for _, nieuw in paren:
                    nieuw.verwerk(cur, wijzigingen)
            positie = gelezen.laatste
            if voortgang is not None:
                voortgang(positie, max(einde, positie))


def lees_vooruit(log: Gebeurtenislog, na: int, tot: int, batch: int) -> Iterator[Gelezen]:
    """The log in (na, tot] in batches, the next batch read by a thread while the caller
    works on this one: the database and the driver's I/O (which releases the GIL) overlap
    with the views' work."""
    wachtrij: queue.Queue[Any] = queue.Queue(maxsize=2)
    gestopt = threading.Event()

    def lezer() -> None:
        try:
            vanaf = na
            while vanaf < tot and not gestopt.is_set():
                gelezen = log.lees(vanaf, batch, tot=tot)
                if gelezen.laatste == vanaf:
                    break
                vanaf = gelezen.laatste
                wachtrij.put(gelezen)
        except BaseException as fout:  # handed to the caller's thread
            wachtrij.put(fout)
        finally:
            wachtrij.put(None)

    draad = threading.Thread(target=lezer, name="herbouw-lezer", daemon=True)
    draad.start()
    try:
        while (item := wachtrij.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        gestopt.set()
        while draad.is_alive():  # unblock a reader waiting on a full queue
            with contextlib.suppress(queue.Empty):
                wachtrij.get(timeout=0.05)
        draad.join()


def _wissel(cur: Cursor, oud: Any, nieuw: Any) -> None:
    oud.verwijder_tabellen(cur)
    for index in nieuw.indexen:
        cur.execute(f"DROP INDEX IF EXISTS ix_{index}{nieuw.achtervoegsel}")
    for tabel in oud.tabellen:
        cur.execute(f"ALTER TABLE {nieuw.t(tabel)} RENAME TO {oud.t(tabel)}")
    oud.maak_tabellen(cur)  # (re)creates the indexes under their own names
