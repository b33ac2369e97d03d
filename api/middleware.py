"""Pure-ASGI middleware: request id, one access log line per request, body size limit.

Pure ASGI rather than `BaseHTTPMiddleware`: it does not buffer or re-wrap the body
stream, and adds no task per request in front of the thread pool.
"""

from __future__ import annotations

import math
import random
import re
import time
import traceback
from collections import deque
from typing import Any

import structlog
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.koppen import koppen_van
from api.problemen import interne_fout, probleem, te_groot
from infrastructure.logging import Verzoekregel

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
    # (bench/README.md).
    return gegeven if _REQUEST_ID.fullmatch(gegeven) else f"{random.getrandbits(128):032x}"


def _route_sjabloon(scope: Scope) -> str | None:
    # The template (`/api/v1/casussen/{casus_id}`), never the raw path: a raw path may
    # carry anything a client typed, including a pupil's name.
    return getattr(scope.get("route"), "path", None)


def _casus_id(scope: Scope, velden: dict[str, Any]) -> str | None:
    waarde = velden.get("casus_id") or (scope.get("path_params") or {}).get("casus_id")
    return str(waarde) if waarde is not None and _UUID.fullmatch(str(waarde)) else None


def _adres(scope: Scope) -> str:
    # Behind a proxy this is the proxy's, unless uvicorn trusts its forwarded header.
    client = scope.get("client")
    return str(client[0]) if client else "onbekend"


def _plaats(fout: BaseException) -> list[str]:
    # Where it broke, without the message: an exception text may quote a pupil's data.
    return [
        f"{f.filename}:{f.lineno}:{f.name}" for f in traceback.extract_tb(fout.__traceback__)[-5:]
    ]


# On every answer, errors included (this layer sees them all): care data is not for
# caches, and an API answer is never a page to render, frame or refer from. A response
# with its own (the docs page's CSP) keeps its own.
VEILIGHEIDSKOPPEN: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
)
_EIGEN = frozenset({b"x-request-id", *(naam for naam, _ in VEILIGHEIDSKOPPEN)})
# One header at most (of the total `max_header_bytes`), and at most this many headers.
MAX_KOP_BYTES = 8 * 1024
MAX_KOPPEN = 100
# Probes must keep answering a blocked address (an orchestrator's, say).
ZONDER_LIMIET = frozenset({"/healthz", "/readyz"})


class Pogingen:
    """Failed authentications per client address in a sliding window: in memory, per
    process, for at most `adressen` addresses (the least recently failed go first)."""

    def __init__(self, maximaal: int, venster: float = 60.0, adressen: int = 10_000) -> None:
        self.maximaal = maximaal
        self.venster = venster
        self.adressen = adressen
        # By address, its last failures (oldest first); the dict in order of last failure.
        self.mislukte: dict[str, deque[float]] = {}

    def wacht(self, adres: str, nu: float) -> float:
        """Seconds before `adres` may try again; 0 when it may now."""
        tijden = self.mislukte.get(adres)
        if tijden is None or len(tijden) < self.maximaal:
            return 0.0
        return max(0.0, tijden[0] + self.venster - nu)

    def mislukt(self, adres: str, nu: float) -> None:
        tijden = self.mislukte.pop(adres, None) or deque(maxlen=self.maximaal)
        tijden.append(nu)
        self.mislukte[adres] = tijden  # re-inserted: the dict's order is by last failure
        if len(self.mislukte) > self.adressen:
            del self.mislukte[next(iter(self.mislukte))]


def _te_veel_koppen(koppen: list[tuple[bytes, bytes]], max_totaal: int) -> bool:
    if len(koppen) > MAX_KOPPEN:
        return True
    totaal = 0
    for naam, waarde in koppen:
        lengte = len(naam) + len(waarde)
        if lengte > MAX_KOP_BYTES:
            return True
        totaal += lengte
    return totaal > max_totaal


class VerzoekMiddleware:
    """Request id in and out, the access log line, security headers, the header size
    limit (431) and the limit on failed authentications (429), all before anything
    looks at a token; and a 500 problem as last resort."""

    def __init__(
        self, app: ASGIApp, max_header_bytes: int = 32 * 1024, max_mislukt: int = 0
    ) -> None:
        self.app = app
        # Built once, when the app builds its middleware (after `create_app` configured
        # logging), instead of by the module's lazy proxy on every call.
        self._log = logger.bind()
        self._verzoekregel = Verzoekregel()
        self._max_header_bytes = max_header_bytes
        self._pogingen = Pogingen(max_mislukt) if max_mislukt > 0 else None

    def _weigering(self, scope: Scope) -> Any:
        """The 431 or 429 this request gets before it goes in, or None."""
        if _te_veel_koppen(scope["headers"], self._max_header_bytes):
            return probleem(
                431,
                "koppen_te_groot",
                f"De headers van het verzoek zijn te groot: samen hoogstens "
                f"{self._max_header_bytes} bytes, één header hoogstens {MAX_KOP_BYTES} bytes, "
                f"hoogstens {MAX_KOPPEN} headers.",
            )
        pogingen = self._pogingen
        # Nobody failed lately (nearly always): no address to look up, no clock to read.
        if pogingen is None or not pogingen.mislukte or scope["path"] in ZONDER_LIMIET:
            return None
        wacht = pogingen.wacht(_adres(scope), time.monotonic())
        if not wacht:
            return None
        return probleem(
            429,
            "te_veel_pogingen",
            "Te veel mislukte aanmeldingen vanaf dit adres; probeer het later opnieuw.",
            headers={"Retry-After": str(math.ceil(wacht))},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        weigering = self._weigering(scope)
        # Oversized headers are not read for an id of the client's.
        request_id = (
            f"{random.getrandbits(128):032x}"
            if weigering is not None and weigering.status_code == 431
            else _request_id(scope)
        )
        scope[REQUEST_ID_SLEUTEL] = request_id  # the access log records it as its source
        velden: dict[str, Any] = {}
        scope[LOG_SCOPE_SLEUTEL] = velden
        status = 500
        gestart = False
        geweigerd_token = False
        eigen_id = (b"x-request-id", request_id.encode("ascii"))

        async def verstuur(message: Message) -> None:
            nonlocal status, gestart, geweigerd_token
            if message["type"] == "http.response.start":
                gestart = True
                status = message["status"]
                koppen = message.get("headers") or ()
                if status == 401:
                    # A token sent and refused (RFC 6750's invalid_token) is what a guesser
                    # does and what costs a signature check; a request without one is not.
                    geweigerd_token = any(
                        k == b"www-authenticate" and b"invalid_token" in v for k, v in koppen
                    )
                namen = {k[0] for k in koppen}
                if namen.isdisjoint(_EIGEN):
                    message["headers"] = [*koppen, eigen_id, *VEILIGHEIDSKOPPEN]
                else:  # the docs page's CSP, its files' Cache-Control
                    message["headers"] = [
                        *(k for k in koppen if k[0] != b"x-request-id"),
                        eigen_id,
                        *(k for k in VEILIGHEIDSKOPPEN if k[0] not in namen),
                    ]
            await send(message)

        begin = time.perf_counter()
        # Set and reset by token: `bound_contextvars` would first copy the whole context.
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            if weigering is not None:
                await weigering(scope, receive, verstuur)
            else:
                await self.app(scope, receive, verstuur)
        except Exception as fout:
            self._log.error("onverwachte_fout", fout_type=type(fout).__name__, plaats=_plaats(fout))
            if gestart:
                raise
            await interne_fout()(scope, receive, verstuur)
        finally:
            if geweigerd_token and self._pogingen is not None:
                self._pogingen.mislukt(_adres(scope), time.monotonic())
            self._verzoekregel.schrijf(
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
