"""The demo school's scenarios: which steps each kind of case goes through, as data.

Each scenario extends an earlier one, so every rule's precondition holds; `api.demo`
plays them through the application's own commands.
"""

from __future__ import annotations

from typing import Any

# The demo's intern begeleider (api.demo builds the staff member from these).
IB_ID, IB_NAAM = "ib-smit", "L. Smit"
# The organisations a ZAT referral names, by the code a partner's token carries
# (`zorgroute token --rol extern --organisatie ...`); `LEERPLICHT` gets no referral.
JEUGDARTS, WIJKTEAM, LEERPLICHT = "jeugdarts-ggd", "wijkteam-noord", "leerplicht-zuid"


class D(int):
    """A date `n` days after the case's first signal (always in the past)."""


class V(int):
    """A date `n` days from today (a meeting or evaluation still to come)."""


# A step: (who, handeling as in the URL, body). "signaal" reports a concern instead; who is
# a key of `_Casus.wie` so one scenario serves every pupil and regiehouder.
Stap = tuple[str, str, dict[str, Any]]
Scenario = list[Stap]


def stap(wie: str, handeling: str, **gegevens: Any) -> Stap:
    return (wie, handeling, gegevens)


# ---- scenarios: each extends an earlier one, so every rule's precondition holds -----------

MENTOR = [
    stap("melder", "signaal"),
    stap("mentor", "gesprekken", met="leerling", datum=D(3), samenvatting="Eerste gesprek."),
]
OUDERS = [
    *MENTOR,
    stap("mentor", "gesprekken", met="ouders", datum=D(7), samenvatting="Thuis herkend."),
    stap("mentor", "ouders-geinformeerd", datum=D(7), wijze="gesprek"),
]
AANGEMELD = [*OUDERS, stap("mentor", "kernteam-aanmelding", datum=V(5), vraag="Wat werkt?")]
KERNTEAM = [
    *OUDERS,
    stap("mentor", "kernteam-aanmelding", datum=D(12), vraag="Herkennen collega's dit?"),
    stap("mentor", "kernteambesprekingen", datum=D(12), advies="Structuur bieden."),
    stap("mentor", "interventies", soort="flexuur", omschrijving="Plannen met een coach.",
         startdatum=D(14), evaluatiedatum=V(21)),
]  # fmt: skip
ADVIES = {"datum": D(20), "advies": "Stappen zijn gezet."}
CONTACTPERSOON = [*KERNTEAM, stap("zc", "contactpersoonbesprekingen", **ADVIES, besluit="advies")]
NAAR_OZS = [
    *KERNTEAM,
    stap("zc", "contactpersoonbesprekingen", **ADVIES, besluit="inbrengen_in_ozs"),
]
TOESTEMMING = {"doel": "ozs", "door": "ouders", "datum": D(22)}
GEWEIGERD = [*NAAR_OZS, stap("mentor", "toestemmingen", **TOESTEMMING, besluit="geweigerd")]
STARTDOCUMENT = {"datum": D(26), "ondersteuningsvraag": "Hoe krijgt de leerling weer grip?",
                 "doel": "Weer volledig meedoen.", "waarom_nu": "Basisondersteuning is niet "
                 "genoeg gebleken.", "sterke_kanten": "Behulpzaam en sportief."}  # fmt: skip
IN_ZORG = [
    stap("mentor", "ozs-inbreng", **STARTDOCUMENT),
    stap("zc", "regiehouder"),  # filled in with the case's regiehouder
    stap("zc", "intern-begeleider", medewerker_id=IB_ID, naam=IB_NAAM),
    stap("rh", "handelingsplan", doelen=["Huiswerk op tijd af"], interventies=["Begeleiding IB"],
         evaluatiedatum=V(28)),
    stap("zc", "ozs-besprekingen", datum=D(40), verslag="Plan loopt."),
    stap("rh", "terugkoppelingen", aan="mentor", datum=D(41), inhoud="Plan loopt."),
]  # fmt: skip
OZS = [*NAAR_OZS, stap("mentor", "toestemmingen", **TOESTEMMING, besluit="gegeven"), *IN_ZORG]
ZESTIEN = [  # a pupil of 16 or older decides on consent himself
    *NAAR_OZS,
    stap("mentor", "toestemmingen", **TOESTEMMING | {"door": "leerling"}, besluit="gegeven"),
    *IN_ZORG,
]
OPP = [
    *OZS,
    stap("rh", "opp", uitstroomperspectief="Diploma op huidig niveau", doelen=["Plannen"],
         evaluatiedatum=V(180), instemming_ouders=True),
    stap("ib", "evaluaties", datum=D(50), doelen_behaald="deels", conclusie="Voortgang.",
         vervolg="voortzetten", nieuwe_evaluatiedatum=V(42)),
]  # fmt: skip
EVALUATIE = {"datum": D(55), "conclusie": "Geëvalueerd met ouders en leerling."}
OPSCHALEN = [*OZS, stap("rh", "evaluaties", **EVALUATIE, doelen_behaald="nee", vervolg="opschalen")]
ZAT = {"doel": "zat", "door": "ouders", "datum": D(44)}
EXTERN = [
    *OZS,
    stap("mentor", "toestemmingen", **ZAT, besluit="gegeven"),
    stap("rh", "zat-verwijzing", datum=D(47), hulpvraag="Integrale aanpak thuis en school.",
         ketenpartners=[JEUGDARTS, WIJKTEAM]),
]  # fmt: skip
INGETROKKEN = [
    *OZS,
    stap("mentor", "toestemmingen", **ZAT, besluit="gegeven"),
    stap("mentor", "toestemmingen", **ZAT | {"datum": D(46)}, besluit="ingetrokken"),
]
TERUG = [
    *OZS,
    stap("rh", "evaluaties", **EVALUATIE, doelen_behaald="ja", vervolg="terug_naar_mentor"),
    stap("rh", "terugkoppelingen", aan="signaalgever", datum=D(56), inhoud="Afgerond."),
]
AFSLUITEN = {**EVALUATIE, "vervolg": "afsluiten"}
DOELEN_BEHAALD = [*KERNTEAM, stap("mentor", "evaluaties", **AFSLUITEN, doelen_behaald="ja")]
GEEN_ZORG_MEER = [*OZS, stap("rh", "evaluaties", **AFSLUITEN, doelen_behaald="deels")]
UITGESCHREVEN = [*EXTERN, stap("rh", "afsluiting", datum=D(56), reden="uitgeschreven")]
OVERGEDRAGEN = [*OZS, stap("zc", "afsluiting", datum=D(56), reden="overgedragen")]
HEROPEND = [  # a signal on a closed file reopens it as traject 2
    *DOELEN_BEHAALD,
    stap("docent", "signaal", categorie="verzuim"),
    stap("mentor", "ouders-geinformeerd", datum=D(58), wijze="telefoon"),
]
ANONIEM = [  # safety first: anonymous intake before the parents are informed
    stap("docent", "signaal", categorie="thuissituatie", veiligheidszorg=True),
    stap("zc", "contactpersoonbesprekingen", datum=D(2), advies="Anoniem inbrengen.",
         besluit="inbrengen_in_ozs"),
    stap("zc", "ozs-inbreng", **STARTDOCUMENT | {"datum": D(4)}, anoniem=True,
         reden_anoniem="Bespreking met naam kan de leerling in gevaar brengen."),
    stap("zc", "regiehouder"),
]  # fmt: skip
KLAS = [
    stap("mentor", "signaal", categorie="groepsklimaat"),
    stap("mentor", "gesprekken", met="klas", datum=D(3), samenvatting="Klassengesprek."),
]
KLAS_KERNTEAM = [
    *KLAS,
    stap("mentor", "kernteam-aanmelding", datum=D(10), vraag="Wat zien collega's?"),
    stap("mentor", "kernteambesprekingen", datum=D(10), advies="Sociogram afnemen."),
    stap("mentor", "interventies", soort="sociogram", omschrijving="Sociogram en observatie.",
         startdatum=D(12), evaluatiedatum=V(14)),
]  # fmt: skip
KLAS_OZS = [
    *KLAS_KERNTEAM,
    stap("zc", "contactpersoonbesprekingen", **ADVIES, besluit="inbrengen_in_ozs"),
    stap("mentor", "ozs-inbreng", **STARTDOCUMENT | {"sterke_kanten": "Betrokken mentor."}),
    stap("zc", "ozs-besprekingen", datum=D(30), verslag="Advies: weerbaarheidstraining."),
]
KLAS_GESLOTEN = [*KLAS_KERNTEAM, stap("mentor", "evaluaties", **AFSLUITEN, doelen_behaald="ja")]

# How many pupil cases of each kind (56, plus ZESTIEN for one pupil of 16+).
LEERLING_SCENARIOS: tuple[tuple[Scenario, int], ...] = (
    (MENTOR, 8), (OUDERS, 5), (AANGEMELD, 4), (KERNTEAM, 7), (CONTACTPERSOON, 5),
    (GEWEIGERD, 1), (OZS, 6), (OPP, 3), (OPSCHALEN, 2), (INGETROKKEN, 1), (EXTERN, 3),
    (TERUG, 2), (DOELEN_BEHAALD, 2), (GEEN_ZORG_MEER, 2), (UITGESCHREVEN, 1),
    (OVERGEDRAGEN, 1), (HEROPEND, 1), (ANONIEM, 1),
)  # fmt: skip
KLAS_SCENARIOS = ((KLAS_OZS, "H3A"), (KLAS_KERNTEAM, "M2A"), (KLAS, "V1A"), (KLAS_GESLOTEN, "H2A"))
