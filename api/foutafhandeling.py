"""Each exception a request can end in, mapped to its problem (`api.problemen`): the
status, the stable `code` and the headers (Retry-After, ETag, WWW-Authenticate) it gets.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import psycopg_pool
from eventsourcing import persistence as es_persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.problemen import ongeldige_invoer, probleem, veldfouten
from application.fouten import (
    CasusNietGevonden,
    GeenToegang,
    IdempotentieSleutelHergebruikt,
    OngeldigeInvoer,
    TeVeelGelijktijdigeWijzigingen,
    VersieConflict,
)
from application.poorten import OpslagGesloten
from application.toegangslog import ToegangslogOnbeschikbaar
from domain.fouten import DomeinFout, Regelfout
from infrastructure.auth import OngeldigToken
from projections.beheer import WeergaveAchter

Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]

# Rule codes about the input's content rather than the file's state: the same request
# would fail on any file, so it is the client's input (422), not a conflict (409).
INVOER_REGELS = frozenset(
    {
        "evaluatiedatum_ongeldig",
        "onderwerp_past_niet",
        "datum_in_toekomst",
    }
)

# Status codes Starlette raises itself (routing, body parsing) → our code and Dutch text.
_HTTP_CODES: dict[int, tuple[str, str]] = {
    404: ("niet_gevonden", "Deze bron bestaat niet."),
    405: ("methode_niet_toegestaan", "Deze methode is hier niet toegestaan."),
    413: ("te_groot", "Het verzoek is groter dan toegestaan."),
}


async def _regelfout(_: Request, fout: Exception) -> JSONResponse:
    assert isinstance(fout, Regelfout)
    # A rule about one input field names it, as every other 422 does.
    extra: dict[str, Any] = {}
    if fout.veld:
        extra["fouten"] = [{"veld": fout.veld, "melding": fout.melding}]
    return probleem(422 if fout.code in INVOER_REGELS else 409, fout.code, fout.melding, **extra)


async def _domeinfout(_: Request, fout: Exception) -> JSONResponse:
    assert isinstance(fout, DomeinFout)
    if isinstance(fout, CasusNietGevonden):
        return probleem(404, fout.code, fout.melding)
    if isinstance(fout, GeenToegang):
        return probleem(403, fout.code, fout.melding)
    if isinstance(fout, VersieConflict):
        return probleem(
            412,
            fout.code,
            fout.melding,
            headers={"ETag": f'"{fout.actueel}"'},
            verwachte_versie=fout.verwacht,
            actuele_versie=fout.actueel,
        )
    if isinstance(fout, IdempotentieSleutelHergebruikt):
        return probleem(422, fout.code, fout.melding)
    if isinstance(fout, OngeldigeInvoer):
        return ongeldige_invoer(fout.fouten, fout.melding)
    if isinstance(fout, TeVeelGelijktijdigeWijzigingen):
        return probleem(503, fout.code, fout.melding, headers={"Retry-After": "1"})
    return probleem(422, fout.code, fout.melding)


async def _ongeldig_token(_: Request, fout: Exception) -> JSONResponse:
    assert isinstance(fout, OngeldigToken)
    ontbreekt = fout.reden == "token ontbreekt"
    # RFC 6750: no error attribute when the client sent no credentials at all.
    uitdaging = (
        'Bearer realm="zorgroute"'
        if ontbreekt
        else 'Bearer realm="zorgroute", error="invalid_token"'
    )
    return probleem(
        401,
        "niet_geauthenticeerd",
        f"Niet aangemeld: {fout.reden}. Stuur een geldig token als 'Authorization: Bearer <token>'.",
        headers={"WWW-Authenticate": uitdaging},
    )


async def _validatiefout(_: Request, fout: Exception) -> JSONResponse:
    assert isinstance(fout, RequestValidationError)
    return ongeldige_invoer(veldfouten(fout.errors()))


async def _http_fout(_: Request, fout: Exception) -> JSONResponse:
    assert isinstance(fout, StarletteHTTPException)
    if fout.status_code == 400:
        # FastAPI's only 400 is a body it could not decode (e.g. not UTF-8): bad input,
        # which the contract answers with 422 like every other validation error.
        return ongeldige_invoer([{"veld": "body", "melding": "geen geldige JSON (UTF-8)"}])
    code, detail = _HTTP_CODES.get(
        fout.status_code, (f"http_{fout.status_code}", "Het verzoek kon niet worden verwerkt.")
    )
    return probleem(fout.status_code, code, detail, headers=fout.headers)


def _tijdelijk(code: str, detail: str, seconden: int) -> Handler:
    """A temporary condition: 503 with Retry-After; nothing was stored or shown."""

    async def afhandeling(_: Request, __: Exception) -> JSONResponse:
        return probleem(503, code, detail, headers={"Retry-After": str(seconden)})

    return afhandeling


# Fail closed: without a record of who looked, nobody gets to look.
_toegangslog_onbeschikbaar = _tijdelijk(
    "toegangslog_onbeschikbaar",
    "De inzage kan nu niet worden vastgelegd; daarom worden er geen gegevens getoond. "
    "Probeer het zo opnieuw.",
    5,
)
# The service is stopping: it refused the command before storing anything of it.
_opslag_gesloten = _tijdelijk(
    "niet_gereed", "De dienst stopt; er is niets opgeslagen. Probeer het zo opnieuw.", 2
)
# The database is away (restart, failover): a temporary condition, not a bug. The pools
# reconnect by themselves once it is back.
_database_weg = _tijdelijk(
    "database_onbereikbaar",
    "De database is even niet bereikbaar; er is niets opgeslagen of getoond. "
    "Probeer het zo opnieuw.",
    2,
)
# An overview decides on its view's rows who sees which file: while they cannot be
# current (the view is stopped, or behind for longer than the wait), it shows none.
_weergave_achter = _tijdelijk(
    "weergave_achter",
    "Dit overzicht kan nu niet actueel worden getoond; er worden geen verouderde "
    "gegevens getoond. Probeer het zo opnieuw.",
    2,
)


# What a database that is away raises, through eventsourcing and directly through psycopg.
DATABASE_WEG: tuple[type[Exception], ...] = (
    es_persistence.OperationalError,
    es_persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
    sqlite3.OperationalError,
)


def registreer_foutafhandeling(app: FastAPI) -> None:
    app.add_exception_handler(ToegangslogOnbeschikbaar, _toegangslog_onbeschikbaar)
    app.add_exception_handler(OpslagGesloten, _opslag_gesloten)
    app.add_exception_handler(WeergaveAchter, _weergave_achter)
    for fout in DATABASE_WEG:
        app.add_exception_handler(fout, _database_weg)
    app.add_exception_handler(Regelfout, _regelfout)
    app.add_exception_handler(DomeinFout, _domeinfout)
    app.add_exception_handler(OngeldigToken, _ongeldig_token)
    app.add_exception_handler(RequestValidationError, _validatiefout)
    app.add_exception_handler(StarletteHTTPException, _http_fout)
