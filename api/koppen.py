"""The request headers of the contract, declared once.

Reads take the NEN 7513 headers as FastAPI parameters (`Kop.header()` in deps.py).
Commands read all of theirs in one dependency (`api/opdracht.py`) with `Kop.lees`, which
checks them as FastAPI would and answers with the same 422, and list them in the OpenAPI
document with `Kop.openapi()`, which writes what FastAPI writes for such a parameter
(tests/e2e/test_opdracht_koppen.py holds the two to each other).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Header
from pydantic import TypeAdapter, ValidationError
from pydantic.types import StringConstraints
from starlette.types import Scope

_SCOPE_SLEUTEL = "zorgroute.koppen"


def koppen_van(scope: Scope) -> dict[str, str]:
    """The request's headers by (lower-case) name, the first of a repeated one as
    Starlette's `Headers.get` gives it; decoded once per request and kept in the scope,
    instead of a scan of the raw list for each of the ~10 a command reads."""
    koppen: dict[str, str] | None = scope.get(_SCOPE_SLEUTEL)
    if koppen is None:
        koppen = scope[_SCOPE_SLEUTEL] = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in reversed(scope["headers"])
        }
    return koppen


# Percent-encoded, a character is at most 4 UTF-8 bytes of 3 characters each.
_PER_TEKEN = 12
_GEEN_UTF8 = (
    "geen geldige UTF-8; stuur tekst buiten ASCII als procent-gecodeerde UTF-8, "
    "bijv. su%C3%AFcidale%20gedachten"
)


def tekst_uit_kop(waarde: str, max_lengte: int) -> str:
    """Text from a header: UTF-8, percent-encoded as in RFC 8187 (`su%C3%AFcidale`); plain
    ASCII reads as it is, and so do raw UTF-8 bytes (what curl sends). A `%` not followed
    by two hex digits stays a `%`. Raises ValueError with a Dutch reason."""
    try:
        # The server gave the bytes as latin-1 characters: back to bytes, read as UTF-8.
        tekst = waarde.encode("latin-1").decode("utf-8")
        if "%" in tekst:
            tekst = unquote(tekst, errors="strict")
    except UnicodeError as fout:
        raise ValueError(_GEEN_UTF8) from fout
    if not tekst.isprintable() and any(
        unicodedata.category(t) == "Cc" and t not in "\t\n\r" for t in tekst
    ):
        # Tab and newline become a space in the access log; other control characters
        # (NUL first) have no place in stored text.
        raise ValueError("bevat stuurtekens")
    if len(tekst) > max_lengte:
        raise ValueError(f"te lang: hoogstens {max_lengte} tekens (na decoderen)")
    return tekst


@dataclass(frozen=True)
class Kop:
    naam: str
    beschrijving: str
    max_lengte: int
    min_lengte: int | None = None
    # Free text (`tekst_uit_kop`): `max_lengte` counts its decoded characters.
    tekst: bool = False

    @property
    def ruw_max(self) -> int:
        """Longest value as sent: every text of `max_lengte` characters fits encoded."""
        return self.max_lengte * _PER_TEKEN if self.tekst else self.max_lengte

    def header(self) -> Any:
        if self.tekst:
            # The documented limit counts decoded characters (what ASCII sends as is);
            # the encoded value may be longer, so FastAPI must not hold it to that.
            return Header(
                alias=self.naam,
                description=self.beschrijving,
                min_length=self.min_lengte,
                json_schema_extra={"maxLength": self.max_lengte},
            )
        return Header(
            alias=self.naam,
            description=self.beschrijving,
            min_length=self.min_lengte,
            max_length=self.max_lengte,
        )

    def openapi(self) -> dict[str, Any]:
        tekst: dict[str, Any] = {"type": "string"}
        if self.min_lengte is not None:
            tekst["minLength"] = self.min_lengte
        schema: dict[str, Any] = {
            "anyOf": [tekst, {"type": "null"}],
            "description": self.beschrijving,
            "title": self.naam,
        }
        if self.tekst:
            schema["maxLength"] = self.max_lengte
        else:
            tekst["maxLength"] = self.max_lengte
        return {
            "name": self.naam,
            "in": "header",
            "required": False,
            "schema": schema,
            "description": self.beschrijving,
        }

    def lees(self, koppen: dict[str, str], fouten: list[dict[str, Any]]) -> str | None:
        """The header's value (`koppen` from `koppen_van`), or None; what breaks its
        limits goes into `fouten` in FastAPI's form (so the caller raises one
        RequestValidationError for all)."""
        waarde = koppen.get(self.naam.lower())
        if waarde is None:
            return None
        if self.tekst:
            return self.ontcijfer(waarde, fouten)
        try:
            waarde = _controle(self.min_lengte, self.max_lengte).validate_python(waarde)
        except ValidationError as fout:
            fouten += [
                {**e, "loc": ("header", self.naam, *e["loc"])}
                for e in fout.errors(include_url=False)
            ]
            return None
        return waarde

    def ontcijfer(self, waarde: str | None, fouten: list[dict[str, Any]]) -> str | None:
        """A text header's decoded value (`tekst_uit_kop`); what it refuses goes into
        `fouten`, naming the header. Other headers as they are."""
        if waarde is None or not self.tekst:
            return waarde
        try:
            if len(waarde) > self.ruw_max:
                raise ValueError(f"te lang: hoogstens {self.max_lengte} tekens")
            return tekst_uit_kop(waarde, self.max_lengte)
        except ValueError as fout:
            melding = str(fout)
            fouten.append(
                {
                    "type": "value_error",
                    "loc": ("header", self.naam),
                    "msg": melding,
                    "melding": melding,
                }
            )
            return None


@functools.cache
def _controle(min_lengte: int | None, max_lengte: int) -> TypeAdapter[str]:
    return TypeAdapter(
        Annotated[str, StringConstraints(min_length=min_lengte, max_length=max_lengte)]
    )


IF_MATCH = Kop("If-Match", 'Verwachte versie: `3` of `"3"`. Anders 412 `versie_conflict`.', 64)
IDEMPOTENCY_KEY = Kop(
    "Idempotency-Key",
    "Herhaalt u het verzoek met dezelfde sleutel, dan komt hetzelfde antwoord.",
    200,
    min_lengte=1,
)
_TEKST = (
    " Tekst buiten ASCII als procent-gecodeerde UTF-8 (RFC 8187), bijv. "
    "`su%C3%AFcidale%20gedachten`; een letterlijke `%` als `%25`. Hoogstens {n} tekens na "
    "decoderen, zonder stuurtekens."
)
X_NAMENS = Kop(
    "X-Namens", "Namens wie u dit opvraagt (NEN 7513)." + _TEKST.format(n=200), 200, tekst=True
)
X_DOEL = Kop(
    "X-Doel", "Waarvoor u dit opvraagt (NEN 7513)." + _TEKST.format(n=500), 500, tekst=True
)
X_NOODTOEGANG = Kop(
    "X-Noodtoegang",
    "Reden voor noodtoegang (zorgteam, teamleider): opent een dossier buiten uw relatie; "
    "wordt als noodtoegang vastgelegd en gerapporteerd." + _TEKST.format(n=500),
    500,
    tekst=True,
)
