"""Bodies of `POST /signalen` and `POST /casussen/{id}/signalen`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from api.schemas.velden import Datum, Naam, Tekst, Verzoek
from domain.waarden import Bron, Categorie


class _Onderwerp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    klas: Naam = Field(description="Klas, bijv. `2A`.")
    afdeling: Naam = Field(description="Afdeling, bijv. `havo`.")
    leerjaar: Annotated[StrictInt, Field(ge=1, le=8)]


class LeerlingOnderwerp(_Onderwerp):
    """One pupil; their number makes the file (one pupil, one file)."""

    type: Literal["leerling"]
    leerlingnummer: Naam
    naam: Naam
    geboortedatum: Datum | None = Field(
        default=None, description="Nodig voor toestemming door de leerling zelf (16+)."
    )


class KlasOnderwerp(_Onderwerp):
    """One class in one school year: no pupil number, no name."""

    type: Literal["klas"]


Onderwerp = Annotated[LeerlingOnderwerp | KlasOnderwerp, Field(discriminator="type")]


class _Signaal(Verzoek):
    categorieen: Annotated[list[Categorie], Field(min_length=1, max_length=10)]
    omschrijving: Tekst
    bron: Bron
    veiligheidszorg: StrictBool = False


class SignaalVerzoek(_Signaal):
    """A concern about a pupil or a class; the subject decides the file."""

    onderwerp: Onderwerp


class SignaalOpDossierVerzoek(_Signaal):
    """A concern on a known file. A signal never changes who the file is about; an
    `onderwerp` here is only checked against the file, by whoever may see its subject."""

    onderwerp: Onderwerp | None = None
