"""One date policy for commands and reads (docs/invoer.md): ISO text only, 1900-2199, and
what happened is not after the service's today. Never a 500, nothing stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Medewerker, Omgeving, bijgewerkt, dag, leerling, probleem

VER = "9999-12-31"
# Valid ISO text, but past year 9999 once converted to UTC.
OVER_DE_RAND = "9999-12-31T23:59:59-14:00"


def _velden(antwoord: Any, code: str = "ongeldige_invoer") -> list[str]:
    return [f["veld"] for f in probleem(antwoord, 422, code)["fouten"]]


def _tot_ozs(zc: Medewerker) -> str:
    """A file in the OZS with a regiehouder and a plan, so every command can be tried."""
    cid = zc.meld()
    zc.stap(cid, "ouders-geinformeerd", {"datum": dag(-9), "wijze": "telefoon"})
    toestemming = {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": dag(-8)}
    zc.stap(cid, "toestemmingen", toestemming)
    zc.stap(cid, "toestemmingen", {**toestemming, "doel": "zat"})
    zc.stap(cid, "ozs-inbreng", {**STARTDOCUMENT, "datum": dag(-7)})
    zc.stap(cid, "regiehouder", {"medewerker_id": "zt-1", "naam": "R. Bakker"})
    zc.stap(cid, "handelingsplan", {"doelen": ["Grip"], "evaluatiedatum": dag(30)})
    return cid


STARTDOCUMENT = {
    "ondersteuningsvraag": "Hoe krijgt zij grip?",
    "doel": "Grip op school.",
    "waarom_nu": "Het advies hielp onvoldoende.",
    "sterke_kanten": "Sportief.",
}
# Each command with a date of what happened: its body, given that date.
GEBEURD: dict[str, Any] = {
    "gesprekken": lambda d: {"met": "leerling", "datum": d, "samenvatting": "Gesprek."},
    "ouders-geinformeerd": lambda d: {"datum": d, "wijze": "telefoon"},
    "kernteambesprekingen": lambda d: {"datum": d, "advies": "Structuur."},
    "contactpersoonbesprekingen": lambda d: {"datum": d, "advies": "Ja.", "besluit": "advies"},
    "toestemmingen": lambda d: {"doel": "swv", "besluit": "gegeven", "door": "ouders", "datum": d},
    "ozs-besprekingen": lambda d: {"datum": d, "verslag": "Plan loopt."},
    "terugkoppelingen": lambda d: {"aan": "mentor", "datum": d, "inhoud": "Loopt."},
    "zat-verwijzing": lambda d: {"datum": d, "hulpvraag": "Thuis.", "ketenpartners": ["wijkteam"]},
    "evaluaties": lambda d: {
        "datum": d,
        "doelen_behaald": "deels",
        "conclusie": "Voortgang.",
        "vervolg": "voortzetten",
        "nieuwe_evaluatiedatum": dag(40),
    },
    "afsluiting": lambda d: {"datum": d, "reden": "geen_zorg_meer"},
}


def test_wat_gebeurd_is_ligt_niet_na_vandaag(zc: Medewerker) -> None:
    cid = _tot_ozs(zc)
    versie = zc.lees(cid)["versie"]
    for handeling, body in GEBEURD.items():
        antwoord = zc.doe(cid, handeling, body(dag(1)))
        assert _velden(antwoord, "datum_in_toekomst") == ["datum"], handeling
    # Two months ahead was stored and counted as "on time" in the report (issue 14).
    assert _velden(zc.doe(cid, "evaluaties", GEBEURD["evaluaties"](dag(61))), "datum_in_toekomst")
    assert zc.lees(cid)["versie"] == versie  # nothing stored
    # Today is not the future: each is accepted (the closing last).
    for handeling, body in GEBEURD.items():
        assert zc.doe(cid, handeling, body(dag(0))).status_code == 201, handeling


def test_ozs_inbreng_en_geboortedatum_niet_na_vandaag(zc: Medewerker) -> None:
    cid = zc.meld()
    zc.stap(cid, "ouders-geinformeerd", {"datum": dag(-2), "wijze": "telefoon"})
    toestemming = {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": dag(-1)}
    zc.stap(cid, "toestemmingen", toestemming)
    inbreng = zc.doe(cid, "ozs-inbreng", {**STARTDOCUMENT, "datum": dag(1)})
    assert _velden(inbreng, "datum_in_toekomst") == ["datum"]

    geboren = zc.post(
        "/signalen", {**_signaal(), "onderwerp": leerling("100999", geboortedatum=dag(1))}
    )
    assert _velden(geboren, "datum_in_toekomst") == ["onderwerp.geboortedatum"]
    correctie = {"geboortedatum": dag(1), "reden": "Typefout."}
    assert _velden(zc.doe(cid, "onderwerp-correctie", correctie), "datum_in_toekomst") == [
        "onderwerp.geboortedatum"
    ]
    lijst = zc.get("/casussen", params=bijgewerkt(zc)).json()["items"]
    assert [i["casus_id"] for i in lijst] == [cid]  # the refused signal opened no file


def _signaal() -> dict[str, Any]:
    return {"categorieen": ["verzuim"], "omschrijving": "Mist het eerste uur.", "bron": "mentor"}


def test_plannen_mogen_vooruit_en_een_interventie_begint_binnen_acht_weken(
    zc: Medewerker,
) -> None:
    cid = _tot_ozs(zc)
    zc.stap(cid, "kernteam-aanmelding", {"datum": dag(14), "vraag": "Wat werkt?"})
    zc.stap(cid, "handelingsplan", {"doelen": ["Grip"], "evaluatiedatum": dag(90)})
    zc.stap(
        cid, "ozs-besprekingen", {"datum": dag(0), "verslag": "x", "volgende_bespreking": dag(20)}
    )
    interventie = {"soort": "training", "omschrijving": "Weerbaarheid.", "evaluatiedatum": dag(120)}
    zc.stap(cid, "interventies", {**interventie, "startdatum": dag(56)})
    te_laat = zc.doe(cid, "interventies", {**interventie, "startdatum": dag(57)})
    assert _velden(te_laat, "datum_in_toekomst") == ["startdatum"]


def test_vandaag_is_die_van_de_dienst_in_amsterdam(
    omgeving: Omgeving, zc: Medewerker, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = zc.meld()
    service = omgeving.client.app.state.service  # type: ignore[attr-defined]
    # 23:30 UTC on 1 March is already 2 March in Amsterdam.
    monkeypatch.setattr(service, "_klok", lambda: datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    gesprek = {"met": "leerling", "samenvatting": "Gesprek."}
    assert zc.doe(cid, "gesprekken", {**gesprek, "datum": "2026-03-02"}).status_code == 201
    antwoord = zc.doe(cid, "gesprekken", {**gesprek, "datum": "2026-03-03"})
    assert "2026-03-02" in probleem(antwoord, 422, "datum_in_toekomst")["detail"]
    # The API's own clock is not asked: a service that lives in 2020 refuses today.
    monkeypatch.setattr(service, "_klok", lambda: datetime(2020, 1, 1, 12, tzinfo=UTC))
    assert _velden(zc.doe(cid, "gesprekken", {**gesprek, "datum": dag(0)}), "datum_in_toekomst")


@pytest.mark.parametrize("handeling", ["ozs-inbreng", "ozs-besprekingen", "gesprekken"])
def test_een_datum_buiten_het_bereik_is_422_geen_500(zc: Medewerker, handeling: str) -> None:
    cid = zc.meld()
    bodies = {
        "ozs-inbreng": {**STARTDOCUMENT},
        "ozs-besprekingen": {"verslag": "x", "volgende_bespreking": dag(1)},
        "gesprekken": {"met": "leerling", "samenvatting": "x"},
    }
    for datum in (VER, "1899-12-31", "2200-01-01", "0001-01-01", 0, 20250301, "20250301"):
        body = {**bodies[handeling], "datum": datum}
        assert _velden(zc.doe(cid, handeling, body)) == ["datum"], (handeling, datum)
    if handeling == "ozs-besprekingen":
        plan = {**bodies[handeling], "datum": dag(0), "volgende_bespreking": VER}
        assert _velden(zc.doe(cid, handeling, plan)) == ["volgende_bespreking"]


def test_datums_en_tijdstippen_in_een_query(zc: Medewerker) -> None:
    cid = zc.meld()
    # The parameters are checked before any access decision, so one role asks them all.
    vragen: list[tuple[str, dict[str, Any], str]] = [
        ("/agenda/kernteam", {"datum": "0"}, "datum"),
        ("/agenda/kernteam", {"datum": VER}, "datum"),
        ("/agenda/kernteam", {"datum": "1577836800"}, "datum"),
        ("/werkvoorraad", {"peildatum": "0"}, "peildatum"),
        ("/trends", {"van": "0", "tot": dag(0)}, "van"),
        ("/trends", {"van": dag(-30), "tot": VER}, "tot"),
        ("/toegangslog", {"tot": OVER_DE_RAND}, "tot"),
        ("/toegangslog", {"van": "0"}, "van"),
        ("/toegangslog", {"van": "2025-03-01T12:00:00"}, "van"),  # no zone
        ("/toegangslog/noodtoegang", {"van": OVER_DE_RAND}, "van"),
        ("/audittrail", {"van": OVER_DE_RAND}, "van"),
        ("/audittrail", {"tot": "0001-01-01T00:00:00+14:00"}, "tot"),
        (f"/casussen/{cid}", {"op": OVER_DE_RAND}, "op"),
        (f"/casussen/{cid}", {"op": "1700000000"}, "op"),
    ]
    for pad, params, veld in vragen:
        assert _velden(zc.get(pad, params=params)) == [veld], (pad, params)
    # Within the range, with a zone: read as always.
    nu = datetime.now(UTC)
    assert zc.get(f"/casussen/{cid}", params={"op": nu.isoformat()}).status_code == 200
    assert zc.get("/agenda/kernteam", params={"datum": dag(7)}).status_code == 200
    vroeg = (date.today() - timedelta(days=3)).isoformat()
    assert zc.get("/werkvoorraad", params={"peildatum": vroeg}).status_code == 200
