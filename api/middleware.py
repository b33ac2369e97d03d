"""Pure-ASGI middleware: request id, one access log line per request, body size limit.

Pure ASGI rather than `BaseHTTPMiddleware`: it does not buffer or re-wrap the body
stream, and adds no task per request in front of the thread pool.
"""

from __future__ import annotations

import random
import re
import time
import traceback
from typing import Any

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.koppen import koppen_van
from api.problemen import interne_fout, te_groot
from infrastructure.logging import Toegangsregel

LOG_SCOPE_SLEUTEL = "zorgroute.log"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")

logger = structlog.get_logger("zorgroute.api")
REQUEST_ID_SLEUTEL = "zorgroute.request_id"


def zet_logveld(request: Request, **velden: str) -> None:
    """Let a route or dependency add e.g. the actor's id or the case id to the log line."""
    doel = request.scope.get(LOG_SCOPE_SLEUTEL)
    if isinstance(doel, dict):
        doel.update(velden)


def _request_id(scope: Scope) -> str:
    gegeven = koppen_van(scope).get("x-request-id", "")
    # A client's id is echoed into our logs and headers, so only a plain token is trusted.
    # Ours: 32 random hex digits, as uuid4().hex. An id has to be unique, not secret:
    # `random` (seeded from the OS, and again in a forked child) instead of os.urandom,
    # whose system call let the group commit's thread take the GIL on every request
    # (~5 % of a command's CPU in bench.inproces).
    return gegeven if _REQUEST_ID.fullmatch(gegeven) else f"{random.getrandbits(128):032x}"


def _route_sjabloon(scope: Scope) -> str | None:
    # The template (`/api/v1/casussen/{casus_id}`), never the raw path: a raw path may
    # carry anything a client typed, including a pupil's name.
    return getattr(scope.get("route"), "path", None)


def _casus_id(scope: Scope, velden: dict[str, Any]) -> str | None:
    waarde = velden.get("casus_id") or (scope.get("path_params") or {}).get("casus_id")
    return str(waarde) if waarde is not None and _UUID.fullmatch(str(waarde)) else None


def _plaats(fout: BaseException) -> list[str]:
    # Where it broke, without the message: an exception text may quote a pupil's data.
    return [
        f"{f.filename}:{f.lineno}:{f.name}" for f in traceback.extract_tb(fout.__traceback__)[-5:]
    ]


class VerzoekMiddleware:
    """Request id in and out, the access log line, and a 500 problem as last resort."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Built once, when the app builds its middleware (after `create_app` configured
        # logging), instead of by the module's lazy proxy on every call.
        self._log = logger.bind()
        self._regel = Toegangsregel()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope[REQUEST_ID_SLEUTEL] = request_id  # the access log records it as its source
        velden: dict[str, Any] = {}
        scope[LOG_SCOPE_SLEUTEL] = velden
        status = 500
        gestart = False

        async def verstuur(message: Message) -> None:
            nonlocal status, gestart
            if message["type"] == "http.response.start":
                gestart = True
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        begin = time.perf_counter()
        # Set and reset by token: `bound_contextvars` would first copy the whole context.
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, verstuur)
        except Exception as fout:
            self._log.error("onverwachte_fout", fout_type=type(fout).__name__, plaats=_plaats(fout))
            if gestart:
                raise
            await interne_fout()(scope, receive, verstuur)
        finally:
            self._regel.schrijf(
                {
                    "method": scope["method"],
                    "path": _route_sjabloon(scope),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - begin) * 1000, 2),
                    "request_id": request_id,
                    "actor_id": velden.get("actor_id"),
                    "casus_id": _casus_id(scope, velden),
                }
            )
            structlog.contextvars.reset_contextvars(**tokens)


class BodyTeGroot(StarletteHTTPException):
    """Raised from `receive` so the app's own error handling answers 413 as a problem."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimietMiddleware:
    """Refuse bodies over `max_bytes`: by Content-Length up front, and by counting the
    streamed bytes, so a chunked body without Content-Length is caught too."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lengte = Headers(scope=scope).get("content-length", "")
        # A malformed Content-Length never gets here: the HTTP server refuses it first.
        if lengte.isdigit() and int(lengte) > self.max_bytes:
            await te_groot(self.max_bytes)(scope, receive, send)
            return

        ontvangen = 0
        gestart = False

        async def tel() -> Message:
            nonlocal ontvangen
            message = await receive()
            if message["type"] == "http.request":
                ontvangen += len(message.get("body", b""))
                if ontvangen > self.max_bytes:
                    raise BodyTeGroot
            return message

        async def verstuur(message: Message) -> None:
            nonlocal gestart
            if message["type"] == "http.response.start":
                gestart = True
            await send(message)

        try:
            await self.app(scope, tel, verstuur)
        except BodyTeGroot:
            # Read outside a route (no handler saw it): answer here if we still can.
            if gestart:
                raise
            await te_groot(self.max_bytes)(scope, receive, send)
