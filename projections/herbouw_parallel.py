"""Filling a rebuild's fresh tables with several processes, each taking a share of the files.

One Python process is bound by one core (decoding, replaying the domain's effects, the
views' rows: bench/README.md), however fast PostgreSQL is. Every view row belongs to
exactly one file, and a file's state depends only on its own events, so the log can be
split by file: process k of n reads only the events of its share of the files (the log
filters them, so it does not even decode the others) and writes their rows into the same
fresh tables. The caller then brings the tables up to the end of the log and swaps them
in as before.

PostgreSQL only (`Verdeelbaar`): SQLite has one writer at a time, so there the processes
would queue.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from application.gebeurtenislog import Verdeelbaar
from projections.basis import Projectie
from projections.opslag import Opslag
from projections.volger import Volger

# Per process: see beheer.HERBOUW_CACHE (each process caches only its own share).
CACHE_PER_PROCES = 20_000

LogOpener = Callable[[], AbstractContextManager[Verdeelbaar]]


def vul_parallel(
    log: Verdeelbaar,
    opslag: Opslag,
    soorten: Sequence[type[Projectie]],
    achtervoegsel: str,
    tot: int,
    processen: int,
    batch: int,
) -> None:
    """Fill the fresh tables (`achtervoegsel`) of the views of the kinds `soorten` with
    every event up to position `tot`, in `processen` processes. Raises if any of them
    failed."""
    # spawn, not fork: the parent holds connection pools and threads a fork would copy.
    context = multiprocessing.get_context("spawn")
    opdrachten = [
        (log.opener(), opslag.opener(), list(soorten), achtervoegsel, tot, deel, processen, batch)
        for deel in range(processen)
    ]
    with context.Pool(processen) as pool:
        pool.starmap(_vul_deel, opdrachten)


def _vul_deel(
    open_log: LogOpener,
    open_opslag: Callable[[], Opslag],
    soorten: list[type[Projectie]],
    achtervoegsel: str,
    tot: int,
    deel: int,
    delen: int,
    batch: int,
) -> int:
    gc.set_threshold(50_000, *gc.get_threshold()[1:])  # see beheer.herbouw_alle
    projecties = [soort(achtervoegsel=achtervoegsel) for soort in soorten]
    opslag = open_opslag()
    verwerkt = 0
    try:
        with open_log() as log:
            volger = Volger(log, cache_grootte=CACHE_PER_PROCES)
            positie = 0
            while positie < tot:
                gelezen = log.lees_deel(positie, tot, deel, delen, batch)
                if gelezen.laatste == positie:
                    break
                positie = gelezen.laatste
                wijzigingen = volger.wijzigingen(gelezen.gebeurtenissen)
                with opslag.transactie(vers=True) as cur:
                    for projectie in projecties:
                        projectie.verwerk(cur, wijzigingen)
                verwerkt += len(wijzigingen)
    finally:
        opslag.sluit()
    return verwerkt
