"""Response models: they document the answers in `/openapi.json` and check their shape.

Open (`extra="allow"`): api.md lets fields be added, so a new field in the service's view
passes through instead of failing the response.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.waarden import Niveau, Status


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CommandoAntwoord(_Open):
    casus_id: UUID
    versie: int | None = Field(
        default=None,
        description="Versie van het dossier na deze handeling (ETag); alleen voor wie het "
        "dossier mag lezen.",
    )
    nieuw: bool | None = Field(
        default=None,
        description="True als dit signaal het dossier opende; alleen voor wie het dossier "
        "mag lezen.",
    )
    positie: int | None = Field(
        default=None, description="Positie in het gebeurtenislogboek (voor lezen na schrijven)."
    )


class ActorWeergave(_Open):
    id: str
    naam: str
    rol: str


class OnderwerpWeergave(_Open):
    type: str
    # Absent beside a pseudonym: whoever sees an anonymous file without its name sees
    # nothing that narrows it down either.
    klas: str | None = None
    afdeling: str | None = None
    leerjaar: int | None = None
    leerlingnummer: str | None = None
    naam: str | None = None
    geboortedatum: date | None = None


class SignaalWeergave(_Open):
    categorieen: list[str]
    # null for the ZAT: a signal's text from before the referral is not shared with it.
    omschrijving: str | None
    bron: str
    veiligheidszorg: bool
    gemeld_door: ActorWeergave
    tijdstip: datetime
    traject: int


class ToestemmingWeergave(_Open):
    besluit: str
    door: str
    datum: date


class MedewerkerWeergave(_Open):
    medewerker_id: str
    naam: str


class StartdocumentWeergave(_Open):
    datum: date
    ondersteuningsvraag: str
    doel: str
    waarom_nu: str
    sterke_kanten: str


class HandelingsplanWeergave(_Open):
    doelen: list[str]
    interventies: list[str]
    evaluatiedatum: date


class OppWeergave(_Open):
    uitstroomperspectief: str
    doelen: list[str]
    evaluatiedatum: date


class InterventieWeergave(_Open):
    soort: str
    omschrijving: str
    startdatum: date
    evaluatiedatum: date


class CasusWeergave(_Open):
    """The case file, now or at a moment (api.md, "Reads")."""

    # `extern`: the part shared with the ZAT (see docs/toegang.md).
    weergave: Literal["volledig", "extern"] = "volledig"
    casus_id: UUID
    versie: int
    school: str
    status: Status
    niveau: Niveau
    traject: int
    anoniem: bool
    pseudoniem: str | None
    onderwerp: OnderwerpWeergave
    signalen: list[SignaalWeergave]
    ouders_geinformeerd: bool
    toestemmingen: dict[str, ToestemmingWeergave]
    regiehouder: MedewerkerWeergave | None
    intern_begeleider: MedewerkerWeergave | None
    startdocument: StartdocumentWeergave | None
    handelingsplan: HandelingsplanWeergave | None
    opp: OppWeergave | None
    interventies: list[InterventieWeergave]
    volgende_bespreking: date | None
    volgende_evaluatie: date | None
    geopend_op: datetime
    gewijzigd_op: datetime


class TerugkoppelingWeergave(_Open):
    datum: date
    inhoud: str
    signaalgever: str | None = Field(
        default=None, description="Id van de medewerker voor wie de terugkoppeling is."
    )


class DocentWeergave(_Open):
    """What a subject teacher sees of a file: their own signals and the feedback on them."""

    weergave: Literal["docent"]
    casus_id: UUID
    signalen: list[SignaalWeergave]
    terugkoppelingen: list[TerugkoppelingWeergave]


DossierWeergave = Annotated[CasusWeergave | DocentWeergave, Field(discriminator="weergave")]


class GeschiedenisItem(_Open):
    versie: int
    type: str = Field(description="Naam van de gebeurtenis, bijv. `SignaalGemeld`.")
    tijdstip: datetime
    actor: ActorWeergave
    toelichting: str | None
    gegevens: dict[str, Any]


class Geschiedenis(_Open):
    casus_id: UUID
    items: list[GeschiedenisItem]


class Gezondheid(BaseModel):
    status: str = "ok"
