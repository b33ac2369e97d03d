"""The commands of the route up to the school's care team: conversations, parents,
the core team, the first care contact, consent and the intake into the OZS."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import Field, StrictBool, model_validator

from domain.datumregels import start_binnenkort
from domain.invoer import Datum, Item, Lijst, Tekst, Verzoek, vereist
from domain.regels import (
    GEBEURD,
    aangemeld_voor_kernteam,
    alleen_leerling,
    anoniem_alleen_leerling,
    dossier_open,
    gesprek_met_ouders,
    nog_niet_in_ozs,
    ouders_geinformeerd_voor_ozs,
    toestemming_geldig,
    toestemming_ozs,
)
from domain.verklaring import BETROKKEN, ZORGCOORDINATOR, Verklaring
from domain.waarden import (
    ContactBesluit,
    GesprekMet,
    ToestemmingBesluit,
    ToestemmingDoel,
    ToestemmingDoor,
    Wijze,
)

_MENTOR_OF_ZC = (("mentor", ("eigen_klas",)), *ZORGCOORDINATOR)
_ZORGTEAM = (*ZORGCOORDINATOR, ("zorgteam", ()))


class GesprekVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="gesprekken",
        samenvatting="Gesprek gevoerd (leerling, ouders of klas)",
        gebeurtenissen={"GesprekGevoerd": "gesprek gevoerd"},
        regels=(dossier_open, gesprek_met_ouders, GEBEURD),
        schrijven=BETROKKEN,
    )

    met: GesprekMet
    datum: Datum
    samenvatting: Tekst
    afspraken: Lijst = Field(default_factory=list)


class OudersGeinformeerdVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="ouders-geinformeerd",
        samenvatting="Ouders geïnformeerd",
        gebeurtenissen={"OudersGeinformeerd": "ouders geïnformeerd"},
        regels=(dossier_open, alleen_leerling, GEBEURD),
        schrijven=BETROKKEN,
    )

    datum: Datum
    wijze: Wijze
    reactie: Tekst | None = None


class KernteamAanmeldingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="kernteam-aanmelding",
        samenvatting="Aanmelden voor het kernteam",
        gebeurtenissen={"AangemeldVoorKernteam": "aangemeld voor kernteam"},
        regels=(dossier_open,),
        schrijven=BETROKKEN,
    )

    datum: Datum = Field(description="Datum van het kernteamoverleg.")
    vraag: Tekst


class KernteamAfmeldingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="kernteam-afmelding",
        samenvatting="Afmelden voor het kernteam",
        gebeurtenissen={"AfgemeldVoorKernteam": "afgemeld voor kernteam"},
        regels=(dossier_open, aangemeld_voor_kernteam),
        schrijven=BETROKKEN,
    )

    reden: Tekst = Field(description="Waarom het dossier niet meer naar het kernteam hoeft.")


class KernteambesprekingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="kernteambesprekingen",
        samenvatting="Besproken in het kernteam",
        gebeurtenissen={"BesprokenInKernteam": "besproken in kernteam"},
        regels=(dossier_open, GEBEURD),
        schrijven=BETROKKEN,
    )

    datum: Datum
    advies: Tekst
    acties: Lijst = Field(default_factory=list)


class InterventieVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="interventies",
        samenvatting="Interventie ingezet",
        gebeurtenissen={"InterventieIngezet": "interventie ingezet"},
        regels=(dossier_open, start_binnenkort),
        schrijven=BETROKKEN,
    )

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
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="contactpersoonbesprekingen",
        samenvatting="Besproken met de contactpersoon zorg",
        gebeurtenissen={"BesprokenMetContactpersoonZorg": "besproken met contactpersoon zorg"},
        regels=(dossier_open, GEBEURD),
        schrijven=_ZORGTEAM,
    )

    datum: Datum
    advies: Tekst
    besluit: ContactBesluit


class ToestemmingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="toestemmingen",
        samenvatting="Toestemming gegeven, geweigerd of ingetrokken",
        # The decision picks the event.
        gebeurtenissen={
            "ToestemmingGegeven": "toestemming gegeven",
            "ToestemmingGeweigerd": "toestemming geweigerd",
            "ToestemmingIngetrokken": "toestemming ingetrokken",
        },
        regels=(dossier_open, alleen_leerling, toestemming_geldig, GEBEURD),
        schrijven=_MENTOR_OF_ZC,
    )

    doel: ToestemmingDoel
    besluit: ToestemmingBesluit
    door: ToestemmingDoor
    datum: Datum


class OzsInbrengVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="ozs-inbreng",
        samenvatting="Ingebracht in het OZS (startdocument)",
        gebeurtenissen={"IngebrachtInOZS": "ingebracht in OZS"},
        regels=(
            dossier_open,
            anoniem_alleen_leerling,
            nog_niet_in_ozs,
            ouders_geinformeerd_voor_ozs,
            toestemming_ozs,
            GEBEURD,
        ),
        schrijven=_MENTOR_OF_ZC,
    )

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
