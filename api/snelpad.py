"""A short way in for the command routes: their own FastAPI routes, found and fed directly.

Every command route takes the same four things: the file's id from the path, one JSON
body model, the request and `Opdracht` (api/opdracht.py). FastAPI finds such a route by
trying the app's routes in turn (over forty, in included routers, each try juggling its
scope) and feeds it through its general dependency solver, and every request first
passes the app's middleware: in the in-process load of bench.opdrachten the routing and
solving were ~0.64 M of the API's ~2.1 M instructions per command and the five layers
between the access log and the route another ~0.06 ms of CPU (bench/README.md).
`Snelpad` is a middleware right inside the access log (VerzoekMiddleware): it finds the
command's route by its last path segment and feeds that route's own endpoint itself,
validating path and body with the route's own FastAPI fields: the command's code is the
route's code, and the OpenAPI document still comes from the routes. What the endpoint
raises goes through the app's own exception handlers (Starlette's ExceptionMiddleware
with the handlers FastAPI gives its own), so a refusal is answered as from the route;
a command that succeeds does not pass that layer.

It only takes what FastAPI would take without a word. A body that is not exactly
`application/json`, not a JSON object, or fails its field, a path id its field refuses,
a body over the size limit, a database the probe says is away, and any dependency
override (tests) go on to the app (size limit, database probe, routing) with the body
replayed, so every refusal FastAPI or the middleware gives is still theirs, word for word.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.koppen import koppen_van
from api.opdracht import opdracht_van

_FOUT = "zorgroute.snelpad.fout"
# 19 digits or more: possibly an integer past 64 bits.
_LANG_GETAL = re.compile(rb"\d{19}")


async def _werp_op(scope: Scope, receive: Receive, send: Send) -> None:
    """The endpoint's error again, inside Starlette's ExceptionMiddleware."""
    raise scope.pop(_FOUT)


@dataclass(frozen=True)
class _Commando:
    """A command route, FastAPI's fields for its body and path ids (each knows its
    parameter's name), and the names of its other two parameters."""

    route: APIRoute
    body: Any
    paden: tuple[Any, ...]
    request_naam: str
    opdracht_naam: str


def _commando(route: APIRoute) -> _Commando:
    """The route's arguments, when they are exactly what a command route takes; anything
    else is refused at start-up, so a new route cannot slip past FastAPI's checks here."""
    d = route.dependant
    andere = (
        d.query_params,
        d.header_params,
        d.cookie_params,
        d.websocket_param_name,
        d.http_connection_param_name,
        d.response_param_name,
        d.background_tasks_param_name,
        d.security_scopes_param_name,
    )
    geschikt = (
        route.methods == {"POST"}
        and inspect.iscoroutinefunction(route.endpoint)
        and inspect.signature(route.endpoint, eval_str=True).return_annotation is Response
        and not any(andere)
        and len(d.body_params) == 1
        and not getattr(d.body_params[0].field_info, "embed", None)
        and d.request_param_name is not None
        and len(d.dependencies) == 1
        and d.dependencies[0].call is opdracht_van
    )
    if not geschikt:
        raise ValueError(f"{route.path}: geen opdrachtroute voor het snelpad")
    return _Commando(
        route=route,
        body=d.body_params[0],
        paden=tuple(d.path_params),
        request_naam=d.request_param_name,  # type: ignore[arg-type]
        opdracht_naam=d.dependencies[0].name,  # type: ignore[arg-type]
    )


class Opdrachtroutes:
    """The command routes by the last segment of their path; built when the app is, so
    that a route the short way cannot feed stops the app at start-up."""

    def __init__(self, routers: Iterable[APIRouter]) -> None:
        self._op_einde: dict[str, list[_Commando]] = {}
        for router in routers:
            for route in router.routes:
                if isinstance(route, APIRoute):
                    einde = route.path_format.rsplit("/", 1)[-1]
                    self._op_einde.setdefault(einde, []).append(_commando(route))

    def kies(self, scope: Scope) -> tuple[_Commando, Scope] | None:
        for commando in self._op_einde.get(scope["path"].rsplit("/", 1)[-1], ()):
            # The route's own matching (root path, its path's parameters): its child scope
            # names it, so the access log shows its template as from FastAPI.
            match, kind = commando.route.matches(scope)
            if match is Match.FULL:
                return commando, kind
        return None


def _opnieuw(gelezen: bytes, heel: bool, receive: Receive) -> Receive:
    """`receive` for the app after this middleware read (part of) the body: what was
    read, in one piece, then whatever the client still sends."""
    gegeven = False

    async def ontvang() -> Message:
        nonlocal gegeven
        if gegeven:
            return await receive()
        gegeven = True
        return {"type": "http.request", "body": gelezen, "more_body": not heel}

    return ontvang


class Snelpad:
    """ASGI middleware: well-formed commands straight to their endpoint (module docs)."""

    def __init__(
        self, app: ASGIApp, *, fastapi: FastAPI, routes: Opdrachtroutes, max_bytes: int
    ) -> None:
        self.app = app
        self._fastapi = fastapi
        self._routes = routes
        self._max_bytes = max_bytes
        # The handlers FastAPI gives its own ExceptionMiddleware (500/Exception belong to
        # the outermost layer, as there).
        handlers: Mapping[Any, Any] = {
            k: v for k, v in fastapi.exception_handlers.items() if k not in (500, Exception)
        }
        self._fouten = ExceptionMiddleware(_werp_op, handlers=handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gekozen = None
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and not self._fastapi.dependency_overrides
            and not self._database_weg()
        ):
            gekozen = self._routes.kies(scope)
        if gekozen is None:
            await self.app(scope, receive, send)
            return
        commando, kind = gekozen
        koppen = koppen_van(scope)
        lengte = koppen.get("content-length", "")
        if lengte.isdigit() and int(lengte) > self._max_bytes:
            await self.app(scope, receive, send)  # the size limit answers, unread
            return
        body, heel = await self._lees(receive)
        argumenten = self._argumenten(commando, koppen, kind, body) if heel else None
        if argumenten is None:
            # FastAPI's (or the size limit's) to answer: the app gets the body again.
            await self.app(scope, _opnieuw(body, heel, receive), send)
            return
        scope.update(kind)
        request = Request(scope, receive)
        # Read already: whatever reads it again (a handler) gets it from the request.
        request._body = body
        argumenten[commando.request_naam] = request
        try:
            # What FastAPI's route would do from here.
            argumenten[commando.opdracht_naam] = await opdracht_van(request)
            antwoord: Response = await commando.route.endpoint(**argumenten)
        except Exception as fout:
            # Answered by the app's own handlers, as from the route; none: a 500 outside.
            scope[_FOUT] = fout
            await self._fouten(scope, receive, send)
            return
        await antwoord(scope, receive, send)

    def _database_weg(self) -> bool:
        wacht = self._fastapi.state.databasewacht
        return wacht is not None and bool(wacht.weg.is_set())

    async def _lees(self, receive: Receive) -> tuple[bytes, bool]:
        """The body and True; or what was read and False once it passes the size limit
        or the client goes away midway (the app answers those as it would)."""
        delen: list[bytes] = []
        gelezen = 0
        while True:
            bericht = await receive()
            if bericht["type"] != "http.request":
                return b"".join(delen), False  # gone midway (http.disconnect)
            deel = bericht.get("body", b"")
            delen.append(deel)
            gelezen += len(deel)
            if gelezen > self._max_bytes:
                return b"".join(delen), False
            if not bericht.get("more_body", False):
                return b"".join(delen), True

    def _argumenten(
        self, commando: _Commando, koppen: dict[str, str], kind: Scope, body: bytes
    ) -> dict[str, Any] | None:
        """Path ids and body as FastAPI's fields validate them, or None for anything that
        is FastAPI's to answer (see the module's docstring)."""
        if koppen.get("content-type", "").lower() != "application/json":
            return None
        if _LANG_GETAL.search(body):
            return None  # orjson would read an integer past 64 bits as a float
        try:
            # Otherwise what orjson accepts, json.loads (Starlette's `Request.json`) reads
            # alike; what it refuses (NaN, infinities, lone surrogates) FastAPI judges.
            gegevens = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(gegevens, dict):
            return None
        argumenten: dict[str, Any] = {}
        paden = kind["path_params"]
        for veld in commando.paden:
            waarde, fouten = veld.validate(paden.get(veld.alias), {}, loc=("path", veld.alias))
            if fouten:
                return None
            argumenten[veld.name] = waarde
        verzoek, fouten = commando.body.validate(gegevens, {}, loc=("body",))
        if fouten:
            return None
        argumenten[commando.body.name] = verzoek
        return argumenten
