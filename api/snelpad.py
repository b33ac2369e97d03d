"""A short way in for the command routes: their own FastAPI routes, found and fed directly.

Every command route takes the same four things: the file's id from the path, one JSON
body model, the request and `Opdracht` (api/opdracht.py). FastAPI finds such a route by
trying the app's routes in turn (over forty, in included routers, each try juggling its
scope) and feeds it through its general dependency solver, and every request passes
FastAPI's exception middleware, exit stack and router: in the in-process load of
bench.opdrachten the routing and solving were ~0.64 M of the API's ~2.1 M instructions
per command (bench/README.md). `Snelpad`, the innermost of the app's own middleware
(inside the access log, the body limit and the database probe, which it leaves to them),
finds the command's route by its last path segment and feeds that route's own endpoint
itself, validating path and body with the route's own FastAPI fields: the command's code
is the route's code, and the OpenAPI document still comes from the routes. What the
endpoint raises, and the body limit's 413 while the body is read, goes through the app's
own exception handlers (Starlette's ExceptionMiddleware with the handlers FastAPI gives
its own), so a refusal is answered as from the route; a command that succeeds does not
pass that layer.

It only takes what FastAPI would take without a word. A body that is not exactly
`application/json`, not a JSON object, or fails its field, a path id its field refuses,
a client gone midway and any dependency override (tests) go on to FastAPI's handling of
the same request with the body replayed, so every refusal FastAPI gives is still its
own, word for word.
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
from starlette.exceptions import HTTPException as StarletteHTTPException
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

    def __init__(self, app: ASGIApp, *, fastapi: FastAPI, routes: Opdrachtroutes) -> None:
        self.app = app
        self._fastapi = fastapi
        self._routes = routes
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
        ):
            gekozen = self._routes.kies(scope)
        if gekozen is None:
            await self.app(scope, receive, send)
            return
        commando, kind = gekozen
        scope.update(kind)
        try:
            body, heel = await self._lees(receive)
        except StarletteHTTPException as fout:
            # The size limit outside (413), raised while reading, as in FastAPI's route.
            await self._fout(fout, scope, receive, send)
            return
        argumenten = self._argumenten(commando, koppen_van(scope), kind, body) if heel else None
        if argumenten is None:
            # FastAPI's to answer: the app gets the body again.
            await self.app(scope, _opnieuw(body, heel, receive), send)
            return
        request = Request(scope, receive)
        # Read already: whatever reads it again (a handler) gets it from the request.
        request._body = body
        argumenten[commando.request_naam] = request
        try:
            # What FastAPI's route would do from here.
            argumenten[commando.opdracht_naam] = await opdracht_van(request)
            antwoord: Response = await commando.route.endpoint(**argumenten)
        except Exception as fout:
            await self._fout(fout, scope, receive, send)
            return
        await antwoord(scope, receive, send)

    async def _fout(self, fout: Exception, scope: Scope, receive: Receive, send: Send) -> None:
        """Answered by the app's own handlers, as from the route; none: a 500 outside."""
        scope[_FOUT] = fout
        await self._fouten(scope, receive, send)

    @staticmethod
    async def _lees(receive: Receive) -> tuple[bytes, bool]:
        """The body and True; or what was read and False when the client went away
        midway (the app answers that as it would)."""
        delen: list[bytes] = []
        while True:
            bericht = await receive()
            if bericht["type"] != "http.request":
                return b"".join(delen), False  # gone midway (http.disconnect)
            delen.append(bericht.get("body", b""))
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
