"""Every error as `application/problem+json` (RFC 9457) with a stable English `code`.

`detail` is Dutch and meant for people; `code` is what clients branch on. Nothing from
inside the server (exception text, input values) reaches a problem: input may be a
pupil's data, and internals help only an attacker.

Here the problem itself: its model, its titles, its 422 per field and the error answers a
route declares; `api.foutafhandeling` maps each exception to one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

MEDIA_TYPE = "application/problem+json"
TYPE_BASIS = "https://zorgroute.nl/problemen/"

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
