"""The sealer: seals the events stored since its last seal, and the access log's head.

It runs as a thread beside the projections (`Projectierunner.start`, so in the projector's
process, or in the API's when that keeps the views) whenever `ZORGROUTE_KETEN_SLEUTEL` is
set, and on demand as `zorgroute audit verzegel`. Sealers take turns under one lock, so two
never seal the same event. It reads the events as the views do (the recorder's log order);
it never touches a command's save.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import structlog
from eventsourcing import persistence as es
from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory
from eventsourcing.utils import Environment

from infrastructure.persistence import eventsourcing_env, sqlite_pad
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from infrastructure.toegangslog_keten import _KOP_SQL
from infrastructure.zegels import Zegels, gebeurtenis_mac, toegangslog_mac

log = structlog.get_logger("zorgroute.zegels")

INTERVAL_SECONDEN = 5.0
PER_KEER = 1000


def geen_tabel(fout: BaseException) -> bool:
    """A table that is not there (yet), as either database and the library word it."""
    tekst = str(fout)
    return "no such table" in tekst or (
        isinstance(fout, psycopg.errors.UndefinedTable | es.ProgrammingError)
        and "does not exist" in tekst
    )


@contextlib.contextmanager
def gebeurtenis_recorder(settings: Settings) -> Iterator[ApplicationRecorder | None]:
    """The event store's recorder, without creating anything: None when a SQLite
    store was never made (so that checking it does not create an empty one)."""
    if settings.is_sqlite and not Path(sqlite_pad(settings.database_url)).exists():
        yield None
        return
    from infrastructure.opslag.adapter import Gebeurtenislog  # its name: the events table

    env = Environment(Gebeurtenislog.name, {**eventsourcing_env(settings), "CREATE_TABLE": "n"})
    fabriek = InfrastructureFactory.construct(env)
    try:
        yield fabriek.application_recorder()
    finally:
        fabriek.close()


def lees_kop(logboek: Toegangslog) -> tuple[int, str] | None:
    """The access log's head (last number and hash), or None when there is no log."""
    if logboek.is_sqlite and not Path(str(logboek._bestand)).exists():
        return None
    try:
        with logboek._transactie(schrijven=False) as cur:
            rij = cur.execute(_KOP_SQL).fetchone()
    except (psycopg.Error, sqlite3.Error) as fout:
        if geen_tabel(fout):
            return None
        raise
    return None if rij is None else (int(rij["volgnummer"]), str(rij["hash"]))


class Verzegelaar:
    def __init__(
        self,
        sleutel: bytes,
        recorder: ApplicationRecorder,
        zegels: Zegels,
        toegangslog: Toegangslog | None = None,
    ) -> None:
        self.sleutel = sleutel
        self.recorder = recorder
        self.zegels = zegels
        self.toegangslog = toegangslog

    def verzegel(self) -> tuple[int, int]:
        """Seal what is new; returns (events sealed now, access-log entry sealed or 0)."""
        return self.gebeurtenissen(), self.kop_van_toegangslog()

    def gebeurtenissen(self) -> int:
        totaal = 0
        while True:
            # A transaction per batch: a first seal of a large store commits as it goes.
            with self.zegels.toevoegen("gebeurtenis_zegels") as ((positie, mac), voeg_toe):
                try:
                    notificaties = self.recorder.select_notifications(
                        start=positie + 1, limit=PER_KEER, inclusive_of_start=True
                    )
                except (es.PersistenceError, sqlite3.Error, psycopg.Error) as fout:
                    if geen_tabel(fout):
                        return totaal  # no event stored yet
                    raise
                rijen = []
                for notificatie in notificaties:
                    mac = gebeurtenis_mac(self.sleutel, mac, notificatie)
                    rijen.append((notificatie.id, mac))
                voeg_toe(rijen)
            totaal += len(rijen)
            if len(rijen) < PER_KEER:
                return totaal

    def kop_van_toegangslog(self) -> int:
        kop = None if self.toegangslog is None else lees_kop(self.toegangslog)
        if kop is None or kop[0] == 0:
            return 0
        volgnummer, keten_hash = kop
        with self.zegels.toevoegen("toegangslog_zegels") as ((positie, _), voeg_toe):
            if volgnummer < positie:
                # The head went back: entries were removed. Sealing on would hide nothing
                # (verify names it), but it must not look like business as usual.
                log.error("toegangslog_kop_achter_zegel", kop=volgnummer, zegel=positie)
                return 0
            if volgnummer == positie:
                return 0
            voeg_toe([(volgnummer, toegangslog_mac(self.sleutel, volgnummer, keten_hash))])
        return volgnummer


def zegel_draad(settings: Settings, app: Any, stop: threading.Event) -> threading.Thread | None:
    """A thread that seals every few seconds until `stop`, for the application `app`
    (its recorder) on the database of `settings`; None without `ZORGROUTE_KETEN_SLEUTEL`."""
    sleutel = settings.keten_sleutel_bytes()
    if sleutel is None:
        return None
    logboek = Toegangslog.van_settings(settings)
    verzegelaar = Verzegelaar(sleutel, app.recorder, Zegels.van_settings(settings), logboek)

    def lus() -> None:
        vorige_fout = ""
        try:
            while True:
                try:
                    verzegelaar.verzegel()
                    vorige_fout = ""
                except Exception as fout:  # a database away, tables missing: try again
                    if type(fout).__name__ != vorige_fout:  # once per kind, not every round
                        log.warning("verzegelen_mislukt", fout=type(fout).__name__)
                    vorige_fout = type(fout).__name__
                if stop.wait(INTERVAL_SECONDEN):
                    return
        finally:
            logboek.sluit()

    return threading.Thread(target=lus, name="zegels", daemon=True)
