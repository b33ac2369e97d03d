"""The composition root: settings → logging → event store → service → HTTP.

Nothing connects at import time; the service (and with it the database pool) is built
in the lifespan, so importing the app for its OpenAPI document touches no database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from api.deps import NietGereed
from api.middleware import BodyLimietMiddleware, VerzoekMiddleware
from api.problemen import MEDIA_TYPE, probleem, registreer_foutafhandeling
from api.routers import casussen, commandos, health, signalen
from application.service import Zorgroute
from infrastructure.logging import configure_logging
from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import Settings

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


def _bouw_service(settings: Settings) -> Zorgroute:
    return Zorgroute(env=eventsourcing_env(settings), id_sleutel=settings.id_sleutel_bytes())


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

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service is not None:
            # The caller owns a service it passed in: use it as is, never close it.
            yield
            return
        # Built here, off the event loop: connecting may block for a while.
        app.state.service = await run_in_threadpool(_bouw_service, settings)
        try:
            yield
        finally:
            gebouwd, app.state.service = app.state.service, None
            await run_in_threadpool(gebouwd.close)

    app = FastAPI(
        title="Zorgroute",
        summary="Zorgdossier voor de zorgstructuur van scholen / Care files for schools' student care",
        description=BESCHRIJVING,
        version="1.0.0",
        lifespan=lifespan,
        openapi_tags=[
            {"name": "signalen", "description": "Zorgen melden / report concerns"},
            {"name": "handelingen", "description": "Stappen in de zorgroute / steps in the route"},
            {"name": "dossiers", "description": "Dossiers lezen / read case files"},
            {"name": "gezondheid", "description": "Health checks"},
        ],
    )
    app.state.settings = settings
    app.state.service = service

    registreer_foutafhandeling(app)
    app.add_exception_handler(NietGereed, _niet_gereed)

    app.include_router(health.router)
    for router in (signalen.router, commandos.router, casussen.router):
        app.include_router(router)

    # Added last = outermost: every answer, a 413 too, gets a request id and a log line.
    app.add_middleware(BodyLimietMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(VerzoekMiddleware)
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app
