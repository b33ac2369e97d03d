"""Bounded field types of every command's input, and the input's base (`Verzoek`).

A command's input model is at once the API's request body, the domain command's argument
and the OpenAPI schema (domain/opdrachten/), so its bounds live here, beside the domain:
the OpenAPI document states them and a client (or schemathesis) learns them from there
instead of from a 422. docs/invoer.md lists every kind of text and date, what is refused
and with which code. Query parameters add their own types in api/schemas/velden.py.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from domain.verklaring import Verklaring

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
JAAR = r"(?:19|20|21)\d{2}"
DATUM_PATROON = rf"^{JAAR}-\d{{2}}-\d{{2}}$"
_ISO_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")

# Control characters (C0, DEL, C1) and lone surrogates. PostgreSQL refuses NUL in text
# (one such name stopped every view of a deployment), a surrogate cannot be written as
# UTF-8, and the others break CSV exports, logs and terminals downstream.
STUURTEKEN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Free text keeps its layout: tab, newline, and a carriage return only as part of CRLF.
_STUURTEKEN_VRIJ = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")

# A partner organisation by the code its staff's tokens carry (`organisatie`).
ORGANISATIE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
ORGANISATIE_UITLEG = (
    "kleine letters, cijfers en streepjes, beginnend met een letter of cijfer, "
    "hoogstens 63 tekens (bijv. wijkteam-noord)"
)


def is_organisatie(waarde: object) -> bool:
    return isinstance(waarde, str) and ORGANISATIE.fullmatch(waarde) is not None


def _vrije_tekst(waarde: str) -> str:
    if _STUURTEKEN_VRIJ.search(waarde):
        raise PydanticCustomError(
            "tekst_stuurteken",
            "bevat een stuurteken (zoals NUL) of een ongeldig teken; alleen tab en "
            "regeleinde zijn toegestaan",
        )
    return niet_leeg(waarde)


def enkele_regel(waarde: str) -> str:
    if STUURTEKEN.search(waarde):
        raise PydanticCustomError(
            "tekst_stuurteken",
            "bevat een stuurteken (zoals NUL, tab of regeleinde) of een ongeldig teken",
        )
    return waarde


def niet_leeg(waarde: str) -> str:
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


def _organisatie(waarde: str) -> str:
    if not is_organisatie(waarde):
        raise PydanticCustomError(
            "organisatie_ongeldig", f"moet een code zijn: {ORGANISATIE_UITLEG}"
        )
    return waarde


# The same rules as patterns in the OpenAPI document, so that a client (or schemathesis)
# learns them there: no control character, and something besides spaces. Only stated
# there (pydantic's own regex engine is not Python's); the checks above give the message.
REGEL_TEKEN = r"[^\x00-\x1f\x7f-\x9f]"
_VRIJ = r"(?:[^\x00-\x08\x0b-\x1f\x7f-\x9f]|\r\n)"
_ZICHTBAAR = r"[^\s\x00-\x1f\x7f-\x9f]"


def patroon(teken: str, leeg_mag: bool = False) -> Any:
    uitdrukking = f"^{teken}*$" if leeg_mag else f"^{teken}*{_ZICHTBAAR}{teken}*$"
    return Field(json_schema_extra={"pattern": uitdrukking})


# Free text (a summary, an advice): may run over several lines.
Tekst = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEKST),
    AfterValidator(_vrije_tekst),
    patroon(_VRIJ),
]
# One line of a list (an action, a goal, who was present).
Item = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_ITEM),
    AfterValidator(enkele_regel),
    AfterValidator(niet_leeg),
    patroon(REGEL_TEKEN),
]
# Names, numbers, ids and codes.
Naam = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAAM),
    AfterValidator(enkele_regel),
    AfterValidator(niet_leeg),
    patroon(REGEL_TEKEN),
]
Lijst = Annotated[list[Item], Field(max_length=MAX_LIJST)]
NietLegeLijst = Annotated[list[Item], Field(min_length=1, max_length=MAX_LIJST)]
# A calendar day, `YYYY-MM-DD` only. Whether it may lie after today is a rule of the
# route (domain/datumregels.py, `datum_in_toekomst`): "today" is the service's clock.
Datum = Annotated[
    date,
    BeforeValidator(_alleen_iso_datum),
    AfterValidator(_dag_in_bereik),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATUM_PATROON}),
]
# The partner organisations by their code: a referral gives exactly those organisations
# access, so free names are refused.
Organisatie = Annotated[
    str,
    StringConstraints(min_length=1, max_length=63),
    AfterValidator(_organisatie),
    # Stated in the OpenAPI document; checked above, for a Dutch message.
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": 63, "pattern": f"^{ORGANISATIE.pattern}$"}
    ),
]


def vereist(veld: str, melding: str) -> PydanticCustomError:
    """A model-level rule about one field; `api.problemen` puts `veld` into the error path."""
    return PydanticCustomError("veld_vereist", melding, {"veld": veld})


class Verzoek(BaseModel):
    """Base of every command's input: closed, and each may carry a reason (`toelichting`)."""

    model_config = ConfigDict(extra="forbid")
    # Set by every command's input model (domain/opdrachten/).
    verklaring: ClassVar[Verklaring]

    toelichting: Tekst | None = Field(
        default=None, description="Waarom dit gebeurt / reason, shown in the history."
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # A class that declares a command (its own `verklaring`) is one: listed here in
        # the order the modules define them (domain/opdrachten/ reads them from here).
        super().__pydantic_init_subclass__(**kwargs)
        if "verklaring" in cls.__dict__:
            VERKLAARD.append(cls)

    def gegevens(self) -> dict[str, Any]:
        """The input as JSON-ready data, without absent optional fields (what an
        idempotency key's fingerprint is taken of)."""
        return self.model_dump(mode="json", exclude_none=True)

    def velden(self) -> dict[str, Any]:
        """The fields the command records in its event, as Python values."""
        return self.model_dump(exclude={"toelichting"})


# Every input model that declares a command, in the order of definition.
VERKLAARD: list[type[Verzoek]] = []
