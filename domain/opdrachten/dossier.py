"""The commands about the file itself rather than a step of the route: who it is about
(a correction, by a person or later the pupil administration) and whether it stays
anonymous. No steps of the route, so they can be put right on a closed file too."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, StrictInt

from domain.datumregels import geboren
from domain.dossierregels import anoniem, onderwerp_gewijzigd, onderwerp_vast
from domain.invoer import Datum, Naam, Tekst, Verzoek
from domain.verklaring import ZORGCOORDINATOR, Verklaring


class OnderwerpCorrectieVerzoek(Verzoek):
    """Who the file is about, put right (zorgcoördinator, with a reason). Only the given
    fields change; the pupil number (or a class case's class) names the file and stays."""

    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="onderwerp-correctie",
        samenvatting="Onderwerp van het dossier gecorrigeerd",
        gebeurtenissen={"OnderwerpGecorrigeerd": "onderwerp gecorrigeerd"},
        regels=(onderwerp_vast, onderwerp_gewijzigd, geboren),
        schrijven=ZORGCOORDINATOR,
    )

    naam: Naam | None = None
    klas: Naam | None = None
    afdeling: Naam | None = None
    leerjaar: Annotated[StrictInt, Field(ge=1, le=8)] | None = None
    geboortedatum: Datum | None = None
    reden: Tekst = Field(description="Waarom het onderwerp wordt gecorrigeerd.")


class AnonimiteitOpheffenVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="anonimiteit-opheffing",
        samenvatting="Anonimiteit opgeheven",
        gebeurtenissen={"AnonimiteitOpgeheven": "anonimiteit opgeheven"},
        regels=(anoniem,),
        schrijven=ZORGCOORDINATOR,
    )

    reden: Tekst = Field(description="Waarom het dossier niet langer anoniem is.")
