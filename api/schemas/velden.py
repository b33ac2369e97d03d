"""Bounded field types shared by every request model (api.md, "Limits").

Bounds are part of the schema, so the OpenAPI document states them and a client (or
schemathesis) learns them from there instead of from a 422.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

MAX_TEKST = 10_000
MAX_ITEM = 1_000
MAX_LIJST = 50
# Names, numbers and ids: short by nature; a megabyte "class name" is an attack, not data.
MAX_NAAM = 200

_ISO_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")


def _geen_lege_tekst(waarde: str) -> str:
    if not waarde.strip():
        raise PydanticCustomError("tekst_leeg", "mag niet leeg zijn of alleen spaties bevatten")
    try:
        # JSON may carry lone surrogates (\ud800); they cannot be stored as UTF-8.
        waarde.encode("utf-8")
    except UnicodeEncodeError as fout:
        raise PydanticCustomError("tekst_ongeldig", "bevat ongeldige tekens") from fout
    return waarde


def _alleen_iso_datum(waarde: Any) -> Any:
    # pydantic's lax date also takes timestamps and datetimes; the contract says YYYY-MM-DD.
    if isinstance(waarde, date) or (isinstance(waarde, str) and _ISO_DATUM.fullmatch(waarde)):
        return waarde
    raise PydanticCustomError("datum_formaat", "moet een datum zijn als JJJJ-MM-DD")


Tekst = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_TEKST), AfterValidator(_geen_lege_tekst)
]
Item = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_ITEM), AfterValidator(_geen_lege_tekst)
]
Naam = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_NAAM), AfterValidator(_geen_lege_tekst)
]
Lijst = Annotated[list[Item], Field(max_length=MAX_LIJST)]
NietLegeLijst = Annotated[list[Item], Field(min_length=1, max_length=MAX_LIJST)]
Datum = Annotated[date, BeforeValidator(_alleen_iso_datum)]


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
