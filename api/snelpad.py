"""A short way in for the command routes: their own FastAPI routes, found and fed directly.

Every command route takes the same four things: the file's id from the path, one JSON
body model, the request and `Opdracht` (api/opdracht.py). FastAPI finds such a route by
trying the app's routes in turn (over forty, in included routers, each try juggling its
scope) and feeds it through its general dependency solver: in the in-process load of
bench.opdrachten that was ~0.64 M of the API's ~2.1 M instructions per command
(cachegrind; bench/README.md). `Snelpad`, the app's first route, finds the command's
route by its last path segment and feeds that route's own endpoint itself, validating
path and body with the route's own FastAPI fields: the command's code is the route's
code, and the OpenAPI document still comes from the routes.

It only takes what FastAPI would take without a word: a body that is not exactly
`application/json`, not a JSON object, or fails its field, a path id its field refuses,
and any dependency override (tests) go to FastAPI's own handling of the same request,
with the body replayed, so every refusal FastAPI gives is still FastAPI's own, word for
word. Past that point FastAPI too would resolve `Opdracht` and call the endpoint; what
they raise reaches the app's exception handlers as it would from the route.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import HTTPException
from fastapi.routing import APIRoute, APIRouter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Message, Receive, Scope, Send

from api.opdracht import opdracht_van

_GEKOZEN = "zorgroute.snelpad"
_OVERGESLAGEN = "zorgroute.snelpad.overgeslagen"


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


def _opnieuw(body: bytes, receive: Receive) -> Receive:
    """`receive` for FastAPI's route after this path read the body: the same body again."""
    gegeven = False

    async def ontvang() -> Message:
        nonlocal gegeven
        if gegeven:
            return await receive()
        gegeven = True
        return {"type": "http.request", "body": body, "more_body": False}

    return ontvang


class Snelpad(BaseRoute):
    def __init__(self, app: FastAPI, routers: Iterable[APIRouter]) -> None:
        self._app = app
        self._op_einde: dict[str, list[_Commando]] = {}
        for router in routers:
            for route in router.routes:
                if isinstance(route, APIRoute):
                    einde = route.path_format.rsplit("/", 1)[-1]
                    self._op_einde.setdefault(einde, []).append(_commando(route))

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "POST" or _OVERGESLAGEN in scope:
            return Match.NONE, {}
        for commando in self._op_einde.get(scope["path"].rsplit("/", 1)[-1], ()):
            # The route's own matching (root path, its path's parameters): its child scope
            # names it, so the access log shows its template as from FastAPI.
            match, kind = commando.route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**kind, _GEKOZEN: commando}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        commando: _Commando = scope[_GEKOZEN]
        request = Request(scope, receive)
        try:
            body = await request.body()
        except StarletteHTTPException:
            raise  # 413 from the body limit, as from FastAPI's route
        except Exception as fout:
            # As FastAPI's route answers a body it cannot read (a client gone midway).
            raise HTTPException(400, "There was an error parsing the body") from fout
        argumenten = self._argumenten(commando, request, body)
        if argumenten is None:
            scope[_OVERGESLAGEN] = True
            await self._app.router(scope, _opnieuw(body, receive), send)
            return
        argumenten[commando.request_naam] = request
        argumenten[commando.opdracht_naam] = await opdracht_van(request)
        antwoord: Response = await commando.route.endpoint(**argumenten)
        await antwoord(scope, receive, send)

    def _argumenten(
        self, commando: _Commando, request: Request, body: bytes
    ) -> dict[str, Any] | None:
        """Path ids and body as FastAPI's fields validate them, or None for anything that
        is FastAPI's to answer (see the module's docstring)."""
        inhoudstype = request.headers.get("content-type", "").lower()
        if self._app.dependency_overrides or inhoudstype != "application/json":
            return None
        try:
            gegevens = json.loads(body)  # what Starlette's `Request.json` does
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            return None
        if not isinstance(gegevens, dict):
            return None
        argumenten: dict[str, Any] = {}
        for veld in commando.paden:
            waarde, fouten = veld.validate(
                request.path_params.get(veld.alias), {}, loc=("path", veld.alias)
            )
            if fouten:
                return None
            argumenten[veld.name] = waarde
        verzoek, fouten = commando.body.validate(gegevens, {}, loc=("body",))
        if fouten:
            return None
        argumenten[commando.body.name] = verzoek
        return argumenten
