"""The request headers of the contract, declared once.

Reads take the NEN 7513 headers as FastAPI parameters (`Kop.header()` in deps.py).
Commands read all of theirs in one dependency (`api/opdracht.py`) with `Kop.lees`, which
checks them as FastAPI would and answers with the same 422, and list them in the OpenAPI
document with `Kop.openapi()`, which writes what FastAPI writes for such a parameter
(tests/e2e/test_opdracht_koppen.py holds the two to each other).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated, Any

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


@dataclass(frozen=True)
class Kop:
    naam: str
    beschrijving: str
    max_lengte: int
    min_lengte: int | None = None

    def header(self) -> Any:
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
        tekst["maxLength"] = self.max_lengte
        return {
            "name": self.naam,
            "in": "header",
            "required": False,
            "schema": {
                "anyOf": [tekst, {"type": "null"}],
                "description": self.beschrijving,
                "title": self.naam,
            },
            "description": self.beschrijving,
        }

    def lees(self, koppen: dict[str, str], fouten: list[dict[str, Any]]) -> str | None:
        """The header's value (`koppen` from `koppen_van`), or None; what breaks its
        limits goes into `fouten` in FastAPI's form (so the caller raises one
        RequestValidationError for all)."""
        waarde = koppen.get(self.naam.lower())
        if waarde is None:
            return None
        try:
            return _controle(self.min_lengte, self.max_lengte).validate_python(waarde)
        except ValidationError as fout:
            fouten += [
                {**e, "loc": ("header", self.naam, *e["loc"])}
                for e in fout.errors(include_url=False)
            ]
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
X_NAMENS = Kop("X-Namens", "Namens wie u dit opvraagt (NEN 7513).", 200)
X_DOEL = Kop("X-Doel", "Waarvoor u dit opvraagt (NEN 7513).", 500)
X_NOODTOEGANG = Kop(
    "X-Noodtoegang",
    "Reden voor noodtoegang (zorgteam, teamleider): opent een dossier buiten uw relatie; "
    "wordt als noodtoegang vastgelegd en gerapporteerd.",
    500,
)
