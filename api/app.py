"""The app factory: settings → logging → service (from the composition root,
api/samenstelling.py) → HTTP.

Nothing connects at import time; the service (and with it the database pool) is built
in the lifespan, so importing the app for its OpenAPI document touches no database.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from api.databasewacht import Databasewacht, DatabasewachtMiddleware
from api.deps import NietGereed, NogNietBijgewerkt
from api.documentatie import voeg_docs_toe
from api.foutafhandeling import registreer_foutafhandeling
from api.middleware import ZONDER_LIMIET, BodyLimietMiddleware, VerzoekMiddleware
from api.problemen import MEDIA_TYPE, fout_antwoorden, probleem
from api.routers import (
    audit,
    casussen,
    commandos,
    health,
    overzichten,
    projecties,
    signalen,
    toegangslog,
)
from api.samenstelling import bouw_runner, bouw_service, sluit_runner, sluit_service
from application.service import Zorgroute
from infrastructure.logging import configure_logging
from infrastructure.opslag import Eventsourcingopslag
from infrastructure.persistence import database_bereikbaar
from infrastructure.settings import Settings

log = structlog.get_logger("zorgroute.api")

BESCHRIJVING = """\
**Zorgroute** volgt een zorg over een leerling of een klas door de zorgstructuur van een
school, van het eerste signaal tot de afsluiting, als onveranderlijke gebeurtenissen.

*Zorgroute follows a concern about a pupil or a class through a school's care structure,
from the first signal to its close, recorded as immutable events.*

Elke aanroep behalve `/healthz` en `/readyz` vraagt `Authorization: Bearer <JWT>`.
Fouten zijn `application/problem+json` met een stabiele `code`.
"""


async def _niet_gereed(_: Request, __: Exception) -> JSONResponse:
    return probleem(503, "niet_gereed", "De dienst start nog; probeer het zo opnieuw.")


async def _nog_niet_bijgewerkt(_: Request, __: Exception) -> JSONResponse:
    antwoord = probleem(
        503,
        "nog_niet_bijgewerkt",
        "Deze weergave heeft uw wijziging nog niet verwerkt; probeer het zo opnieuw.",
    )
    antwoord.headers["Retry-After"] = "1"
    return antwoord


class _Weergaven:
    """Sets up the views (and, unless a separate projector does it, keeps them up to date).

    If the view storage cannot be reached at start-up the API still starts: view
    endpoints answer 503 until a background retry succeeds, so a database that comes up
    after the API heals by itself."""

    OPNIEUW_NA = 2.0

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self._stop = threading.Event()
        self._draad: threading.Thread | None = None

    def start(self) -> None:
        if not self._poging():
            self._draad = threading.Thread(target=self._herhaal, name="weergaven", daemon=True)
            self._draad.start()

    def _herhaal(self) -> None:
        while not self._stop.wait(self.OPNIEUW_NA):
            if self._poging():
                return

    def _poging(self) -> bool:
        service: Zorgroute = self.app.state.service
        try:
            runner = bouw_runner(self.settings, service)
            if self.settings.projecties_in_proces:
                runner.start()
        except Exception as fout:
            log.warning("weergaven_niet_gereed", fout=type(fout).__name__)
            return False
        if self.settings.projecties_in_proces:
            service.na_opslaan.append(runner.wek)
        self.app.state.runner = runner
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._draad is not None:
            self._draad.join(timeout=10)
        runner, self.app.state.runner = self.app.state.runner, None
        if runner is None:
            return
        sluit_runner(runner)
        service: Zorgroute | None = self.app.state.service
        if service is not None and runner.wek in service.na_opslaan:
            service.na_opslaan.remove(runner.wek)


_VOOR_ELKE_ROUTE = {
    status: {
        "description": antwoord["description"],
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Probleem"}}},
    }
    for status, antwoord in fout_antwoorden(429, 431).items()
}


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI documents every response as application/json; errors are problem+json."""

    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            for pad, operaties in document["paths"].items():
                # The limits in front of every route (api/middleware.py); probes have no 429.
                voor_elke = (431,) if pad in ZONDER_LIMIET else (429, 431)
                for operatie, status in ((o, s) for o in operaties.values() for s in voor_elke):
                    operatie.setdefault("responses", {}).setdefault(
                        str(status), _VOOR_ELKE_ROUTE[status]
                    )
            for operatie in (o for pad in document["paths"].values() for o in pad.values()):
                for status, antwoord in operatie.get("responses", {}).items():
                    inhoud = antwoord.get("content", {})
                    if status[:1] in "45" and "application/json" in inhoud:
                        inhoud[MEDIA_TYPE] = inhoud.pop("application/json")
            app.openapi_schema = document
        return app.openapi_schema

    return schema


def create_app(settings: Settings | None = None, service: Zorgroute | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.vereist_sleutels()
    configure_logging(settings.log_level)
    if settings.jwt_public_key and settings.jwt_audience is None:
        # An identity provider signs tokens for other applications too (README).
        log.warning("jwt_audience_niet_ingesteld", gevolg="aud van tokens wordt niet gecontroleerd")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Each part's stop is registered as it starts: they stop in reverse order, each
        # even when one before it failed, and a start-up that fails halfway stops what
        # already ran.
        async with AsyncExitStack() as stoppen:
            # Built here, off the event loop: connecting may block for a while. A service
            # passed in belongs to the caller: never closed here (its saves on this loop
            # are switched off again when the app stops).
            gebouwd = (
                service if service is not None else await run_in_threadpool(bouw_service, settings)
            )
            if service is None:

                async def sluit_gebouwd() -> None:
                    await run_in_threadpool(sluit_service, gebouwd)

                stoppen.push_async_callback(sluit_gebouwd)
            # Commands are saved on this loop where the database allows (PostgreSQL).
            opslag = getattr(gebouwd, "opslag", None)
            if isinstance(opslag, Eventsourcingopslag):
                await opslag.open_op_lus()
                stoppen.push_async_callback(opslag.sluit_op_lus)
            app.state.service = gebouwd
            stoppen.callback(setattr, app.state, "service", None)
            weergaven = _Weergaven(app, settings)
            await run_in_threadpool(weergaven.start)
            stoppen.push_async_callback(run_in_threadpool, weergaven.stop)
            app.state.databasewacht = None
            if not settings.is_sqlite:  # a local file does not go away; a server can
                wacht = Databasewacht(lambda: database_bereikbaar(settings))
                wacht.start()
                stoppen.callback(wacht.stop)
                app.state.databasewacht = wacht
            # What exists now (FastAPI's and pydantic's validators, the routes) lives as
            # long as the process: out of the collector's sight, so that a full collection
            # (a pause every few dozen larger reads, bench/README.md) walks only request
            # garbage.
            gc.collect()
            gc.freeze()
            stoppen.callback(gc.unfreeze)
            yield

    app = FastAPI(
        title="Zorgroute",
        summary="Zorgdossier voor de zorgstructuur van scholen / Care files for schools' student care",
        description=BESCHRIJVING,
        version="1.0.0",
        lifespan=lifespan,
        # Our own /docs (api/documentatie.py): FastAPI's loads its scripts from a CDN.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        # FastAPI's own OpenTelemetry hooks off: its logs would carry validation errors,
        # which quote the input (a pupil's name, the free text), and no tracer or meter
        # is set up here anyway; checking that on every request costs each command too.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
        openapi_tags=[
            {"name": "signalen", "description": "Zorgen melden / report concerns"},
            {"name": "handelingen", "description": "Stappen in de zorgroute / steps in the route"},
            {"name": "dossiers", "description": "Dossiers lezen / read case files"},
            {"name": "overzichten", "description": "Agenda, werkvoorraad, trends, verantwoording"},
            {"name": "audit", "description": "Audittrail / audit trail"},
            {"name": "beheer", "description": "Projecties / projections"},
            {"name": "gezondheid", "description": "Health checks"},
        ],
    )
    app.state.settings = settings
    app.state.service = service
    app.state.runner = None
    app.state.databasewacht = None

    registreer_foutafhandeling(app)
    app.add_exception_handler(NietGereed, _niet_gereed)
    app.add_exception_handler(NogNietBijgewerkt, _nog_niet_bijgewerkt)

    # FastAPI tries the routes in this order. The commands, the bulk of the requests, are
    # the app's own routes and come first: an included router is tried twice for the one
    # that matches (once to find it, once inside it), a route of the app once. The
    # probes, a few a minute, come last.
    for router in (signalen.router, commandos.router):
        app.router.routes.extend(router.routes)
    for router in (
        overzichten.router,
        casussen.router,
        audit.router,
        toegangslog.router,
        projecties.router,
        health.router,
    ):
        app.include_router(router)
    if settings.docs:  # last: the API's own routes are tried first
        voeg_docs_toe(app)
    # Added last = outermost: every answer, a 413 too, gets a request id and a log line.
    app.add_middleware(DatabasewachtMiddleware)
    app.add_middleware(BodyLimietMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        VerzoekMiddleware,
        max_header_bytes=settings.max_header_bytes,
        max_mislukt=settings.auth_max_mislukt,
    )
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app
