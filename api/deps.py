"""Dependencies of the routes, as `Annotated` aliases (the FastAPI template's style).

Dependencies that never block are `async def`: FastAPI runs a plain `def` dependency in
the thread pool, and those hand-offs cost each request dearly (bench/README.md).
Only what waits (`wacht_op`) and the read endpoints, which call the blocking service,
stay plain functions. What a command takes from its request is in `api/opdracht.py`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from api.koppen import X_DOEL, X_NAMENS, X_NOODTOEGANG, koppen_van
from api.middleware import REQUEST_ID_SLEUTEL, zet_logveld
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from application.toegangslog import Bron
from infrastructure.auth import OngeldigToken, decodeer_token
from infrastructure.settings import Settings
from projections import beheer
from projections.runner import Projectierunner

bearer = HTTPBearer(
    auto_error=False,  # a missing token must be our 401 problem, not FastAPI's answer
    description="JWT van de identiteitsprovider van de school (HS256 of RS256).",
)
# W/"3", "3" or 3; a version is a plain non-negative number.
_ETAG = re.compile(r'(?:W/)?(?:"(\d{1,18})"|(\d{1,18}))')


class NietGereed(Exception):
    """The service is not (yet) built: the app runs without its lifespan."""


def _settings_van(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _settings(request: Request) -> Settings:
    return _settings_van(request)


async def service_van(request: Request) -> Zorgroute:
    service: Zorgroute | None = getattr(request.app.state, "service", None)
    if service is None:
        raise NietGereed
    return service


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def bearer_token(authorization: str | None) -> str | None:
    """The token `bearer` (FastAPI's HTTPBearer, `auto_error` off) finds in an
    Authorization header, by FastAPI's own parsing, without building its model."""
    schema, token = get_authorization_scheme_param(authorization)
    if not (authorization and schema and token) or schema.lower() != "bearer":
        return None
    return token


def gebruiker_van(request: Request, token: str | None) -> Gebruiker:
    if token is None:
        raise OngeldigToken("token ontbreekt")
    claims = decodeer_token(token, _settings_van(request))
    gebruiker = Gebruiker(
        sub=claims["sub"],
        naam=claims["naam"],
        rol=claims["rol"],
        school=claims.get("school"),
        klassen=tuple(claims.get("klassen") or ()),
        afdeling=claims.get("afdeling"),
        scholen=tuple(claims.get("scholen") or ()),
        organisatie=claims.get("organisatie"),
    )
    zet_logveld(request, actor_id=gebruiker.sub)
    return gebruiker


async def _huidige_gebruiker(request: Request, credentials: Bearer) -> Gebruiker:
    return gebruiker_van(request, credentials.credentials if credentials else None)


def _ongeldige_header(naam: str, melding: str, plek: str = "header") -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": (plek, naam), "msg": melding, "melding": melding}]
    )


def versie_van(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    gevonden = _ETAG.fullmatch(if_match.strip())
    if gevonden is None:
        raise _ongeldige_header("If-Match", 'moet een versienummer zijn, bijv. 3 of "3"')
    return int(gevonden.group(1) or gevonden.group(2))


App = Annotated[Zorgroute, Depends(service_van)]
CurrentUser = Annotated[Gebruiker, Depends(_huidige_gebruiker)]
CasusId = Annotated[UUID, Path(description="Id van het dossier (UUID).")]
InstellingenDep = Annotated[Settings, Depends(_settings)]


async def _runner(request: Request) -> Projectierunner:
    runner: Projectierunner | None = getattr(request.app.state, "runner", None)
    if runner is None:
        raise NietGereed
    return runner


Views = Annotated[Projectierunner, Depends(_runner)]


class NogNietBijgewerkt(Exception):
    """`?na=` asked for a position the views did not reach within the wait."""


# How long a read with `?na=` may wait for the views (the contract says at most 2 s).
NA_WACHTTIJD = 2.0


def _na(meer: str = "") -> Any:
    """The `?na=` query parameter of the reads that wait for their views."""
    return Query(
        ge=0,
        le=10**15,
        description="Logpositie (`positie` uit een opdracht-antwoord) die deze weergave moet "
        "hebben verwerkt; wacht maximaal 2 s, anders 503 met Retry-After." + meer,
    )


def _einde_van_het_log(runner: Projectierunner, na: int | None) -> int:
    """The end of the log now. A `na` past it was never handed out by a command: waiting
    for it could not help, so it is bad input rather than a view lagging behind."""
    einde = runner.gebeurtenislog.einde()
    if na is not None and na > einde:
        raise _ongeldige_header("na", "deze logpositie bestaat niet", plek="query")
    return int(einde)


def wacht_op(*namen: str) -> Any:
    """A dependency that makes a read wait until the named views saw `?na=<positie>`."""

    def afhankelijkheid(runner: Views, na: Annotated[int | None, _na()] = None) -> None:
        if na is None:
            return
        _einde_van_het_log(runner, na)
        if not beheer.wacht_tot(runner, na, namen, timeout=NA_WACHTTIJD):
            raise NogNietBijgewerkt

    return Depends(afhankelijkheid)


def actueel(*namen: str) -> Any:
    """`wacht_op` for an overview that decides on view rows who may see which file (the
    case list, agenda, caseload): the named views must have processed the log as far as
    it reached when the request came in, or the answer would rest on rows from before,
    say, a withdrawn consent. Current (nearly every read): two small queries; behind:
    it waits as `?na=` does; stopped, or not there in time: 503 `weergave_achter`."""

    def afhankelijkheid(
        runner: Views,
        _: CurrentUser,  # authentication first: no 503 where the answer is 401
        na: Annotated[
            int | None,
            _na(" Dit overzicht wacht hoe dan ook tot het actueel is (`weergave_achter`)."),
        ] = None,
    ) -> None:
        einde = _einde_van_het_log(runner, na)
        if beheer.bij(runner, einde, namen):
            return
        if not beheer.wacht_tot(runner, einde, namen, timeout=NA_WACHTTIJD):
            # The client's own write not yet seen keeps its code; otherwise the view is
            # behind (or stopped): no rows at all rather than stale ones.
            if na is not None and not beheer.bij(runner, na, namen):
                raise NogNietBijgewerkt
            raise beheer.WeergaveAchter

    return Depends(afhankelijkheid)


def _kop(waarde: str | None, maximaal: int = 500) -> str | None:
    if waarde is None:
        return None
    if not waarde.isprintable():
        # Only the User-Agent gets here unchecked (the text headers are refused with
        # control characters, api/koppen.py): it is logged, not refused.
        waarde = "".join(t if t.isprintable() else " " for t in waarde)
    # A header value lands in the access log: keep it short and on one line.
    schoon = " ".join(waarde.split())[:maximaal]
    return schoon or None


NamensKop = Annotated[str | None, X_NAMENS.header()]
DoelKop = Annotated[str | None, X_DOEL.header()]
NoodtoegangKop = Annotated[str | None, X_NOODTOEGANG.header()]


def bron_van(
    request: Request, namens: str | None, doel: str | None, noodtoegang: str | None
) -> Bron:
    client = request.client
    return Bron(
        adres=client.host if client else None,
        agent=_kop(koppen_van(request.scope).get("user-agent"), 300),
        request_id=request.scope.get(REQUEST_ID_SLEUTEL),
        namens=_kop(namens, 200),
        doel=_kop(doel),
        noodtoegang=_kop(noodtoegang),
    )


async def _bron(
    request: Request,
    namens: NamensKop = None,
    doel: DoelKop = None,
    noodtoegang: NoodtoegangKop = None,
) -> Bron:
    fouten: list[dict[str, Any]] = []
    namens, doel, noodtoegang = (
        kop.ontcijfer(waarde, fouten)
        for kop, waarde in ((X_NAMENS, namens), (X_DOEL, doel), (X_NOODTOEGANG, noodtoegang))
    )
    if fouten:
        raise RequestValidationError(fouten)
    return bron_van(request, namens, doel, noodtoegang)


BronDep = Annotated[Bron, Depends(_bron)]
