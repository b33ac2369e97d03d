"""One request model per command of api.md; `COMMANDOS` ties each to its URL `handeling`."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from api.schemas.velden import (
    MAX_LIJST,
    Datum,
    Item,
    Lijst,
    Naam,
    NietLegeLijst,
    Tekst,
    Verzoek,
    vereist,
)
from application.gebruiker import ORGANISATIE, ORGANISATIE_UITLEG, is_organisatie
from domain.waarden import (
    AfsluitReden,
    ContactBesluit,
    DoelenBehaald,
    GesprekMet,
    TerugkoppelingAan,
    ToestemmingBesluit,
    ToestemmingDoel,
    ToestemmingDoor,
    Vervolg,
    Wijze,
)


class GesprekVerzoek(Verzoek):
    met: GesprekMet
    datum: Datum
    samenvatting: Tekst
    afspraken: Lijst = Field(default_factory=list)


class OudersGeinformeerdVerzoek(Verzoek):
    datum: Datum
    wijze: Wijze
    reactie: Tekst | None = None


class KernteamAanmeldingVerzoek(Verzoek):
    datum: Datum = Field(description="Datum van het kernteamoverleg.")
    vraag: Tekst


class KernteambesprekingVerzoek(Verzoek):
    datum: Datum
    advies: Tekst
    acties: Lijst = Field(default_factory=list)


class InterventieVerzoek(Verzoek):
    soort: Item
    omschrijving: Tekst
    startdatum: Datum
    evaluatiedatum: Datum

    @model_validator(mode="after")
    def _evaluatie_na_start(self) -> Self:
        if self.evaluatiedatum < self.startdatum:
            raise vereist("evaluatiedatum", "moet op of na de startdatum liggen")
        return self


class ContactpersoonbesprekingVerzoek(Verzoek):
    datum: Datum
    advies: Tekst
    besluit: ContactBesluit


class ToestemmingVerzoek(Verzoek):
    doel: ToestemmingDoel
    besluit: ToestemmingBesluit
    door: ToestemmingDoor
    datum: Datum


class OzsInbrengVerzoek(Verzoek):
    datum: Datum
    ondersteuningsvraag: Tekst
    doel: Tekst
    waarom_nu: Tekst
    sterke_kanten: Tekst
    anoniem: StrictBool = False
    reden_anoniem: Tekst | None = Field(
        default=None, description="Verplicht bij `anoniem`: waarom bespreken anders onveilig is."
    )

    @model_validator(mode="after")
    def _reden_bij_anoniem(self) -> Self:
        if self.anoniem and self.reden_anoniem is None:
            raise vereist("reden_anoniem", "verplicht wanneer anoniem true is")
        return self


class MedewerkerVerzoek(Verzoek):
    medewerker_id: Naam
    naam: Naam


class HandelingsplanVerzoek(Verzoek):
    doelen: NietLegeLijst
    interventies: Lijst = Field(default_factory=list)
    evaluatiedatum: Datum


class OppVerzoek(Verzoek):
    uitstroomperspectief: Tekst
    doelen: NietLegeLijst
    evaluatiedatum: Datum
    instemming_ouders: StrictBool = Field(
        description="Ouders stemmen in met het handelingsdeel; zonder instemming 409."
    )


class OzsBesprekingVerzoek(Verzoek):
    datum: Datum
    verslag: Tekst
    aanwezigen: Lijst = Field(default_factory=list)
    adviezen: Lijst = Field(default_factory=list)
    volgende_bespreking: Datum | None = None


class TerugkoppelingVerzoek(Verzoek):
    aan: TerugkoppelingAan
    datum: Datum
    inhoud: Tekst
    signaalgever: Naam | None = Field(
        default=None,
        description="Bij `aan: signaalgever`: het id van de medewerker die het signaal "
        "meldde (mag weg als het dossier één signaalgever heeft). Alleen die ziet de "
        "terugkoppeling.",
    )


class OnderwerpCorrectieVerzoek(Verzoek):
    """Who the file is about, put right (zorgcoördinator, with a reason). Only the given
    fields change; the pupil number (or a class case's class) names the file and stays."""

    naam: Naam | None = None
    klas: Naam | None = None
    afdeling: Naam | None = None
    leerjaar: Annotated[StrictInt, Field(ge=1, le=8)] | None = None
    geboortedatum: Datum | None = None
    reden: Tekst = Field(description="Waarom het onderwerp wordt gecorrigeerd.")


class AnonimiteitOpheffenVerzoek(Verzoek):
    reden: Tekst = Field(description="Waarom het dossier niet langer anoniem is.")


class EvaluatieVerzoek(Verzoek):
    datum: Datum
    doelen_behaald: DoelenBehaald
    conclusie: Tekst
    vervolg: Vervolg
    nieuwe_evaluatiedatum: Datum | None = Field(
        default=None, description="Verplicht bij vervolg `voortzetten`."
    )

    @model_validator(mode="after")
    def _datum_bij_voortzetten(self) -> Self:
        if self.vervolg == "voortzetten" and self.nieuwe_evaluatiedatum is None:
            raise vereist("nieuwe_evaluatiedatum", "verplicht wanneer vervolg voortzetten is")
        return self


def _organisatie(waarde: str) -> str:
    if not is_organisatie(waarde):
        raise PydanticCustomError(
            "organisatie_ongeldig", f"moet een code zijn: {ORGANISATIE_UITLEG}"
        )
    return waarde


# The partner organisations by the code their staff's tokens carry (`organisatie`): the
# referral gives exactly those organisations access, so free names are refused here.
Organisatie = Annotated[
    str,
    StringConstraints(min_length=1, max_length=63),
    AfterValidator(_organisatie),
    # Stated in the OpenAPI document; checked above, for a Dutch message.
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": 63, "pattern": f"^{ORGANISATIE.pattern}$"}
    ),
]


class ZatVerwijzingVerzoek(Verzoek):
    datum: Datum
    hulpvraag: Tekst
    ketenpartners: Annotated[
        list[Organisatie],
        Field(
            min_length=1,
            max_length=MAX_LIJST,
            description="Codes van de organisaties van de ketenpartners, bijv. wijkteam-noord.",
        ),
    ]


class AfsluitingVerzoek(Verzoek):
    datum: Datum
    reden: AfsluitReden


# handeling (URL) → (body model, summary for the OpenAPI document).
COMMANDOS: dict[str, tuple[type[Verzoek], str]] = {
    "gesprekken": (GesprekVerzoek, "Gesprek gevoerd (leerling, ouders of klas)"),
    "ouders-geinformeerd": (OudersGeinformeerdVerzoek, "Ouders geïnformeerd"),
    "kernteam-aanmelding": (KernteamAanmeldingVerzoek, "Aanmelden voor het kernteam"),
    "kernteambesprekingen": (KernteambesprekingVerzoek, "Besproken in het kernteam"),
    "interventies": (InterventieVerzoek, "Interventie ingezet"),
    "contactpersoonbesprekingen": (
        ContactpersoonbesprekingVerzoek,
        "Besproken met de contactpersoon zorg",
    ),
    "toestemmingen": (ToestemmingVerzoek, "Toestemming gegeven, geweigerd of ingetrokken"),
    "ozs-inbreng": (OzsInbrengVerzoek, "Ingebracht in het OZS (startdocument)"),
    "regiehouder": (MedewerkerVerzoek, "Regiehouder benoemd"),
    "intern-begeleider": (MedewerkerVerzoek, "Intern begeleider gekoppeld"),
    "handelingsplan": (HandelingsplanVerzoek, "Handelingsplan vastgesteld"),
    "opp": (OppVerzoek, "Ontwikkelingsperspectiefplan (OPP) vastgesteld"),
    "ozs-besprekingen": (OzsBesprekingVerzoek, "Besproken in het OZS"),
    "terugkoppelingen": (TerugkoppelingVerzoek, "Terugkoppeling gegeven"),
    "evaluaties": (EvaluatieVerzoek, "Evaluatie uitgevoerd"),
    "zat-verwijzing": (ZatVerwijzingVerzoek, "Doorverwezen naar het ZAT"),
    "afsluiting": (AfsluitingVerzoek, "Dossier afgesloten"),
    "onderwerp-correctie": (OnderwerpCorrectieVerzoek, "Onderwerp van het dossier gecorrigeerd"),
    "anonimiteit-opheffing": (AnonimiteitOpheffenVerzoek, "Anonimiteit opgeheven"),
}
