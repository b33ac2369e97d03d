"""Content negotiation for exports: `?formaat=` wins, otherwise the Accept header."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def kies_formaat(request: Request, formaat: str | None, toegestaan: tuple[str, ...]) -> str:
    if formaat is not None:
        return formaat
    accept = request.headers.get("accept", "")
    for naam in toegestaan:
        if naam != "json" and MEDIA_TYPES[naam].split(";")[0] in accept:
            return naam
    return "json"


def als_bestand(inhoud: str, formaat: str, bestandsnaam: str) -> Response:
    if formaat == "html":
        return HTMLResponse(inhoud)
    antwoord = PlainTextResponse(inhoud, media_type=MEDIA_TYPES[formaat])
    antwoord.headers["Content-Disposition"] = f'attachment; filename="{bestandsnaam}.{formaat}"'
    return antwoord
