"""Value objects of the care route: who acted, about whom, and the closed vocabularies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Rol = Literal[
    "mentor",
    "docent",
    "zorgcoordinator",
    "teamleider",
    "intern_begeleider",
    "zorgteam",
    "extern",
    "swv",
    "auditor",
    "beheerder",
]
Niveau = Literal["mentor", "kernteam", "contactpersoon", "ozs", "extern"]
NIVEAUS: tuple[Niveau, ...] = ("mentor", "kernteam", "contactpersoon", "ozs", "extern")
Status = Literal["open", "gesloten"]
Categorie = Literal[
    "leren",
    "werkhouding",
    "gedrag",
    "sociaal_emotioneel",
    "thuissituatie",
    "verzuim",
    "gezondheid",
    "veiligheid",
    "middelengebruik",
    "groepsklimaat",
]
Bron = Literal["mentor", "docent", "ouder", "leerling", "medewerker", "extern"]
GesprekMet = Literal["leerling", "ouders", "klas"]
Wijze = Literal["gesprek", "telefoon", "email", "brief"]
ContactBesluit = Literal["advies", "inbrengen_in_ozs"]
ToestemmingDoel = Literal["ozs", "zat", "swv", "extern"]
ToestemmingBesluit = Literal["gegeven", "geweigerd", "ingetrokken"]
ToestemmingDoor = Literal["ouders", "leerling"]
TerugkoppelingAan = Literal["mentor", "signaalgever", "ouders", "leerling"]
DoelenBehaald = Literal["ja", "deels", "nee"]
Vervolg = Literal["terug_naar_mentor", "voortzetten", "opschalen", "afsluiten"]
AfsluitReden = Literal["doelen_behaald", "geen_zorg_meer", "uitgeschreven", "overgedragen"]
OnderwerpBron = Literal["correctie", "leerlingadministratie"]


class Waarde(BaseModel):
    """Immutable, closed value: an unknown field is a programming error, not data."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(Waarde):
    """Who did it, as the token said: recorded on every event."""

    id: str
    naam: str
    rol: Rol


class Onderwerp(Waarde):
    """The subject of a file: one pupil, or one class in one school year."""

    type: Literal["leerling", "klas"]
    klas: str
    afdeling: str
    leerjaar: int
    leerlingnummer: str | None = None
    naam: str | None = None
    geboortedatum: date | None = None

    @property
    def is_klas(self) -> bool:
        return self.type == "klas"


class Medewerker(Waarde):
    medewerker_id: str
    naam: str


class Signaal(Waarde):
    categorieen: tuple[Categorie, ...]
    omschrijving: str
    bron: Bron
    veiligheidszorg: bool
    gemeld_door: Actor
    tijdstip: datetime
    traject: int


class Toestemming(Waarde):
    besluit: ToestemmingBesluit
    door: ToestemmingDoor
    datum: date


class Startdocument(Waarde):
    datum: date
    ondersteuningsvraag: str
    doel: str
    waarom_nu: str
    sterke_kanten: str


class Handelingsplan(Waarde):
    doelen: tuple[str, ...]
    interventies: tuple[str, ...]
    evaluatiedatum: date


class OPP(Waarde):
    uitstroomperspectief: str
    doelen: tuple[str, ...]
    evaluatiedatum: date


class Interventie(Waarde):
    soort: str
    omschrijving: str
    startdatum: date
    evaluatiedatum: date


class KernteamAanmelding(Waarde):
    datum: date
    vraag: str
