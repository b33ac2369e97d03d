"""The payload of every event on a care file, one model per fact.

These are the stored schema: a field added later needs a default, a field renamed or
removed needs a `class_version` bump with an `upcast_vN_vN+1` method on the event class.
The event classes themselves (with their stable topics) live on `Casus` in `casus.py`.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.waarden import (
    AfsluitReden,
    Bron,
    Categorie,
    ContactBesluit,
    DoelenBehaald,
    GesprekMet,
    Onderwerp,
    OnderwerpBron,
    TerugkoppelingAan,
    ToestemmingBesluit,
    ToestemmingDoel,
    ToestemmingDoor,
    Vervolg,
    Wijze,
)


class Velden(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CasusGeopendVelden(Velden):
    school: str
    onderwerp: Onderwerp


class SignaalGemeldVelden(Velden):
    # The subject as the reporter described it. Since class_version 2 a signal leaves the
    # file's subject as it is (`onderwerp_overgenomen` False); signals stored before that
    # took it over, and are upcast to say so, so old files replay as they stood.
    onderwerp: Onderwerp
    categorieen: tuple[Categorie, ...]
    omschrijving: str
    bron: Bron
    veiligheidszorg: bool = False
    onderwerp_overgenomen: bool = False


class CasusHeropendVelden(Velden):
    traject: int


class GesprekGevoerdVelden(Velden):
    met: GesprekMet
    datum: date
    samenvatting: str
    afspraken: tuple[str, ...] = ()


class OudersGeinformeerdVelden(Velden):
    datum: date
    wijze: Wijze
    reactie: str | None = None


class AangemeldVoorKernteamVelden(Velden):
    datum: date
    vraag: str


class AfgemeldVoorKernteamVelden(Velden):
    reden: str


class BesprokenInKernteamVelden(Velden):
    datum: date
    advies: str
    acties: tuple[str, ...] = ()


class InterventieIngezetVelden(Velden):
    soort: str
    omschrijving: str
    startdatum: date
    evaluatiedatum: date


class BesprokenMetContactpersoonZorgVelden(Velden):
    datum: date
    advies: str
    besluit: ContactBesluit


class ToestemmingVelden(Velden):
    doel: ToestemmingDoel
    door: ToestemmingDoor
    datum: date


class ToestemmingBesluitVeld(Velden):
    """Not stored: the decision is the event's type (Gegeven/Geweigerd/Ingetrokken)."""

    besluit: ToestemmingBesluit


class IngebrachtInOZSVelden(Velden):
    datum: date
    ondersteuningsvraag: str
    doel: str
    waarom_nu: str
    sterke_kanten: str
    anoniem: bool = False
    reden_anoniem: str | None = None
    pseudoniem: str | None = None


class MedewerkerVelden(Velden):
    medewerker_id: str
    naam: str


class HandelingsplanVastgesteldVelden(Velden):
    doelen: tuple[str, ...]
    interventies: tuple[str, ...] = ()
    evaluatiedatum: date


class OPPVastgesteldVelden(Velden):
    uitstroomperspectief: str
    doelen: tuple[str, ...]
    evaluatiedatum: date
    instemming_ouders: bool


class BesprokenInOZSVelden(Velden):
    datum: date
    verslag: str
    aanwezigen: tuple[str, ...] = ()
    adviezen: tuple[str, ...] = ()
    volgende_bespreking: date | None = None


class TerugkoppelingGegevenVelden(Velden):
    aan: TerugkoppelingAan
    datum: date
    inhoud: str
    # With `aan=signaalgever`: the staff id of the reporter it is for (None in feedback
    # stored before it was recorded).
    signaalgever: str | None = None


class EvaluatieUitgevoerdVelden(Velden):
    datum: date
    doelen_behaald: DoelenBehaald
    conclusie: str
    vervolg: Vervolg
    nieuwe_evaluatiedatum: date | None = None


class DoorverwezenNaarZATVelden(Velden):
    datum: date
    hulpvraag: str
    ketenpartners: tuple[str, ...]


class OnderwerpGecorrigeerdVelden(Velden):
    """Who the file is about, corrected: the whole subject as it is from now on."""

    onderwerp: Onderwerp
    reden: str
    # Who says so: a person's correction, or (later) the school's pupil administration.
    bron: OnderwerpBron = "correctie"


class AnonimiteitOpgehevenVelden(Velden):
    reden: str


class CasusAfgeslotenVelden(Velden):
    datum: date
    reden: AfsluitReden
