"""The accountability report on both backends, fed through the real service commands."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import orjson
import pytest

from application.gebruiker import Gebruiker
from domain.identiteit import schooljaar_van
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from projections import beheer
from projections.verantwoording import NEDERLAND, Verantwoording, verantwoording
from projections.verantwoording_weergave import als_csv, als_html
from tests.integration.conftest import (
    ANDERE_SCHOOL,
    LEERLING,
    ZORGCOORDINATOR,
    Weergaven,
    signaal,
)

VANDAAG = datetime.now(NEDERLAND).date()
JAAR = schooljaar_van(VANDAAG)
EINDE = date(int(JAAR[:4]) + 1, 7, 31)
# Business dates stay inside this school year, whatever day the suite runs on.
BASIS = VANDAAG if VANDAAG + timedelta(days=30) <= EINDE else VANDAAG - timedelta(days=40)
INBRENG = BASIS + timedelta(days=7)
GEHEIM = "Geheime ondersteuningsvraag"


def dag(d: date) -> str:
    return d.isoformat()


def meld(weergaven: Weergaven, wie: Gebruiker, nummer: int) -> UUID:
    onderwerp = {**LEERLING, "leerlingnummer": f"LLN-{nummer}", "naam": f"Pupil Naam{nummer}"}
    return weergaven.service.meld_signaal(
        wie, SignaalVerzoek.model_validate(signaal(onderwerp))
    ).casus_id


def naar_ozs(weergaven: Weergaven, casus_id: UUID) -> None:
    def doe(wie: Gebruiker, casus_id: UUID, handeling: str, gegevens: dict[str, Any]) -> None:
        weergaven.service.handel(wie, casus_id, opdracht_voor(handeling, gegevens))

    doe(ZORGCOORDINATOR, casus_id, "ouders-geinformeerd", {"datum": dag(BASIS), "wijze": "gesprek"})
    toestemming = {"besluit": "gegeven", "door": "ouders", "datum": dag(BASIS)}
    doe(ZORGCOORDINATOR, casus_id, "toestemmingen", {"doel": "ozs", **toestemming})
    inbreng = {
        "ondersteuningsvraag": GEHEIM,
        "doel": "Rust",
        "waarom_nu": "Nu",
        "sterke_kanten": "Humor",
    }
    doe(ZORGCOORDINATOR, casus_id, "ozs-inbreng", {"datum": dag(INBRENG), **inbreng})
    regie = {"medewerker_id": "zt-1", "naam": "Regie Houder"}
    doe(ZORGCOORDINATOR, casus_id, "regiehouder", regie)
    plan = {"doelen": ["Rust"], "interventies": [], "evaluatiedatum": dag(BASIS + timedelta(30))}
    doe(ZORGCOORDINATOR, casus_id, "handelingsplan", plan)


def vul_scholen(weergaven: Weergaven) -> list[UUID]:
    """99XX: 5 pupils at mentor level, 6 back to the mentor after an on-time evaluation,
    1 referred to the ZAT and then deregistered. 11AA: 2 pupils with a signal."""
    ids = [meld(weergaven, ZORGCOORDINATOR, i) for i in range(12)]
    for casus_id in ids[5:]:
        naar_ozs(weergaven, casus_id)
    evaluatie = {"doelen_behaald": "ja", "conclusie": "Goed", "vervolg": "terug_naar_mentor"}
    for casus_id in ids[5:11]:
        weergaven.service.handel(
            ZORGCOORDINATOR,
            casus_id,
            opdracht_voor("evaluaties", {"datum": dag(BASIS + timedelta(20)), **evaluatie}),
        )
    laatste = ids[11]

    def doe(wie: Gebruiker, casus_id: UUID, handeling: str, gegevens: dict[str, Any]) -> None:
        weergaven.service.handel(wie, casus_id, opdracht_voor(handeling, gegevens))

    toestemming = {"besluit": "gegeven", "door": "ouders", "datum": dag(BASIS)}
    doe(ZORGCOORDINATOR, laatste, "toestemmingen", {"doel": "zat", **toestemming})
    verwijzing = {"datum": dag(INBRENG), "hulpvraag": "Hulp", "ketenpartners": ["jeugdarts"]}
    doe(ZORGCOORDINATOR, laatste, "zat-verwijzing", verwijzing)
    doe(ZORGCOORDINATOR, laatste, "afsluiting", {"datum": dag(INBRENG), "reden": "uitgeschreven"})
    ids += [meld(weergaven, ANDERE_SCHOOL, 100 + i) for i in range(2)]
    return ids


def tabel(school: dict[str, Any], sleutel: str) -> dict[str, int | None]:
    (gevonden,) = [t for t in school["tabellen"] if t["sleutel"] == sleutel]
    return {r["sleutel"]: r["waarde"] for r in gevonden["rijen"]}


def kengetal(school: dict[str, Any], sleutel: str) -> float | None:
    return next(k["waarde"] for k in school["kengetallen"] if k["sleutel"] == sleutel)


@pytest.fixture
def gevuld(
    weergaven: Weergaven, monkeypatch: pytest.MonkeyPatch
) -> tuple[Weergaven, list[UUID], Any]:
    # The school's "today" after the business dates below (what happened is never in the
    # future), inside the same school year.
    later = datetime.combine(BASIS + timedelta(days=31), time(12), tzinfo=NEDERLAND)
    monkeypatch.setattr(weergaven.service, "_klok", lambda: later)
    ids = vul_scholen(weergaven)
    runner = weergaven.runner(Verantwoording(), batch=7)
    runner.verwerk_beschikbaar()
    return weergaven, ids, runner


def test_a_school_with_enough_cases_shows_counts_and_hides_small_ones(
    gevuld: tuple[Weergaven, list[UUID], Any],
) -> None:
    weergaven, ids, _ = gevuld
    rapport = verantwoording(weergaven.opslag, ["99XX", "11AA"], JAAR, min_cel=5)
    andere, school = rapport["scholen"]  # sorted by code

    # One referral (extern) is hidden; the smallest other level goes with it, so the
    # published total cannot give it back.
    assert tabel(school, "leerlingen_in_zorg") == {
        "mentor": None, "kernteam": 0, "contactpersoon": 0, "ozs": 6, "extern": None,
        "totaal": 12,
    }  # fmt: skip
    assert tabel(school, "signalen")["werkhouding"] == 12
    assert tabel(school, "signalen")["totaal"] == 12
    assert tabel(school, "stappen") == {"ozs_inbreng": 7, "zat_verwijzing": None, "opp": 0}
    assert tabel(school, "evaluaties") == {
        "op_tijd": 6, "te_laat": 0, "zonder_termijn": 0, "totaal": 6,
    }  # fmt: skip
    uitkomsten = tabel(school, "uitkomsten")
    assert uitkomsten["terug_naar_mentor"] == 6
    assert uitkomsten["uitgeschreven"] is None and uitkomsten["afgesloten"] is None
    assert kengetal(school, "evaluaties_op_tijd_pct") == 100.0
    # Signals are dated by the (Dutch) day they were recorded: take that day from the
    # stored event, so a run that crosses midnight still expects the right lead time.
    signaal = next(
        e
        for e in weergaven.service.opslag.gebeurtenissen(ids[0])
        if type(e).__name__ == "SignaalGemeld"
    )
    gemeld_op = signaal.timestamp.astimezone(NEDERLAND).date()
    verwacht = max(0, (INBRENG - gemeld_op).days)
    assert kengetal(school, "doorlooptijd_signaal_ozs_mediaan") == float(verwacht)
    # Two pupils: everything about them is hidden, including the total.
    assert tabel(andere, "leerlingen_in_zorg")["mentor"] is None
    assert tabel(andere, "leerlingen_in_zorg")["totaal"] is None
    assert kengetal(andere, "doorlooptijd_signaal_ozs_mediaan") is None


def test_a_file_open_when_the_next_year_begins_counts_there_at_its_level(
    gevuld: tuple[Weergaven, list[UUID], Any],
) -> None:
    weergaven, _, _ = gevuld
    volgend = f"{int(JAAR[:4]) + 1}-{int(JAAR[:4]) + 2}"
    (school,) = verantwoording(weergaven.opslag, ["99XX"], volgend)["scholen"]
    # 11 files are still open at the mentor level; the deregistered pupil is not in care.
    assert tabel(school, "leerlingen_in_zorg")["mentor"] == 11
    assert tabel(school, "leerlingen_in_zorg")["totaal"] == 11
    assert tabel(school, "signalen")["totaal"] == 0


def test_the_report_has_no_ids_names_or_free_text_in_any_format(
    gevuld: tuple[Weergaven, list[UUID], Any],
) -> None:
    weergaven, ids, _ = gevuld
    rapport = verantwoording(weergaven.opslag, ["99XX", "11AA"], JAAR)
    for tekst in (orjson.dumps(rapport).decode(), als_csv(rapport), als_html(rapport)):
        verboden = [str(i) for i in ids] + [GEHEIM, "Pupil Naam", "LLN-", "Regie Houder"]
        verboden += ["Maakt huiswerk", "zt-1", "Jeugdarts", "Hulp", ZORGCOORDINATOR.naam]
        assert not [v for v in verboden if v in tekst]


def test_a_rebuild_gives_the_same_report(gevuld: tuple[Weergaven, list[UUID], Any]) -> None:
    weergaven, _, runner = gevuld
    voor = verantwoording(weergaven.opslag, ["99XX", "11AA"], JAAR)
    beheer.herbouw(runner, "verantwoording")
    assert verantwoording(weergaven.opslag, ["99XX", "11AA"], JAAR) == voor


def test_csv_and_html_show_the_marker_escape_text_and_print_without_outside_resources(
    gevuld: tuple[Weergaven, list[UUID], Any],
) -> None:
    weergaven, _, _ = gevuld
    rapport = verantwoording(weergaven.opslag, ["99XX"], JAAR)
    regels = als_csv(rapport).splitlines()
    assert regels[0] == "school,schooljaar,tabel,onderdeel,omschrijving,waarde,eenheid"
    assert f"99XX,{JAAR},leerlingen_in_zorg,extern,Extern (ZAT),x,aantal" in regels
    assert f"99XX,{JAAR},leerlingen_in_zorg,ozs,Zorgteam (OZS),6,aantal" in regels

    rapport["scholen"][0]["school"] = '<script>alert("x")</script>&'
    pagina = als_html(rapport)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in pagina
    assert "<script" not in pagina
    assert pagina.startswith("<!DOCTYPE html>") and '<html lang="nl">' in pagina
    assert "@media print" in pagina and "@page" in pagina
    for extern in ("http://", "https://", "<link", "src=", "@import", "url("):
        assert extern not in pagina


def test_an_invalid_school_year_is_refused(weergaven: Weergaven) -> None:
    with pytest.raises(ValueError):
        verantwoording(weergaven.opslag, ["99XX"], "2025-2027")
