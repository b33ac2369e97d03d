"""Fail fast while the database is away: a small probe notices, and requests get a 503 at
once instead of each waiting out the connection pool's retries. Requests already in
flight ride out a short outage on those retries; nothing acknowledged is lost either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from api.problemen import probleem

log = structlog.get_logger("zorgroute.api")


class Databasewacht:
    def __init__(self, bereikbaar: Callable[[], bool], interval: float = 0.5) -> None:
        self._bereikbaar = bereikbaar
        self._interval = interval
        self.weg = threading.Event()
        self._stop = threading.Event()
        self._draad: threading.Thread | None = None

    def start(self) -> None:
        self._draad = threading.Thread(target=self._lus, name="databasewacht", daemon=True)
        self._draad.start()

    def stop(self) -> None:
        self._stop.set()
        if self._draad is not None:
            self._draad.join(timeout=5)

    def _lus(self) -> None:
        while not self._stop.wait(self._interval):
            goed = self._bereikbaar()
            if goed and self.weg.is_set():
                self.weg.clear()
                log.info("database_terug")
            elif not goed and not self.weg.is_set():
                self.weg.set()
                log.warning("database_weg")


class DatabasewachtMiddleware:
    """503 for API calls while the probe says the database is away (health checks pass)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wacht: Databasewacht | None = None
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            wacht = getattr(scope["app"].state, "databasewacht", None)
        if wacht is not None and wacht.weg.is_set():
            antwoord = probleem(
                503,
                "database_onbereikbaar",
                "De database is even niet bereikbaar; er is niets opgeslagen of getoond. "
                "Probeer het zo opnieuw.",
                headers={"Retry-After": "2"},
            )
            await antwoord(scope, receive, send)
            return
        await self.app(scope, receive, send)
