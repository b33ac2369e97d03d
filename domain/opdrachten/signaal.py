"""A concern reported: the way into a file, and the way back into a closed one."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from domain.datumregels import geboren
from domain.invoer import Datum, Naam, Tekst, Verzoek
from domain.verklaring import MEDEWERKERS, Verklaring, voor
from domain.waarden import Bron, Categorie
from domain.waarden import Onderwerp as OnderwerpWaarde


class _Onderwerp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    klas: Naam = Field(description="Klas, bijv. `2A`.")
    afdeling: Naam = Field(description="Afdeling, bijv. `havo`.")
    leerjaar: Annotated[StrictInt, Field(ge=1, le=8)]

    def waarde(self) -> OnderwerpWaarde:
        return OnderwerpWaarde(**self.model_dump())


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

SIGNAAL = Verklaring(
    segment="signalen",
    samenvatting="Signaal melden / Report a concern",
    gebeurtenissen={
        "SignaalGemeld": "signaal gemeld",
        "CasusGeopend": "dossier geopend",
        "CasusHeropend": "dossier heropend",
    },
    # A signal on a closed file reopens it, so only its input is checked.
    regels=(geboren,),
    schrijven=voor(MEDEWERKERS),
)


class SignaalOpDossierVerzoek(Verzoek):
    """A concern on a known file. A signal never changes who the file is about; an
    `onderwerp` here is only checked against the file, by whoever may see its subject."""

    verklaring: ClassVar[Verklaring] = SIGNAAL

    categorieen: Annotated[list[Categorie], Field(min_length=1, max_length=10)]
    omschrijving: Tekst
    bron: Bron
    veiligheidszorg: StrictBool = False
    onderwerp: Onderwerp | None = None


class SignaalVerzoek(SignaalOpDossierVerzoek):
    """A concern about a pupil or a class; the subject decides the file."""

    onderwerp: Onderwerp
