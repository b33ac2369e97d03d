"""Bounded field types of the query parameters (api.md, "Limits"); the types of a
command's body are the domain's (domain/invoer.py), re-exported here for the routers.

Bounds are part of the schema, so the OpenAPI document states them and a client (or
schemathesis) learns them from there instead of from a 422. docs/invoer.md lists every
kind of text and date, what is refused and with which code.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Annotated, Any

import orjson
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from domain.invoer import (
    DATUM_PATROON,
    EERSTE_DAG,
    JAAR,
    LAATSTE_DAG,
    MAX_NAAM,
    REGEL_TEKEN,
    STUURTEKEN,
    Datum,
    Item,
    Naam,
    Tekst,
    enkele_regel,
    patroon,
)

__all__ = ["DATUM_PATROON", "TIJDSTIP_PATROON", "Cursor", "Datum", "Item", "Naam", "Tekst"]
__all__ += ["Tijdstip", "Zoekterm"]

# ISO 8601 with a zone (Z or ±HH:MM), seconds and fractions optional.
TIJDSTIP_PATROON = (
    rf"^{JAAR}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d{{1,6}})?)?"
    r"(?:Z|[+-]\d{2}:\d{2})$"
)
_ISO_MOMENT = re.compile(TIJDSTIP_PATROON.replace(JAAR, r"\d{4}", 1))


def _alleen_iso_moment(waarde: Any) -> Any:
    if isinstance(waarde, datetime) or (isinstance(waarde, str) and _ISO_MOMENT.fullmatch(waarde)):
        return waarde
    raise PydanticCustomError(
        "tijdstip_formaat", "moet een tijdstip zijn als 2025-03-01T12:00:00+01:00 (met tijdzone)"
    )


def _moment_in_bereik(waarde: datetime) -> datetime:
    # The range is on the moment as written (so the OpenAPI pattern can state it); in
    # UTC it then lies at most a day beyond, which every store and comparison can hold,
    # where 9999-12-31T23:59:59-14:00 could not be converted at all.
    if not EERSTE_DAG <= waarde.date() <= LAATSTE_DAG:
        raise PydanticCustomError(
            "tijdstip_buiten_bereik", "moet een tijdstip tussen 1900-01-01 en 2199-12-31 zijn"
        )
    return waarde


def _cursor(waarde: str) -> str:
    # Opaque to clients, but what it decodes to is compared in the database: the same
    # rule as for every other text (projections/casussen.py writes it).
    try:
        inhoud = orjson.loads(base64.urlsafe_b64decode(waarde.encode("ascii")))
        goed = (
            isinstance(inhoud, list)
            and len(inhoud) == 2
            and all(isinstance(d, str) and not STUURTEKEN.search(d) for d in inhoud)
        )
    except (ValueError, UnicodeEncodeError):
        goed = False
    if not goed:
        raise PydanticCustomError(
            "cursor_ongeldig", "ongeldige cursor; gebruik `volgende_cursor` uit een vorig antwoord"
        )
    return waarde


# A text a read filters or searches by (a query parameter): one line, may be empty.
Zoekterm = Annotated[
    str,
    StringConstraints(max_length=MAX_NAAM),
    AfterValidator(enkele_regel),
    patroon(REGEL_TEKEN, leeg_mag=True),
]
Cursor = Annotated[
    str,
    StringConstraints(max_length=500, pattern=r"^[A-Za-z0-9_=-]*$"),
    AfterValidator(_cursor),
]
# A moment with its zone, ISO 8601 only.
Tijdstip = Annotated[
    AwareDatetime,
    BeforeValidator(_alleen_iso_moment),
    AfterValidator(_moment_in_bereik),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIJDSTIP_PATROON}),
]
