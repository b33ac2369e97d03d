"""A ZAT partner reads only files referred to its own organisation, while the `zat` consent
stands and until the referral ends (issue 13, item 5), over HTTP on both backends.

Before this, any `extern` token of the school read every referred file, closed ones too.
"""

from __future__ import annotations

from typing import Any

import pytest

from infrastructure.auth import maak_token
from tests.e2e.conftest import Medewerker, Omgeving, dag, leerling, probleem

JEUGDARTS, WIJKTEAM, LEERPLICHT = "jeugdarts-ggd", "wijkteam-noord", "leerplicht-zuid"
NAAM = "Mees Verwezen"


@pytest.fixture
def zc(omgeving: Omgeving) -> Medewerker:
    return omgeving.als("zorgcoordinator", sub="zc-1", naam="Zorgcoördinator Zus")


def partner(omgeving: Omgeving, organisatie: str) -> Medewerker:
    return omgeving.als("extern", sub=f"ex-{organisatie}", organisatie=organisatie)


def verwezen(zc: Medewerker, *ketenpartners: str, nummer: str = "500001") -> str:
    """A pupil through the OZS (with a plan, so it can be evaluated) to the ZAT."""
    cid = zc.meld(leerling(nummer, naam=NAAM))
    zc.stap(cid, "ouders-geinformeerd", {"datum": dag(-30), "wijze": "telefoon"})
    zc.stap(cid, "toestemmingen", toestemming("ozs", "gegeven"))
    zc.stap(cid, "ozs-inbreng", INBRENG)
    zc.stap(cid, "regiehouder", {"medewerker_id": "zt-1", "naam": "R. Houder"})
    plan = {"doelen": ["Weer naar school"], "interventies": [], "evaluatiedatum": dag(20)}
    zc.stap(cid, "handelingsplan", plan)
    zc.stap(cid, "toestemmingen", toestemming("zat", "gegeven"))
    verwijs(zc, cid, *ketenpartners)
    return cid


def toestemming(doel: str, besluit: str) -> dict[str, Any]:
    return {"doel": doel, "besluit": besluit, "door": "ouders", "datum": dag(-20)}


INBRENG = {
    "datum": dag(-25),
    "ondersteuningsvraag": "Wat heeft deze leerling nodig?",
    "doel": "Weer meedoen",
    "waarom_nu": "Verzuim loopt op",
    "sterke_kanten": "Sportief",
}


def verwijs(zc: Medewerker, cid: str, *ketenpartners: str) -> None:
    body = {
        "datum": dag(-10),
        "hulpvraag": "Integrale aanpak",
        "ketenpartners": list(ketenpartners),
    }
    zc.stap(cid, "zat-verwijzing", body)


def lezingen(wie: Medewerker, cid: str) -> dict[str, Any]:
    """The file, a version of it and its history, as this caller gets them."""
    return {
        "dossier": wie.get(f"/casussen/{cid}"),
        "versie": wie.get(f"/casussen/{cid}", params={"versie": 1}),
        "geschiedenis": wie.get(f"/casussen/{cid}/geschiedenis"),
    }


def in_lijst(wie: Medewerker, cid: str, omgeving: Omgeving) -> bool:
    # The list waits (`na`) until its view has seen every event stored so far.
    positie = omgeving.client.app.state.service.opslag.einde()  # type: ignore[attr-defined]
    antwoord = wie.get("/casussen", params={"na": positie, "limit": 200})
    assert antwoord.status_code == 200, antwoord.text
    return cid in {i["casus_id"] for i in antwoord.json()["items"]}


def leest(wie: Medewerker, cid: str) -> None:
    for wat, antwoord in lezingen(wie, cid).items():
        assert antwoord.status_code == 200, f"{wat}: {antwoord.text}"


def geweigerd(wie: Medewerker, cid: str) -> None:
    for wat, antwoord in lezingen(wie, cid).items():
        body = probleem(antwoord, 403, "geen_toegang")
        assert NAAM not in antwoord.text, wat
        assert "detail" in body


def test_each_partner_of_a_named_organisation_reads_the_referred_file(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = verwezen(zc, JEUGDARTS, WIJKTEAM)
    elders = verwezen(zc, LEERPLICHT, nummer="500003")
    for organisatie in (JEUGDARTS, WIJKTEAM):
        wie = partner(omgeving, organisatie)
        leest(wie, cid)
        assert wie.lees(cid)["weergave"] == "extern"
        assert in_lijst(wie, cid, omgeving)
        # Its list holds the files referred to it, not those referred elsewhere.
        assert not in_lijst(wie, elders, omgeving)


def test_a_partner_of_another_organisation_is_refused_and_does_not_see_it_listed(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = verwezen(zc, JEUGDARTS, WIJKTEAM)
    ander = partner(omgeving, LEERPLICHT)
    geweigerd(ander, cid)
    assert not in_lijst(ander, cid, omgeving)
    # An organisation whose code merely contains a named one is another organisation.
    for bijna in ("jeugdarts", "wijkteam-noord-2"):
        geweigerd(partner(omgeving, bijna), cid)
        assert not in_lijst(partner(omgeving, bijna), cid, omgeving)


def test_the_referral_ends_when_the_file_goes_back_to_the_mentor(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = verwezen(zc, JEUGDARTS)
    wie = partner(omgeving, JEUGDARTS)
    leest(wie, cid)
    evaluatie = {
        "datum": dag(),
        "doelen_behaald": "ja",
        "conclusie": "Gaat weer goed",
        "vervolg": "terug_naar_mentor",
    }
    zc.stap(cid, "evaluaties", evaluatie)
    geweigerd(wie, cid)
    assert not in_lijst(wie, cid, omgeving)
    # Brought in again and referred to another organisation: the old one stays out.
    zc.stap(cid, "ozs-inbreng", INBRENG | {"datum": dag()})
    verwijs(zc, cid, WIJKTEAM)
    geweigerd(wie, cid)
    leest(partner(omgeving, WIJKTEAM), cid)


def test_the_referral_ends_when_the_file_is_closed_and_stays_ended_after_reopening(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = verwezen(zc, JEUGDARTS)
    wie = partner(omgeving, JEUGDARTS)
    leest(wie, cid)
    zc.stap(cid, "afsluiting", {"datum": dag(), "reden": "uitgeschreven"})
    geweigerd(wie, cid)
    assert not in_lijst(wie, cid, omgeving)
    # A signal reopens it as a new traject; the referral belonged to the old one.
    zc.meld(leerling("500001", naam=NAAM))
    assert zc.lees(cid)["traject"] == 2
    geweigerd(wie, cid)
    assert not in_lijst(wie, cid, omgeving)


def test_withdrawing_the_zat_consent_refuses_the_partner(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = verwezen(zc, JEUGDARTS)
    wie, ander = partner(omgeving, JEUGDARTS), partner(omgeving, WIJKTEAM)
    leest(wie, cid)
    geweigerd(ander, cid)  # while the consent stands, only the named organisation
    zc.stap(cid, "toestemmingen", toestemming("zat", "ingetrokken"))
    for partner_ in (wie, ander):
        geweigerd(partner_, cid)
        assert not in_lijst(partner_, cid, omgeving)


def test_a_new_referral_replaces_the_list_of_partners(omgeving: Omgeving, zc: Medewerker) -> None:
    cid = verwezen(zc, JEUGDARTS, WIJKTEAM)
    eerst, daarna = partner(omgeving, JEUGDARTS), partner(omgeving, LEERPLICHT)
    leest(eerst, cid)
    geweigerd(daarna, cid)
    verwijs(zc, cid, LEERPLICHT)
    leest(daarna, cid)
    assert in_lijst(daarna, cid, omgeving)
    for vorige in (eerst, partner(omgeving, WIJKTEAM)):
        geweigerd(vorige, cid)
        assert not in_lijst(vorige, cid, omgeving)


def test_an_external_token_without_an_organisation_is_not_accepted(omgeving: Omgeving) -> None:
    secret = omgeving.settings.jwt_secret
    assert secret is not None
    token = maak_token(secret.get_secret_value(), "ex-1", "Zonder Organisatie", "extern", "99XX")
    antwoord = omgeving.client.get("/api/v1/casussen", headers={"Authorization": f"Bearer {token}"})
    body = probleem(antwoord, 401, "niet_geauthenticeerd")
    assert "organisatie" in body["detail"]


@pytest.mark.parametrize(
    "ketenpartners", [["Jeugdarts GGD"], ["wijkteam", "-noord"], ["a" * 64], ["WIJKTEAM"]]
)
def test_a_referral_names_organisations_by_their_code(
    zc: Medewerker, ketenpartners: list[str]
) -> None:
    cid = zc.meld(leerling("500002", naam=NAAM))
    body = {"datum": dag(), "hulpvraag": "Integraal", "ketenpartners": ketenpartners}
    fout = probleem(zc.doe(cid, "zat-verwijzing", body), 422, "ongeldige_invoer")
    assert "ketenpartners" in fout["detail"]
    velden = [f for f in fout["fouten"] if f["veld"].startswith("ketenpartners.")]
    assert velden, fout
    assert all(f["melding"].startswith(("moet een code zijn", "te lang")) for f in velden), velden
