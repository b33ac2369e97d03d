"""Every error as `application/problem+json` (RFC 9457) with a stable English `code`.

`detail` is Dutch and meant for people; `code` is what clients branch on. Nothing from
inside the server (exception text, input values) reaches a problem: input may be a
pupil's data, and internals help only an attacker.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
import psycopg_pool
from eventsourcing import persistence as es_persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

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

MEDIA_TYPE = "application/problem+json"
TYPE_BASIS = "https://zorgroute.nl/problemen/"

# Rule codes about the input's content rather than the file's state: the same request
# would fail on any file, so it is the client's input (422), not a conflict (409).
INVOER_REGELS = frozenset(
    {
        "evaluatiedatum_ontbreekt",
        "evaluatiedatum_ongeldig",
        "onderwerp_past_niet",
        "datum_in_toekomst",
    }
)

TITELS: dict[str, str] = {
    "niet_geauthenticeerd": "Niet geauthenticeerd",
    "niet_gevonden": "Niet gevonden",
    "methode_niet_toegestaan": "Methode niet toegestaan",
    "versie_conflict": "Versieconflict",
    "idempotency_key_hergebruikt": "Idempotency-Key hergebruikt",
    "ongeldige_invoer": "Ongeldige invoer",
    "te_groot": "Verzoek te groot",
    "koppen_te_groot": "Headers te groot",
    "te_veel_pogingen": "Te veel mislukte aanmeldingen",
    "te_druk": "Tijdelijk te druk",
    "niet_gereed": "Dienst niet gereed",
    "geen_toegang": "Geen toegang",
    "versie_verborgen": "Versie niet zichtbaar",
    "onderwerp_vast": "Onderwerp niet te corrigeren",
    "onderwerp_ongewijzigd": "Onderwerp ongewijzigd",
    "niet_anoniem": "Dossier niet anoniem",
    "signaalgever_onbekend": "Signaalgever onbekend",
    "toegangslog_onbeschikbaar": "Toegangslog niet beschikbaar",
    "database_onbereikbaar": "Database niet bereikbaar",
    "nog_niet_bijgewerkt": "Weergave nog niet bijgewerkt",
    "weergave_achter": "Weergave loopt achter",
    "interne_fout": "Interne fout",
    "datum_in_toekomst": "Datum in de toekomst",
}

# Status codes Starlette raises itself (routing, body parsing) → our code and Dutch text.
_HTTP_CODES: dict[int, tuple[str, str]] = {
    404: ("niet_gevonden", "Deze bron bestaat niet."),
    405: ("methode_niet_toegestaan", "Deze methode is hier niet toegestaan."),
    413: ("te_groot", "Het verzoek is groter dan toegestaan."),
}


class VeldFout(BaseModel):
    veld: str
    melding: str


class Probleem(BaseModel):
    """RFC 9457 problem details, plus `code` (stable) and, for 422, `fouten` per field."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    fouten: list[VeldFout] | None = None


def probleem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASIS + code,
        "title": TITELS.get(code, code.replace("_", " ").capitalize()),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=MEDIA_TYPE
    )


def te_groot(max_bytes: int) -> JSONResponse:
    return probleem(413, "te_groot", f"Het verzoek is groter dan {max_bytes} bytes.")


def interne_fout() -> JSONResponse:
    return probleem(
        500,
        "interne_fout",
        "Er ging aan onze kant iets mis. Vermeld bij contact de X-Request-ID van dit antwoord.",
    )


# ---- validation errors: every bad field, by path, in Dutch -----------------------------

_MELDINGEN: dict[str, str] = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld",
    "literal_error": "ongeldige waarde; toegestaan: {expected}",
    "enum": "ongeldige waarde; toegestaan: {expected}",
    "string_too_long": "te lang: hoogstens {max_length} tekens",
    "string_too_short": "te kort: minstens {min_length} teken(s)",
    "string_pattern_mismatch": "heeft niet de vereiste vorm",
    "too_long": "te veel items: hoogstens {max_length}",
    "too_short": "te weinig items: minstens {min_length}",
    "string_type": "moet een tekst zijn",
    "string_unicode": "bevat ongeldige tekens (geen geldige Unicode)",
    "bool_type": "moet true of false zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "date_from_datetime_parsing": "geen bestaande datum (JJJJ-MM-DD)",
    "date_parsing": "geen bestaande datum (JJJJ-MM-DD)",
    "date_type": "moet een datum zijn als JJJJ-MM-DD",
    "datetime_parsing": "geen geldig tijdstip (ISO 8601 met tijdzone)",
    "datetime_from_date_parsing": "geen geldig tijdstip (ISO 8601 met tijdzone)",
    "datetime_type": "geen geldig tijdstip (ISO 8601 met tijdzone)",
    "timezone_aware": "tijdstip moet een tijdzone hebben, bijv. 2025-03-01T12:00:00+01:00",
    "uuid_parsing": "geen geldige UUID",
    "uuid_type": "geen geldige UUID",
    "json_invalid": "geen geldige JSON",
    "model_attributes_type": "moet een JSON-object zijn",
    "dict_type": "moet een JSON-object zijn",
    "model_type": "moet een JSON-object zijn",
    "list_type": "moet een lijst zijn",
    "union_tag_invalid": "onbekend type; toegestaan: {expected_tags}",
    "union_tag_not_found": "veld 'type' ontbreekt",
}
# Locations FastAPI prefixes; the body's is dropped, the others name the parameter.
_LOCATIES = {"body", "query", "path", "header", "cookie"}
_ONDERWERP_TYPES = {"leerling", "klas"}


def _pad(fout: Mapping[str, Any]) -> str:
    loc = [str(d) for d in fout.get("loc", ())]
    if loc and loc[0] == "body":
        loc = loc[1:]
    elif loc and loc[0] in _LOCATIES:
        loc = loc[1:2]
    # A tagged union adds the tag to the path; `onderwerp.naam` reads better.
    loc = [
        d
        for i, d in enumerate(loc)
        if not (i and loc[i - 1] == "onderwerp" and d in _ONDERWERP_TYPES)
    ]
    veld = (fout.get("ctx") or {}).get("veld")
    if veld:
        loc.append(str(veld))
    return ".".join(loc) or "body"


def _melding(fout: Mapping[str, Any]) -> str:
    if "melding" in fout:
        return str(fout["melding"])
    ctx = fout.get("ctx") or {}
    sjabloon = _MELDINGEN.get(str(fout.get("type")))
    if sjabloon is not None:
        try:
            return sjabloon.format(**ctx)
        except (KeyError, IndexError, ValueError):
            pass
    if fout.get("type") == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return str(fout.get("msg", "ongeldige waarde"))


def veldfouten(fouten: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Field path and message only: the rejected value may be a pupil's data."""
    return [{"veld": _pad(f), "melding": _melding(f)} for f in fouten]


def ongeldige_invoer(fouten: list[dict[str, Any]], detail: str | None = None) -> JSONResponse:
    velden = ", ".join(dict.fromkeys(f["veld"] for f in fouten))
    return probleem(
        422,
        "ongeldige_invoer",
        detail or f"De invoer is ongeldig: {velden}.",
        fouten=fouten,
    )


# ---- exception handlers ------------------------------------------------------------------


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


async def _toegangslog_onbeschikbaar(_: Request, __: Exception) -> JSONResponse:
    # Fail closed: without a record of who looked, nobody gets to look.
    return probleem(
        503,
        "toegangslog_onbeschikbaar",
        "De inzage kan nu niet worden vastgelegd; daarom worden er geen gegevens getoond. "
        "Probeer het zo opnieuw.",
        headers={"Retry-After": "5"},
    )


async def _opslag_gesloten(_: Request, __: Exception) -> JSONResponse:
    # The service is stopping: it refused the command before storing anything of it.
    return probleem(
        503,
        "niet_gereed",
        "De dienst stopt; er is niets opgeslagen. Probeer het zo opnieuw.",
        headers={"Retry-After": "2"},
    )


async def _database_weg(_: Request, __: Exception) -> JSONResponse:
    # The database is away (restart, failover): a temporary condition, not a bug. The
    # pools reconnect by themselves once it is back.
    return probleem(
        503,
        "database_onbereikbaar",
        "De database is even niet bereikbaar; er is niets opgeslagen of getoond. "
        "Probeer het zo opnieuw.",
        headers={"Retry-After": "2"},
    )


async def _weergave_achter(_: Request, __: Exception) -> JSONResponse:
    # An overview decides on its view's rows who sees which file: while they cannot be
    # current (the view is stopped, or behind for longer than the wait), it shows none.
    return probleem(
        503,
        "weergave_achter",
        "Dit overzicht kan nu niet actueel worden getoond; er worden geen verouderde "
        "gegevens getoond. Probeer het zo opnieuw.",
        headers={"Retry-After": "2"},
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


def fout_antwoorden(*statussen: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: these statuses answer a `Probleem` (see `app._openapi`)."""
    return {
        s: {"model": Probleem, "description": _BESCHRIJVINGEN.get(s, "Probleem")} for s in statussen
    }


_BESCHRIJVINGEN = {
    401: "Geen, ongeldig of verlopen token (`niet_geauthenticeerd`).",
    403: "Binnen de school, maar geen toegang (`geen_toegang`).",
    404: "Dossier onbekend of van een andere school (`niet_gevonden`).",
    409: "Een regel van de zorgroute staat dit niet toe (`code` zegt welke).",
    412: "If-Match komt niet overeen met de actuele versie (`versie_conflict`).",
    413: "Body groter dan 1 MiB (`te_groot`).",
    429: "Te veel mislukte aanmeldingen vanaf dit adres (`te_veel_pogingen`, met Retry-After).",
    431: "Headers samen of één header te groot (`koppen_te_groot`).",
    422: "Ongeldige invoer; `fouten` noemt elk veld.",
    503: "Tijdelijk niet beschikbaar; probeer het opnieuw.",
}
