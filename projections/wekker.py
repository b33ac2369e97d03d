"""When the projector's loop looks at the log again: at once when woken (a save in the
same process, or PostgreSQL's NOTIFY), otherwise at its poll.

NOTIFY is listened to only while the loop is idle. Every commit that notifies a listener
wakes its backend and the listening thread, which under a stream of commands costs CPU
in PostgreSQL and the projector (bench/README.md) for a loop that reads again after each
pause anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

from application.gebeurtenislog import Meldingen

log = structlog.get_logger("zorgroute.projecties")

# How soon the listening thread notices that the loop is busy again and stops listening.
LUISTER_STAP = 0.05


class Wekker:
    def __init__(self, stop: threading.Event) -> None:
        self._stop = stop  # the runner's: set when everything stops
        self._gewekt = threading.Event()
        # Set while the loop waits for work: only then is a NOTIFY worth listening to.
        self._stil = threading.Event()

    def wek(self) -> None:
        self._gewekt.set()

    def voor_de_ronde(self) -> None:
        """Just before the loop reads the log: a wake-up from here on is for an event the
        read may not see, so the wait after it must not sleep through it."""
        self._gewekt.clear()

    def bezig(self) -> None:
        """The round found work: the next one follows its pause, wake-up or not."""
        self._stil.clear()

    def wacht(self, seconden: float) -> None:
        """The round found nothing: listen, and wait for a wake-up or the poll."""
        self._stil.set()
        self._gewekt.wait(seconden)

    def is_stil(self) -> bool:
        return self._stil.is_set()

    def begin(self) -> None:
        self._stil.clear()

    def stop(self) -> None:
        """After the runner's stop was set: let every wait end."""
        self._gewekt.set()
        self._stil.set()

    def luister(self, meldingen: Callable[[], Meldingen]) -> None:
        """The listening thread: a connection told of every save (from `meldingen`) that
        listens while the loop is idle and wakes it on every notification."""
        while not self._stop.is_set():
            try:
                with meldingen() as luisteraar:
                    while not self._stop.is_set():
                        self._stil.wait()
                        if self._stop.is_set():
                            return
                        luisteraar.luister()
                        # A commit after the loop's last read and before this LISTEN
                        # notified nobody: one more round reads it.
                        self._gewekt.set()
                        while self._stil.is_set() and not self._stop.is_set():
                            if luisteraar.wacht(LUISTER_STAP):
                                self._gewekt.set()
                        luisteraar.laat_los()
            except Exception as fout:
                log.warning("projecties_listen_fout", fout=type(fout).__name__)
                self._stop.wait(1.0)
