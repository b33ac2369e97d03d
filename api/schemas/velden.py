"""Bounded field types shared by every request model and query parameter (api.md, "Limits").

Bounds are part of the schema, so the OpenAPI document states them and a client (or
schemathesis) learns them from there instead of from a 422. docs/invoer.md lists every
kind of text and date, what is refused and with which code.
"""

from __future__ import annotations

import base64
import re
from datetime import date, datetime
from typing import Annotated, Any

import orjson
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

MAX_TEKST = 10_000
MAX_ITEM = 1_000
MAX_LIJST = 50
# Names, numbers and ids: short by nature; a megabyte "class name" is an attack, not data.
MAX_NAAM = 200

# The plausible range of every date and moment: a pupil's or a staff member's birth date
# lies after 1900, and a plan more than a lifetime ahead is a typing error. Far inside
# what Python, PostgreSQL and SQLite can count, so windows around a date (+28 days for
# the next OZS meeting, a year for an OPP, the agenda's look-ahead) never overflow.
EERSTE_DAG, LAATSTE_DAG = date(1900, 1, 1), date(2199, 12, 31)

# The same, as the OpenAPI document states it: a year 1900-2199, ISO text only.
_JAAR = r"(?:19|20|21)\d{2}"
DATUM_PATROON = rf"^{_JAAR}-\d{{2}}-\d{{2}}$"
# ISO 8601 with a zone (Z or ±HH:MM), seconds and fractions optional.
TIJDSTIP_PATROON = (
    rf"^{_JAAR}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d{{1,6}})?)?"
    r"(?:Z|[+-]\d{2}:\d{2})$"
)
_ISO_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(TIJDSTIP_PATROON.replace(_JAAR, r"\d{4}", 1))

# Control characters (C0, DEL, C1) and lone surrogates. PostgreSQL refuses NUL in text
# (one such name stopped every view of a deployment), a surrogate cannot be written as
# UTF-8, and the others break CSV exports, logs and terminals downstream.
_STUURTEKEN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Free text keeps its layout: tab, newline, and a carriage return only as part of CRLF.
_STUURTEKEN_VRIJ = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")


def _vrije_tekst(waarde: str) -> str:
    if _STUURTEKEN_VRIJ.search(waarde):
        raise PydanticCustomError(
            "tekst_stuurteken",
            "bevat een stuurteken (zoals NUL) of een ongeldig teken; alleen tab en "
            "regeleinde zijn toegestaan",
        )
    return _niet_leeg(waarde)


def _enkele_regel(waarde: str) -> str:
    if _STUURTEKEN.search(waarde):
        raise PydanticCustomError(
            "tekst_stuurteken",
            "bevat een stuurteken (zoals NUL, tab of regeleinde) of een ongeldig teken",
        )
    return waarde


def _niet_leeg(waarde: str) -> str:
    if not waarde.strip():
        raise PydanticCustomError("tekst_leeg", "mag niet leeg zijn of alleen spaties bevatten")
    return waarde


def _alleen_iso_datum(waarde: Any) -> Any:
    # pydantic's lax date also takes timestamps ("0" is 1970-01-01) and datetimes; the
    # contract says YYYY-MM-DD.
    if isinstance(waarde, date) or (isinstance(waarde, str) and _ISO_DATUM.fullmatch(waarde)):
        return waarde
    raise PydanticCustomError("datum_formaat", "moet een datum zijn als JJJJ-MM-DD")


def _dag_in_bereik(waarde: date) -> date:
    if not EERSTE_DAG <= waarde <= LAATSTE_DAG:
        raise PydanticCustomError(
            "datum_buiten_bereik", "moet een datum tussen 1900-01-01 en 2199-12-31 zijn"
        )
    return waarde


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
            and all(isinstance(d, str) and not _STUURTEKEN.search(d) for d in inhoud)
        )
    except (ValueError, UnicodeEncodeError):
        goed = False
    if not goed:
        raise PydanticCustomError(
            "cursor_ongeldig", "ongeldige cursor; gebruik `volgende_cursor` uit een vorig antwoord"
        )
    return waarde


# The same rules as patterns in the OpenAPI document, so that a client (or schemathesis)
# learns them there: no control character, and something besides spaces. Only stated
# there (pydantic's own regex engine is not Python's); the checks above give the message.
_REGEL = r"[^\x00-\x1f\x7f-\x9f]"
_VRIJ = r"(?:[^\x00-\x08\x0b-\x1f\x7f-\x9f]|\r\n)"
_ZICHTBAAR = r"[^\s\x00-\x1f\x7f-\x9f]"


def _patroon(teken: str, leeg_mag: bool = False) -> Any:
    patroon = f"^{teken}*$" if leeg_mag else f"^{teken}*{_ZICHTBAAR}{teken}*$"
    return Field(json_schema_extra={"pattern": patroon})


# Free text (a summary, an advice): may run over several lines.
Tekst = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEKST),
    AfterValidator(_vrije_tekst),
    _patroon(_VRIJ),
]
# One line of a list (an action, a goal, who was present).
Item = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_ITEM),
    AfterValidator(_enkele_regel),
    AfterValidator(_niet_leeg),
    _patroon(_REGEL),
]
# Names, numbers, ids and codes.
Naam = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAAM),
    AfterValidator(_enkele_regel),
    AfterValidator(_niet_leeg),
    _patroon(_REGEL),
]
# A text a read filters or searches by (a query parameter): one line, may be empty.
Zoekterm = Annotated[
    str,
    StringConstraints(max_length=MAX_NAAM),
    AfterValidator(_enkele_regel),
    _patroon(_REGEL, leeg_mag=True),
]
Cursor = Annotated[
    str,
    StringConstraints(max_length=500, pattern=r"^[A-Za-z0-9_=-]*$"),
    AfterValidator(_cursor),
]
Lijst = Annotated[list[Item], Field(max_length=MAX_LIJST)]
NietLegeLijst = Annotated[list[Item], Field(min_length=1, max_length=MAX_LIJST)]
# A calendar day, `YYYY-MM-DD` only. Whether it may lie after today is a rule of the
# route (domain/regels.py, `datum_in_toekomst`): "today" is the service's clock.
Datum = Annotated[
    date,
    BeforeValidator(_alleen_iso_datum),
    AfterValidator(_dag_in_bereik),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATUM_PATROON}),
]
# A moment with its zone, ISO 8601 only.
Tijdstip = Annotated[
    AwareDatetime,
    BeforeValidator(_alleen_iso_moment),
    AfterValidator(_moment_in_bereik),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIJDSTIP_PATROON}),
]


def vereist(veld: str, melding: str) -> PydanticCustomError:
    """A model-level rule about one field; `api.problemen` puts `veld` into the error path."""
    return PydanticCustomError("veld_vereist", melding, {"veld": veld})


class Verzoek(BaseModel):
    """Base of every request body: closed, and each may carry a reason (`toelichting`)."""

    model_config = ConfigDict(extra="forbid")

    toelichting: Tekst | None = Field(
        default=None, description="Waarom dit gebeurt / reason, shown in the history."
    )

    def gegevens(self) -> dict[str, Any]:
        """The body as the service takes it: JSON-ready, without absent optional fields.

        `toelichting` stays in: every Casus command accepts it as a keyword argument.
        """
        return self.model_dump(mode="json", exclude_none=True)
