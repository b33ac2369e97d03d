"""The meeting agendas on both backends, built from files driven through the real service."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from application.gebruiker import Gebruiker
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from projections import beheer, casussen
from projections.agenda import Agenda, agenda, agenda_met_dossiers
from projections.agenda_formaten import csv_van, ics_van
from projections.casussen import Casussen
from projections.opslag import Opslag
from tests.integration.conftest import LEERLING, MENTOR, ZORGCOORDINATOR, Weergaven, signaal

SCHOOL = "99XX"
REGIEHOUDER = {"medewerker_id": "rh-bakker", "naam": "C. Bakker"}
STARTDOCUMENT = {
    "ondersteuningsvraag": "Hoe helpen we Sam weer op gang met plannen?",
    "doel": "Sam levert zijn werk weer op tijd in.",
    "waarom_nu": "Cijfers dalen sinds de herfstvakantie.",
    "sterke_kanten": "Sportief, goed contact met de mentor.",
}


def d(tekst: str) -> date:
    return date.fromisoformat(tekst)


def nieuwe_casus(weergaven: Weergaven, nummer: int, naam: str | None = None) -> UUID:
    onderwerp = {**LEERLING, "leerlingnummer": f"a{nummer}", "naam": naam or f"Leerling {nummer}"}
    return weergaven.service.meld_signaal(
        MENTOR, SignaalVerzoek.model_validate(signaal(onderwerp))
    ).casus_id


def doe(weergaven: Weergaven, casus_id: UUID, handeling: str, **gegevens: Any) -> None:
    gebruiker: Gebruiker = MENTOR if handeling == "kernteam-aanmelding" else ZORGCOORDINATOR
    weergaven.service.handel(gebruiker, casus_id, opdracht_voor(handeling, gegevens))


def in_ozs(
    weergaven: Weergaven,
    nummer: int,
    intake: str = "2025-09-01",
    *,
    regiehouder: dict[str, str] | None = REGIEHOUDER,
    naam: str | None = None,
) -> UUID:
    """A pupil's file brought into the OZS on `intake`, with parents informed and consent."""
    casus_id = nieuwe_casus(weergaven, nummer, naam)
    doe(weergaven, casus_id, "ouders-geinformeerd", datum="2025-08-28", wijze="telefoon")
    doe(
        weergaven,
        casus_id,
        "toestemmingen",
        doel="ozs",
        besluit="gegeven",
        door="ouders",
        datum="2025-08-28",
    )
    doe(weergaven, casus_id, "ozs-inbreng", datum=intake, **STARTDOCUMENT)
    if regiehouder:
        doe(weergaven, casus_id, "regiehouder", **regiehouder)
    return casus_id


def bijwerken(weergaven: Weergaven) -> None:
    weergaven.runner(Agenda()).verwerk_beschikbaar()


def redenen(opslag: Opslag, overleg: str, datum: str) -> dict[str, str]:
    return {i["casus_id"]: i["reden"] for i in agenda(opslag, SCHOOL, overleg, d(datum))["items"]}


def test_kernteam_registration_is_on_its_meeting_until_discussed(weergaven: Weergaven) -> None:
    casus_id = nieuwe_casus(weergaven, 1)
    doe(
        weergaven, casus_id, "kernteam-aanmelding", datum="2025-10-08", vraag="Advies over plannen?"
    )
    bijwerken(weergaven)
    o = weergaven.opslag
    sleutel = str(casus_id)

    assert redenen(o, "kernteam", "2025-10-07") == {}
    item = agenda(o, SCHOOL, "kernteam", d("2025-10-08"))["items"][0]
    assert item["reden"] == "kernteam_aangemeld" and item["vraag"] == "Advies over plannen?"
    assert item["kernvragen"]["ondersteuningsbehoefte"] == "Advies over plannen?"
    assert item["kernvragen"]["casusregie"] == "mentor"
    assert redenen(o, "kernteam", "2025-10-15") == {sleutel: "kernteam_aangemeld"}  # carried over
    assert redenen(o, "ozs", "2025-10-08") == {}

    doe(weergaven, casus_id, "kernteambesprekingen", datum="2025-10-15", advies="Planningshulp.")
    doe(
        weergaven,
        casus_id,
        "interventies",
        soort="planningshulp",
        omschrijving="Wekelijks plannen met de mentor.",
        startdatum="2025-10-16",
        evaluatiedatum="2025-11-12",
    )
    bijwerken(weergaven)
    # The meeting that discussed it keeps it on its agenda; the next one does not.
    assert redenen(o, "kernteam", "2025-10-15") == {sleutel: "kernteam_aangemeld"}
    assert redenen(o, "kernteam", "2025-10-22") == {}
    assert redenen(o, "kernteam", "2025-11-12") == {sleutel: "evaluatie"}
    assert agenda(o, SCHOOL, "kernteam", d("2025-11-12"))["items"][0]["laatst_besproken"] == (
        "2025-10-15"
    )


def test_ozs_intake_then_periodic_discussion_exactly_four_weeks_after(weergaven: Weergaven) -> None:
    casus_id = in_ozs(weergaven, 1, regiehouder=None)
    bijwerken(weergaven)
    o, sleutel = weergaven.opslag, str(casus_id)

    assert redenen(o, "ozs", "2025-08-31") == {}
    item = agenda(o, SCHOOL, "ozs", d("2025-09-01"))["items"][0]
    assert item["reden"] == "nieuw_ingebracht" and item["weergavenaam"] == "Leerling 1"
    assert item["kernvragen"] == {
        "doel": STARTDOCUMENT["doel"],
        "ondersteuningsbehoefte": STARTDOCUMENT["ondersteuningsvraag"],
        "waarom_nu": STARTDOCUMENT["waarom_nu"],
        "sterke_kanten": STARTDOCUMENT["sterke_kanten"],
        "wanneer_evalueren": None,
        "casusregie": None,  # no regiehouder yet: the meeting appoints one
        "wie_koppelt_terug": None,
    }
    # Not discussed at the 4-week mark: still new, now also due periodically.
    assert agenda(o, SCHOOL, "ozs", d("2025-09-29"))["items"][0]["redenen"] == [
        "nieuw_ingebracht",
        "periodieke_bespreking",
    ]

    doe(weergaven, casus_id, "regiehouder", **REGIEHOUDER)
    doe(weergaven, casus_id, "ozs-besprekingen", datum="2025-09-08", verslag="Besproken.")
    bijwerken(weergaven)
    assert redenen(o, "ozs", "2025-09-08") == {sleutel: "nieuw_ingebracht"}
    assert redenen(o, "ozs", "2025-09-09") == {}
    assert redenen(o, "ozs", "2025-10-05") == {}  # 27 days after the discussion
    item = agenda(o, SCHOOL, "ozs", d("2025-10-06"))["items"][0]  # exactly 28 days
    assert item["reden"] == "periodieke_bespreking"
    assert item["laatst_besproken"] == "2025-09-08"
    assert item["regiehouder"] == REGIEHOUDER
    assert item["kernvragen"]["casusregie"] == "C. Bakker"
    assert "C. Bakker" in item["kernvragen"]["wie_koppelt_terug"]
    assert redenen(o, "kernteam", "2025-10-06") == {}
    assert redenen(o, "zat", "2025-10-06") == {}


def test_evaluation_and_escalation_come_on_the_ozs_agenda(weergaven: Weergaven) -> None:
    casus_id = in_ozs(weergaven, 1)
    doe(weergaven, casus_id, "handelingsplan", doelen=["Plannen"], evaluatiedatum="2025-10-20")
    doe(
        weergaven,
        casus_id,
        "ozs-besprekingen",
        datum="2025-09-08",
        verslag="Plan gemaakt.",
        volgende_bespreking="2025-12-01",
    )
    bijwerken(weergaven)
    o, sleutel = weergaven.opslag, str(casus_id)

    assert redenen(o, "ozs", "2025-10-19") == {}
    item = agenda(o, SCHOOL, "ozs", d("2025-10-20"))["items"][0]
    assert item["reden"] == "evaluatie"
    assert item["kernvragen"]["wanneer_evalueren"] == "2025-10-20"

    doe(
        weergaven,
        casus_id,
        "evaluaties",
        datum="2025-10-20",
        doelen_behaald="nee",
        conclusie="Onvoldoende.",
        vervolg="opschalen",
    )
    bijwerken(weergaven)
    assert redenen(o, "ozs", "2025-10-19") == {}
    assert redenen(o, "ozs", "2025-10-27") == {sleutel: "opschalen"}

    doe(weergaven, casus_id, "ozs-besprekingen", datum="2025-10-27", verslag="Naar ZAT.")
    bijwerken(weergaven)
    assert redenen(o, "ozs", "2025-10-28") == {}  # discussed: the flag is off


def test_a_referral_is_on_the_zat_agenda_until_its_outcome_is_evaluated(
    weergaven: Weergaven,
) -> None:
    casus_id = in_ozs(weergaven, 1)
    doe(weergaven, casus_id, "handelingsplan", doelen=["Plannen"], evaluatiedatum="2025-10-20")
    doe(
        weergaven,
        casus_id,
        "toestemmingen",
        doel="zat",
        besluit="gegeven",
        door="ouders",
        datum="2025-10-25",
    )
    doe(
        weergaven,
        casus_id,
        "zat-verwijzing",
        datum="2025-11-01",
        hulpvraag="Is er jeugdhulp nodig?",
        ketenpartners=["jeugdarts"],
    )
    bijwerken(weergaven)
    o, sleutel = weergaven.opslag, str(casus_id)

    assert redenen(o, "zat", "2025-10-31") == {sleutel: "evaluatie"}  # not yet referred
    item = agenda(o, SCHOOL, "zat", d("2025-11-03"))["items"][0]
    assert item["redenen"] == ["verwezen", "evaluatie"]  # the plan's evaluation is overdue
    assert item["vraag"] == "Is er jeugdhulp nodig?"
    # At level extern an evaluation belongs to the ZAT, not the OZS.
    assert "evaluatie" not in agenda(o, SCHOOL, "ozs", d("2025-11-03"))["items"][0]["redenen"]

    doe(
        weergaven,
        casus_id,
        "evaluaties",
        datum="2025-11-15",
        doelen_behaald="deels",
        conclusie="Jeugdarts betrokken.",
        vervolg="voortzetten",
        nieuwe_evaluatiedatum="2025-12-15",
    )
    bijwerken(weergaven)
    assert redenen(o, "zat", "2025-11-15") == {sleutel: "verwezen"}
    assert redenen(o, "zat", "2025-11-20") == {}
    assert redenen(o, "zat", "2025-12-15") == {sleutel: "evaluatie"}


def test_an_anonymous_file_shows_only_its_pseudonym_everywhere(weergaven: Weergaven) -> None:
    casus_id = nieuwe_casus(weergaven, 7, naam="Noor Geheim")
    doe(
        weergaven,
        casus_id,
        "ozs-inbreng",
        datum="2025-09-01",
        anoniem=True,
        reden_anoniem="Veiligheid thuis.",
        **STARTDOCUMENT,
    )
    bijwerken(weergaven)
    pseudoniem = weergaven.service.lees(ZORGCOORDINATOR, casus_id)["pseudoniem"]
    o = weergaven.opslag

    resultaat = agenda(o, SCHOOL, "ozs", d("2025-09-01"))
    item = resultaat["items"][0]
    assert item["weergavenaam"] == pseudoniem and item["anoniem"] is True
    assert item["klas"] is None
    stempel = datetime(2025, 9, 1, tzinfo=UTC)
    uitvoer = [
        str(resultaat),
        csv_van(agenda(o, SCHOOL, "ozs", d("2025-09-01"))),
        ics_van(agenda(o, SCHOOL, "ozs", d("2025-09-01")), SCHOOL, stempel),
    ]
    with o.lezen() as cur:
        uitvoer.append(str(cur.execute("SELECT * FROM pv_agenda").fetchall()))
    for tekst in uitvoer:
        assert "Noor" not in tekst and "Geheim" not in tekst
    assert pseudoniem in uitvoer[1] and pseudoniem in uitvoer[2]


def test_closed_files_leave_every_agenda(weergaven: Weergaven) -> None:
    casus_id = in_ozs(weergaven, 1)
    doe(weergaven, casus_id, "kernteam-aanmelding", datum="2025-09-03", vraag="Meedenken?")
    bijwerken(weergaven)
    assert redenen(weergaven.opslag, "ozs", "2025-10-01") != {}
    assert redenen(weergaven.opslag, "kernteam", "2025-10-01") != {}

    doe(weergaven, casus_id, "afsluiting", datum="2025-09-20", reden="uitgeschreven")
    bijwerken(weergaven)
    for overleg in ("kernteam", "ozs", "zat"):
        assert redenen(weergaven.opslag, overleg, "2025-10-01") == {}


def test_csv_and_ics_exports_of_an_agenda(weergaven: Weergaven) -> None:
    in_ozs(weergaven, 1, naam='Sam, "de" Boer')
    bijwerken(weergaven)
    o = weergaven.opslag

    tekst = csv_van(agenda(o, SCHOOL, "ozs", d("2025-09-01")))
    regels = tekst.split("\r\n")
    assert regels[0].startswith("casus_id,weergavenaam,klas,reden,regiehouder,laatst_besproken")
    assert '"Sam, ""de"" Boer"' in regels[1] and "nieuw ingebracht" in regels[1]

    stempel = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    ics = ics_van(agenda(o, SCHOOL, "ozs", d("2025-09-01")), SCHOOL, stempel)
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20250901\r\n" in ics and "DTSTAMP:20250901T080000Z" in ics
    assert "UID:agenda-ozs-20250901-99xx@zorgroute" in ics
    assert ics == ics_van(agenda(o, SCHOOL, "ozs", d("2025-09-01")), SCHOOL, stempel)  # stable
    assert all(len(r.encode()) <= 75 for r in ics.split("\r\n"))
    assert "\n" not in ics.replace("\r\n", "")
    assert 'Sam\\, "de" Boer' in ics.replace("\r\n ", "")


def test_a_rebuilt_agenda_equals_the_one_kept_up_to_date(weergaven: Weergaven) -> None:
    eerste = in_ozs(weergaven, 1)
    runner = weergaven.runner(Agenda(), batch=3)
    runner.verwerk_beschikbaar()  # part of the events now, the rest in later batches
    doe(weergaven, eerste, "ozs-besprekingen", datum="2025-09-08", verslag="Besproken.")
    tweede = in_ozs(weergaven, 2, intake="2025-09-10")
    doe(weergaven, tweede, "kernteam-aanmelding", datum="2025-09-17", vraag="Meedenken?")
    runner.verwerk_beschikbaar()

    def alles() -> tuple[Any, ...]:
        with weergaven.opslag.lezen() as cur:
            rijen = cur.execute("SELECT * FROM pv_agenda ORDER BY casus_id").fetchall()
        data = ("2025-09-10", "2025-10-06", "2026-01-01")
        antwoorden = [
            agenda(weergaven.opslag, SCHOOL, ov, d(x)) for ov in ("ozs", "kernteam") for x in data
        ]
        return rijen, antwoorden

    voor = alles()
    beheer.herbouw(runner, "agenda")
    assert alles() == voor
    assert voor[1][0]["items"] and voor[1][4]["items"]


def test_the_agenda_comes_with_the_case_list_rows_of_its_files(weergaven: Weergaven) -> None:
    """The access policy decides on case-list rows; the agenda reads them along."""
    eerste, tweede = in_ozs(weergaven, 1), in_ozs(weergaven, 2, intake="2025-10-01")
    weergaven.runner(Agenda(), Casussen()).verwerk_beschikbaar()
    resultaat, rijen = agenda_met_dossiers(weergaven.opslag, SCHOOL, "ozs", d("2025-09-01"))
    assert [i["casus_id"] for i in resultaat["items"]] == [str(eerste)]
    assert resultaat == agenda(weergaven.opslag, SCHOOL, "ozs", d("2025-09-01"))
    assert {r["casus_id"] for r in rijen} == {str(eerste)}
    assert rijen == casussen.rijen(weergaven.opslag, SCHOOL, [str(eerste)])
    assert str(tweede) not in {r["casus_id"] for r in rijen}
    assert agenda_met_dossiers(weergaven.opslag, "00ZZ", "ozs", d("2025-09-01"))[1] == []
