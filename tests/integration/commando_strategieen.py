"""Hypothesis strategies for the property test of `test_eigenschappen`: random commands
of the contract (valid, invalid and nonsense values), the ordinary route that puts them
in deep states, and fresh subjects."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

VANDAAG = date.today()


datums = st.dates(VANDAAG - timedelta(days=400), VANDAAG + timedelta(days=500))
teksten = st.sampled_from(["", "kort", "Een langere omschrijving met ë en é.", "x" * 300])
lijsten = st.lists(st.sampled_from(["a", "b", "jeugdarts", "wijkteam"]), max_size=3)
ONZIN = "onzin"


def _enum(*waarden: str) -> st.SearchStrategy[str]:
    # Mostly valid values, sometimes one outside the closed vocabulary.
    return (
        st.one_of(st.sampled_from(waarden), st.just(ONZIN))
        if len(waarden) > 1
        else st.just(waarden[0])
    )


VELDEN: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "signalen": {
        "categorieen": st.lists(
            st.sampled_from(["leren", "gedrag", "verzuim", "veiligheid", "groepsklimaat"]),
            min_size=1,
            max_size=3,
        ),
        "omschrijving": teksten,
        "bron": _enum("mentor", "docent", "ouder"),
        "veiligheidszorg": st.booleans(),
    },
    "gesprekken": {
        "met": _enum("leerling", "ouders", "klas"),
        "datum": datums,
        "samenvatting": teksten,
        "afspraken": lijsten,
    },
    "ouders-geinformeerd": {"datum": datums, "wijze": _enum("gesprek", "telefoon", "brief")},
    "kernteam-aanmelding": {"datum": datums, "vraag": teksten},
    "kernteambesprekingen": {"datum": datums, "advies": teksten, "acties": lijsten},
    "interventies": {
        "soort": teksten,
        "omschrijving": teksten,
        "startdatum": datums,
        "evaluatiedatum": datums,
    },
    "contactpersoonbesprekingen": {
        "datum": datums,
        "advies": teksten,
        "besluit": _enum("advies", "inbrengen_in_ozs"),
    },
    "toestemmingen": {
        "doel": _enum("ozs", "zat", "swv", "extern"),
        # besluit: only valid values here, see test_unknown_consent_decision_is_invalid_input
        "besluit": st.sampled_from(["gegeven", "gegeven", "geweigerd", "ingetrokken"]),
        "door": _enum("ouders", "leerling"),
        "datum": datums,
    },
    "ozs-inbreng": {
        "datum": datums,
        "ondersteuningsvraag": teksten,
        "doel": teksten,
        "waarom_nu": teksten,
        "sterke_kanten": teksten,
        "anoniem": st.booleans(),
        "reden_anoniem": st.one_of(st.none(), st.just(""), st.just("veiligheid")),
    },
    "regiehouder": {"medewerker_id": st.sampled_from(["zt-1", "zt-2"]), "naam": teksten},
    "intern-begeleider": {"medewerker_id": st.sampled_from(["ib-1", "ib-2"]), "naam": teksten},
    "handelingsplan": {"doelen": lijsten, "interventies": lijsten, "evaluatiedatum": datums},
    "opp": {
        "uitstroomperspectief": teksten,
        "doelen": lijsten,
        "evaluatiedatum": datums,
        "instemming_ouders": st.booleans(),
    },
    "ozs-besprekingen": {
        "datum": datums,
        "verslag": teksten,
        "aanwezigen": lijsten,
        "volgende_bespreking": st.one_of(st.none(), datums),
    },
    "terugkoppelingen": {
        "aan": _enum("mentor", "signaalgever", "ouders", "leerling"),
        "datum": datums,
        "inhoud": teksten,
    },
    "evaluaties": {
        "datum": datums,
        "doelen_behaald": _enum("ja", "deels", "nee"),
        "conclusie": teksten,
        "vervolg": _enum("terug_naar_mentor", "voortzetten", "opschalen", "afsluiten"),
        "nieuwe_evaluatiedatum": st.one_of(st.none(), datums),
    },
    "zat-verwijzing": {"datum": datums, "hulpvraag": teksten, "ketenpartners": lijsten},
    "afsluiting": {
        "datum": datums,
        "reden": _enum("doelen_behaald", "geen_zorg_meer", "uitgeschreven"),
    },
}
# Without `besluit` the service raises TypeError (see the report); never drop it here.
ONMISBAAR = {("toestemmingen", "besluit")}


# Weighted towards the steps that move a file up or around, so deep states are reached.
EXTRA_GEWICHT = (
    "toestemmingen",
    "ouders-geinformeerd",
    "ozs-inbreng",
    "regiehouder",
    "kernteambesprekingen",
    "handelingsplan",
    "evaluaties",
    "signalen",
)


@st.composite
def stap(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    # Weighted towards the steps that move a file up, so deep states are reached.
    handeling = draw(st.sampled_from([*VELDEN, *EXTRA_GEWICHT]))
    gegevens = draw(st.fixed_dictionaries(VELDEN[handeling]))
    bederf = draw(st.sampled_from(["geen"] * 15 + ["weglaten", "extra", "datum_tekst"]))
    if bederf == "weglaten":
        weg = draw(st.sampled_from(sorted(gegevens)))
        if (handeling, weg) not in ONMISBAAR:
            del gegevens[weg]
    elif bederf == "extra":
        gegevens["onbekend_veld"] = 1
    elif bederf == "datum_tekst" and "datum" in gegevens:
        gegevens["datum"] = "2025-02-30"
    if draw(st.booleans()):
        gegevens["toelichting"] = draw(teksten)
    return handeling, {k: v.isoformat() if isinstance(v, date) else v for k, v in gegevens.items()}


def _d(dagen: int) -> str:
    # The route ends before today: what happened is never in the future.
    return (VANDAAG - timedelta(days=70) + timedelta(days=dagen)).isoformat()


# The ordinary route of a pupil up to ZAT, closing and reopening, with valid data: a random prefix of it puts the
# random steps after it in deep states (ozs, regiehouder, plan, extern) often enough.
ROUTE: list[tuple[str, dict[str, Any]]] = [
    ("kernteambesprekingen", {"datum": _d(0), "advies": "advies"}),
    ("ouders-geinformeerd", {"datum": _d(1), "wijze": "telefoon"}),
    ("toestemmingen", {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": _d(1)}),
    (
        "ozs-inbreng",
        {
            "datum": _d(7),
            "ondersteuningsvraag": "vraag",
            "doel": "doel",
            "waarom_nu": "nu",
            "sterke_kanten": "sterk",
        },
    ),
    ("regiehouder", {"medewerker_id": "zt-1", "naam": "Regiehouder"}),
    ("handelingsplan", {"doelen": ["doel"], "evaluatiedatum": _d(60)}),
    ("toestemmingen", {"doel": "zat", "besluit": "gegeven", "door": "ouders", "datum": _d(8)}),
    ("zat-verwijzing", {"datum": _d(9), "hulpvraag": "hulp", "ketenpartners": ["jeugdarts"]}),
    (
        "evaluaties",
        {"datum": _d(60), "doelen_behaald": "ja", "conclusie": "klaar", "vervolg": "afsluiten"},
    ),
    ("signalen", {"categorieen": ["gedrag"], "omschrijving": "weer zorgen", "bron": "docent"}),
]

_volgnummer = itertools.count()


def nieuw_onderwerp(soort: str, geboortedatum: date | None) -> dict[str, Any]:
    uniek = f"{next(_volgnummer)}-{uuid.uuid4().hex[:8]}"
    if soort == "klas":
        return {"type": "klas", "klas": f"K{uniek}", "afdeling": "havo", "leerjaar": 2}
    onderwerp: dict[str, Any] = {
        "type": "leerling",
        "leerlingnummer": uniek,
        "naam": "Piet Puk",
        "klas": "2A",
        "afdeling": "havo",
        "leerjaar": 2,
    }
    if geboortedatum is not None:
        onderwerp["geboortedatum"] = geboortedatum.isoformat()
    return onderwerp
