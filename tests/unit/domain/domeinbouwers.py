"""Builders for pure-domain tests: a care file at a given point of the route, in one line.

Every builder returns a `Casus` without pending events, so a test sees in
`casus.collect_events()` exactly what its own command recorded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.casus import Casus
from domain.fouten import Regelfout
from domain.invoer import Verzoek
from domain.opdrachten import SignaalOpDossierVerzoek, route, zorg
from domain.opdrachten.dossier import AnonimiteitOpheffenVerzoek, OnderwerpCorrectieVerzoek
from domain.waarden import Actor, Niveau, Onderwerp

SCHOOL = "99XX"
DAG = date(2025, 10, 6)

MENTOR = Actor(id="mentor-1", naam="Mentor Jansen", rol="mentor")
DOCENT = Actor(id="docent-1", naam="Docent de Vries", rol="docent")
ZORGCOORDINATOR = Actor(id="zoco-1", naam="Zorgcoördinator Bakker", rol="zorgcoordinator")


def leerling(**wijzigingen: Any) -> Onderwerp:
    velden: dict[str, Any] = {
        "type": "leerling",
        "leerlingnummer": "123456",
        "naam": "Piet Puk",
        "klas": "2A",
        "afdeling": "havo",
        "leerjaar": 2,
    }
    return Onderwerp(**{**velden, **wijzigingen})


def klas(**wijzigingen: Any) -> Onderwerp:
    velden: dict[str, Any] = {"type": "klas", "klas": "2A", "afdeling": "havo", "leerjaar": 2}
    return Onderwerp(**{**velden, **wijzigingen})


# ---- commands with plausible arguments ---------------------------------------------------

# "Today" for the domain's date rules when a test does not name one: far enough ahead that
# no plausible date of these builders lies after it.
RUIM_NA_DAG = DAG + timedelta(days=3650)


def _doe(
    methode: Callable[..., None],
    model: type[Verzoek],
    actor: Actor,
    gegevens: dict[str, Any],
    velden: dict[str, Any],
) -> None:
    """The typed command with its input built by its own model; `vandaag=` in `velden`
    sets the service's today."""
    vandaag = velden.pop("vandaag", RUIM_NA_DAG)
    actor = velden.pop("actor", actor)
    methode(model(**{**gegevens, **velden}), actor, vandaag)


def meld_signaal(casus: Casus, onderwerp: Onderwerp | None = None, **velden: Any) -> None:
    gegevens: dict[str, Any] = {
        "onderwerp": (onderwerp or casus.onderwerp).model_dump(exclude_none=True),
        "categorieen": ("leren",),
        "omschrijving": "Haalt zijn huiswerk niet meer.",
        "bron": "docent",
    }
    _doe(casus.meld_signaal, SignaalOpDossierVerzoek, DOCENT, gegevens, velden)


def voer_gesprek(casus: Casus, **velden: Any) -> None:
    gegevens = {"met": "leerling", "datum": DAG, "samenvatting": "Gesprek gevoerd."}
    _doe(casus.voer_gesprek, route.GesprekVerzoek, MENTOR, gegevens, velden)


def informeer_ouders(casus: Casus, **velden: Any) -> None:
    gegevens = {"datum": DAG, "wijze": "telefoon"}
    _doe(casus.informeer_ouders, route.OudersGeinformeerdVerzoek, MENTOR, gegevens, velden)


def meld_aan_voor_kernteam(casus: Casus, **velden: Any) -> None:
    gegevens = {"datum": DAG + timedelta(days=7), "vraag": "Wat kunnen we doen?"}
    _doe(casus.meld_aan_voor_kernteam, route.KernteamAanmeldingVerzoek, MENTOR, gegevens, velden)


def meld_af_voor_kernteam(casus: Casus, **velden: Any) -> None:
    gegevens = {"reden": "Het gaat weer goed; het kernteam hoeft er niet naar te kijken."}
    _doe(casus.meld_af_voor_kernteam, route.KernteamAfmeldingVerzoek, MENTOR, gegevens, velden)


def bespreek_in_kernteam(casus: Casus, **velden: Any) -> None:
    gegevens = {"datum": DAG, "advies": "Faalangsttraining."}
    _doe(casus.bespreek_in_kernteam, route.KernteambesprekingVerzoek, MENTOR, gegevens, velden)


def zet_interventie_in(casus: Casus, **velden: Any) -> None:
    gegevens = {
        "soort": "faalangsttraining",
        "omschrijving": "Zes bijeenkomsten.",
        "startdatum": DAG,
        "evaluatiedatum": DAG + timedelta(days=42),
    }
    _doe(casus.zet_interventie_in, route.InterventieVerzoek, MENTOR, gegevens, velden)


def bespreek_met_contactpersoon(casus: Casus, **velden: Any) -> None:
    gegevens = {"datum": DAG, "advies": "Inbrengen.", "besluit": "inbrengen_in_ozs"}
    model = route.ContactpersoonbesprekingVerzoek
    _doe(casus.bespreek_met_contactpersoon, model, ZORGCOORDINATOR, gegevens, velden)


def registreer_toestemming(
    casus: Casus, doel: str = "ozs", besluit: str = "gegeven", **velden: Any
) -> None:
    gegevens = {"doel": doel, "besluit": besluit, "door": "ouders", "datum": DAG}
    _doe(casus.registreer_toestemming, route.ToestemmingVerzoek, MENTOR, gegevens, velden)


def breng_in_ozs(casus: Casus, **velden: Any) -> None:
    gegevens = {
        "datum": DAG,
        "ondersteuningsvraag": "Hoe helpen we hem weer op gang?",
        "doel": "Weer meedoen in de les.",
        "waarom_nu": "Cijfers zakken snel.",
        "sterke_kanten": "Sportief, behulpzaam.",
    }
    _doe(casus.breng_in_ozs, route.OzsInbrengVerzoek, ZORGCOORDINATOR, gegevens, velden)


def benoem_regiehouder(casus: Casus, **velden: Any) -> None:
    gegevens = {"medewerker_id": "zt-1", "naam": "Orthopedagoog Smit"}
    _doe(casus.benoem_regiehouder, zorg.RegiehouderVerzoek, ZORGCOORDINATOR, gegevens, velden)


def koppel_intern_begeleider(casus: Casus, **velden: Any) -> None:
    gegevens = {"medewerker_id": "ib-1", "naam": "IB'er Visser"}
    model = zorg.InternBegeleiderVerzoek
    _doe(casus.koppel_intern_begeleider, model, ZORGCOORDINATOR, gegevens, velden)


def stel_handelingsplan_vast(casus: Casus, **velden: Any) -> None:
    gegevens = {
        "doelen": ("Huiswerk op tijd af.",),
        "interventies": ("Huiswerkbegeleiding",),
        "evaluatiedatum": DAG + timedelta(days=56),
    }
    model = zorg.HandelingsplanVerzoek
    _doe(casus.stel_handelingsplan_vast, model, ZORGCOORDINATOR, gegevens, velden)


def stel_opp_vast(casus: Casus, vastgesteld_op: date = DAG, **velden: Any) -> None:
    """An OPP set on `vastgesteld_op`, the service's today then."""
    gegevens = {
        "uitstroomperspectief": "havo",
        "doelen": ("Overgaan naar leerjaar 3.",),
        "evaluatiedatum": vastgesteld_op + timedelta(days=180),
        "instemming_ouders": True,
    }
    velden.setdefault("vandaag", vastgesteld_op)
    _doe(casus.stel_opp_vast, zorg.OppVerzoek, ZORGCOORDINATOR, gegevens, velden)


def bespreek_in_ozs(casus: Casus, **velden: Any) -> None:
    gegevens = {"datum": DAG + timedelta(days=28), "verslag": "Besproken."}
    _doe(casus.bespreek_in_ozs, zorg.OzsBesprekingVerzoek, ZORGCOORDINATOR, gegevens, velden)


def geef_terugkoppeling(casus: Casus, **velden: Any) -> None:
    gegevens = {"aan": "mentor", "datum": DAG, "inhoud": "Plan loopt."}
    model = zorg.TerugkoppelingVerzoek
    _doe(casus.geef_terugkoppeling, model, ZORGCOORDINATOR, gegevens, velden)


def evalueer(casus: Casus, **velden: Any) -> None:
    gegevens = {
        "datum": DAG + timedelta(days=56),
        "doelen_behaald": "ja",
        "conclusie": "Het gaat weer goed.",
        "vervolg": "terug_naar_mentor",
    }
    _doe(casus.evalueer, zorg.EvaluatieVerzoek, ZORGCOORDINATOR, gegevens, velden)


def verwijs_naar_zat(casus: Casus, **velden: Any) -> None:
    gegevens = {
        "datum": DAG,
        "hulpvraag": "Integrale aanpak thuis en school.",
        "ketenpartners": ("jeugdarts",),
    }
    _doe(casus.verwijs_naar_zat, zorg.ZatVerwijzingVerzoek, ZORGCOORDINATOR, gegevens, velden)


def sluit_af(casus: Casus, **velden: Any) -> None:
    gegevens = {"datum": DAG, "reden": "doelen_behaald"}
    _doe(casus.sluit_af, zorg.AfsluitingVerzoek, ZORGCOORDINATOR, gegevens, velden)


def corrigeer_onderwerp(casus: Casus, bron: str = "correctie", **velden: Any) -> None:
    gegevens = {"reden": "Verkeerd overgenomen."}

    def methode(verzoek: OnderwerpCorrectieVerzoek, actor: Actor, vandaag: date) -> None:
        casus.corrigeer_onderwerp(verzoek, actor, vandaag, bron=bron)  # type: ignore[arg-type]

    _doe(methode, OnderwerpCorrectieVerzoek, ZORGCOORDINATOR, gegevens, velden)


def hef_anonimiteit_op(casus: Casus, **velden: Any) -> None:
    gegevens = {"reden": "Veilig om te bespreken."}
    _doe(casus.hef_anonimiteit_op, AnonimiteitOpheffenVerzoek, ZORGCOORDINATOR, gegevens, velden)


# Every command but a signal, by the event it records (for "any command but a signal").
COMMANDOS: dict[str, Callable[[Casus], None]] = {
    "GesprekGevoerd": voer_gesprek,
    "OudersGeinformeerd": informeer_ouders,
    "AangemeldVoorKernteam": meld_aan_voor_kernteam,
    "BesprokenInKernteam": bespreek_in_kernteam,
    "InterventieIngezet": zet_interventie_in,
    "BesprokenMetContactpersoonZorg": bespreek_met_contactpersoon,
    "ToestemmingGegeven": registreer_toestemming,
    "IngebrachtInOZS": breng_in_ozs,
    "RegiehouderBenoemd": benoem_regiehouder,
    "InternBegeleiderGekoppeld": koppel_intern_begeleider,
    "HandelingsplanVastgesteld": stel_handelingsplan_vast,
    "OPPVastgesteld": stel_opp_vast,
    "BesprokenInOZS": bespreek_in_ozs,
    "TerugkoppelingGegeven": geef_terugkoppeling,
    "EvaluatieUitgevoerd": evalueer,
    "DoorverwezenNaarZAT": verwijs_naar_zat,
    "CasusAfgesloten": sluit_af,
}


# ---- files at a point of the route ---------------------------------------------------------


def nieuwe_casus(onderwerp: Onderwerp | None = None, casus_id: UUID | None = None) -> Casus:
    """A file opened by its first signal (level mentor), events already collected."""
    onderwerp = onderwerp or leerling()
    casus = Casus(
        id=casus_id or uuid4(), school=SCHOOL, onderwerp=onderwerp, actor=DOCENT, toelichting=None
    )
    meld_signaal(casus, onderwerp)
    casus.collect_events()
    return casus


def casus_op_niveau(
    niveau: Niveau,
    *,
    onderwerp: Onderwerp | None = None,
    regiehouder: bool = False,
) -> Casus:
    """A file that has gone the ordinary route up to `niveau` (pupil: parents informed
    and `ozs` consent before the intake; `extern` via a regiehouder and `zat` consent)."""
    casus = nieuwe_casus(onderwerp)
    if niveau != "mentor":
        bespreek_in_kernteam(casus)
    if niveau in ("contactpersoon", "ozs", "extern"):
        bespreek_met_contactpersoon(casus)
    if niveau in ("ozs", "extern"):
        if not casus.is_klas:
            informeer_ouders(casus)
            registreer_toestemming(casus, "ozs")
        breng_in_ozs(casus)
    if niveau == "extern" or (regiehouder and not casus.is_klas):
        benoem_regiehouder(casus)
    if niveau == "extern":
        registreer_toestemming(casus, "zat")
        verwijs_naar_zat(casus)
    assert casus.niveau == niveau
    casus.collect_events()
    return casus


def gesloten_casus(onderwerp: Onderwerp | None = None) -> Casus:
    casus = nieuwe_casus(onderwerp)
    sluit_af(casus)
    casus.collect_events()
    return casus


# ---- assertions -------------------------------------------------------------------------------


def staat_van(casus: Casus) -> dict[str, Any]:
    """Everything the file holds, except the queue of events not yet saved."""
    return copy.deepcopy({k: v for k, v in vars(casus).items() if k != "_pending_events"})


def gebeurtenissen(casus: Casus) -> list[str]:
    """Names of the events recorded since the builder (or the last call) collected them."""
    return [type(e).__name__ for e in casus.collect_events()]


def geweigerd(casus: Casus, code: str, commando: Callable[[], object]) -> Regelfout:
    """Run `commando`, expect the rule `code` to refuse it, and nothing to have changed."""
    wachtend = len(casus.pending_events)
    versie = casus.version
    voor = staat_van(casus)
    with pytest.raises(Regelfout) as info:
        commando()
    fout = info.value
    assert fout.code == code, f"verwacht {code}, kreeg {fout.code}: {fout.melding}"
    assert fout.melding.strip(), "een weigering heeft een Nederlandse melding"
    assert str(fout) == fout.melding
    assert len(casus.pending_events) == wachtend, "een weigering laat geen gebeurtenis achter"
    assert casus.version == versie
    assert staat_van(casus) == voor, "een weigering verandert het dossier niet"
    return fout
