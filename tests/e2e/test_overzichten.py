"""The views over HTTP: read your writes with `?na=`, list, agenda, caseload, audit trail,
trends and projection status, on both backends."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from api.app import create_app
from infrastructure.settings import Settings
from tests.e2e.conftest import Medewerker, Omgeving, dag, leerling, probleem


def naar_ozs(zc: Medewerker, casus_id: str) -> None:
    zc.stap(casus_id, "ouders-geinformeerd", {"datum": dag(-3), "wijze": "telefoon"})
    zc.stap(
        casus_id,
        "toestemmingen",
        {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": dag(-3)},
    )
    zc.stap(
        casus_id,
        "ozs-inbreng",
        {
            "datum": dag(-2),
            "ondersteuningsvraag": "Hoe krijgt zij weer grip op het huiswerk?",
            "doel": "Weer meedoen in de les",
            "waarom_nu": "Cijfers zakken snel",
            "sterke_kanten": "Sportief en behulpzaam",
        },
    )


def test_a_command_answer_carries_a_position_that_a_read_can_wait_for(zc: Medewerker) -> None:
    antwoord = zc.post("/signalen", {"onderwerp": leerling(), **_signaal()})
    positie = antwoord.json()["positie"]

    lijst = zc.get("/casussen", params={"na": positie})

    assert lijst.status_code == 200, lijst.text
    assert [i["casus_id"] for i in lijst.json()["items"]] == [antwoord.json()["casus_id"]]


def test_a_read_that_cannot_catch_up_in_time_answers_503_with_retry_after(
    settings: Settings,
) -> None:
    # A separate projector that is not running: the API's views never catch up.
    zonder_projector = settings.model_copy(update={"projecties_in_proces": False})
    with TestClient(create_app(zonder_projector)) as client:
        omgeving = Omgeving(client, zonder_projector)
        zc = omgeving.als()
        positie = zc.post("/signalen", {"onderwerp": leerling(), **_signaal()}).json()["positie"]

        antwoord = zc.get("/casussen", params={"na": positie})

    probleem(antwoord, 503, "nog_niet_bijgewerkt")
    assert antwoord.headers["Retry-After"] == "1"


def test_a_position_past_the_end_of_the_log_is_invalid(zc: Medewerker) -> None:
    probleem(zc.get("/casussen", params={"na": 10**12}), 422, "ongeldige_invoer")


def test_the_case_list_filters_on_level_and_pages(zc: Medewerker) -> None:
    ids = [zc.meld(leerling(nummer=f"n{i}", naam=f"Leerling {i}")) for i in range(3)]
    naar_ozs(zc, ids[0])
    positie = zc.post(f"/casussen/{ids[1]}/signalen", _signaal()).json()["positie"]

    op_ozs = zc.get("/casussen", params={"niveau": "ozs", "na": positie}).json()["items"]
    eerste = zc.get("/casussen", params={"limit": 2}).json()
    tweede = zc.get("/casussen", params={"limit": 2, "cursor": eerste["volgende_cursor"]}).json()

    assert [i["casus_id"] for i in op_ozs] == [ids[0]]
    assert eerste["items"][0]["casus_id"] == ids[1]
    assert len(eerste["items"]) + len(tweede["items"]) == 3
    probleem(zc.get("/casussen", params={"cursor": "rommel"}), 422, "ongeldige_invoer")


def test_the_ozs_agenda_lists_a_new_intake_also_as_csv_and_calendar(zc: Medewerker) -> None:
    casus_id = zc.meld()
    naar_ozs(zc, casus_id)
    positie = zc.post(f"/casussen/{casus_id}/signalen", _signaal()).json()["positie"]

    agenda = zc.get("/agenda/ozs", params={"datum": dag(0), "na": positie}).json()
    csv = zc.get("/agenda/ozs", params={"datum": dag(0), "formaat": "csv"})
    ics = zc.get("/agenda/ozs", params={"datum": dag(0)}, headers={"Accept": "text/calendar"})

    assert [(i["casus_id"], i["reden"]) for i in agenda["items"]] == [
        (casus_id, "nieuw_ingebracht")
    ]
    assert agenda["items"][0]["kernvragen"]["sterke_kanten"] == "Sportief en behulpzaam"
    assert csv.headers["content-type"].startswith("text/csv")
    assert casus_id in csv.text
    assert ics.text.startswith("BEGIN:VCALENDAR\r\n")
    probleem(zc.get("/agenda/elders"), 422, "ongeldige_invoer")


def test_the_caseload_shows_files_where_one_is_regiehouder(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    casus_id = zc.meld()
    naar_ozs(zc, casus_id)
    zc.stap(casus_id, "regiehouder", {"medewerker_id": "zt-bakker", "naam": "T. Bakker"})
    positie = zc.post(f"/casussen/{casus_id}/signalen", _signaal()).json()["positie"]
    regiehouder = omgeving.als("zorgteam", sub="zt-bakker", naam="T. Bakker")

    eigen = regiehouder.get("/werkvoorraad", params={"na": positie}).json()
    van_ander = zc.get("/werkvoorraad", params={"medewerker": "zt-bakker"}).json()

    assert [c["casus_id"] for c in eigen["casussen"]] == [casus_id]
    assert van_ander["casussen"] == eigen["casussen"]


def test_the_audit_trail_shows_structural_changes_and_hides_other_schools(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    casus_id = zc.meld()
    naar_ozs(zc, casus_id)
    positie = zc.post(f"/casussen/{casus_id}/signalen", _signaal()).json()["positie"]

    trail = zc.get(f"/casussen/{casus_id}/audittrail", params={"na": positie}).json()["items"]
    per_gebruiker = zc.get("/audittrail", params={"gebruiker": "zc-1"}).json()["items"]
    csv = zc.get(f"/casussen/{casus_id}/audittrail", params={"formaat": "csv"})
    elders = omgeving.als("zorgcoordinator", school="11YY")

    inbreng = next(i for i in trail if i["gebeurtenis"] == "IngebrachtInOZS")
    assert inbreng["wijzigingen"]["niveau"] == {"oud": "mentor", "nieuw": "ozs"}
    assert len(per_gebruiker) == len(trail)
    assert "Sanne de Vries" not in csv.text
    probleem(elders.get(f"/casussen/{casus_id}/audittrail"), 404, "niet_gevonden")


def test_trends_count_this_months_signals(zc: Medewerker) -> None:
    zc.meld()
    positie = zc.post("/signalen", {"onderwerp": leerling(nummer="2"), **_signaal()}).json()[
        "positie"
    ]
    vandaag = date.today()

    trends = zc.get(
        "/trends",
        params={"van": str(vandaag - timedelta(days=60)), "tot": str(vandaag), "na": positie},
    )

    assert trends.status_code == 200, trends.text
    groepen = {g["groep"]["categorie"]: g["totaal"] for g in trends.json()["groepen"]}
    assert groepen["verzuim"] == 2
    probleem(
        zc.get("/trends", params={"van": "2025-01-01", "tot": "2025-02-01", "per": "kleur"}),
        422,
        "ongeldige_invoer",
    )


def test_projection_status_lists_every_view_for_the_application_manager(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    zc.meld()
    beheerder = omgeving.als("beheerder", sub="bh-1", naam="Beheer")

    items = beheerder.get("/projecties").json()["items"]
    probleem(zc.get("/projecties"), 403, "geen_toegang")

    assert {i["naam"] for i in items} >= {
        "casussen",
        "agenda",
        "werkvoorraad",
        "audittrail",
        "trends",
    }
    assert all(i["status"] == "actief" for i in items)


def _signaal() -> dict[str, object]:
    return {"categorieen": ["verzuim"], "omschrijving": "Weer afwezig.", "bron": "mentor"}


def test_the_accountability_report_suppresses_small_counts_in_every_format(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    zc.meld()
    positie = zc.post("/signalen", {"onderwerp": leerling(nummer="2"), **_signaal()}).json()[
        "positie"
    ]
    vandaag = date.today()
    begin = vandaag.year if vandaag.month >= 8 else vandaag.year - 1
    schooljaar = f"{begin}-{begin + 1}"
    swv = omgeving.als("swv", school=None, scholen=["99XX", "22ZZ"])

    rapport = zc.get("/verantwoording", params={"schooljaar": schooljaar, "na": positie})
    csv = zc.get("/verantwoording", params={"schooljaar": schooljaar, "formaat": "csv"})
    html = zc.get("/verantwoording", params={"schooljaar": schooljaar, "formaat": "html"})
    van_swv = swv.get("/verantwoording", params={"schooljaar": schooljaar, "school": "99XX"})

    assert rapport.status_code == 200, rapport.text
    tekst = rapport.text + csv.text + html.text
    assert "Sanne de Vries" not in tekst and "Weer afwezig" not in tekst
    onderdrukt = [
        rij
        for school in rapport.json()["scholen"]
        for tabel in school["tabellen"]
        for rij in tabel["rijen"]
        if rij["onderdrukt"]
    ]
    assert onderdrukt and all(rij["waarde"] is None for rij in onderdrukt)
    assert html.headers["content-type"].startswith("text/html")
    assert van_swv.status_code == 200 and [s["school"] for s in van_swv.json()["scholen"]] == [
        "99XX"
    ]
    probleem(
        swv.get("/verantwoording", params={"schooljaar": schooljaar, "school": "33QQ"}),
        422,
        "ongeldige_invoer",
    )


def test_a_date_at_the_edge_of_the_calendar_is_refused_not_a_server_error(
    zc: Medewerker,
) -> None:
    for pad in ("/werkvoorraad?peildatum=0001-01-02", "/agenda/ozs?datum=9999-12-31"):
        antwoord = zc.get(pad)
        assert antwoord.status_code == 422, pad
        assert "tussen 1900-01-01 en 2199-12-31" in antwoord.text


def test_a_withdrawn_registration_leaves_the_core_team_agenda_and_says_so_in_the_trail(
    zc: Medewerker,
) -> None:
    casus_id = zc.meld(leerling(nummer="afm-1", naam="Afgemeld Kind"))
    datum = dag(7)
    aanmelding = zc.doe(casus_id, "kernteam-aanmelding", {"datum": datum, "vraag": "Wat werkt?"})
    params = {"datum": datum, "na": aanmelding.json()["positie"]}
    aangemeld = zc.get("/agenda/kernteam", params=params).json()["items"]
    assert [i["casus_id"] for i in aangemeld] == [casus_id]

    afmelding = zc.doe(casus_id, "kernteam-afmelding", {"reden": "Het gaat weer goed."})
    assert afmelding.status_code == 201, afmelding.text
    na = afmelding.json()["positie"]

    agenda = zc.get("/agenda/kernteam", params={"datum": datum, "na": na})
    assert agenda.status_code == 200, agenda.text
    assert agenda.json()["items"] == []
    trail = zc.get(f"/casussen/{casus_id}/audittrail", params={"na": na}).json()["items"]
    assert "afgemeld voor kernteam" in [r["actie"] for r in trail]
    probleem(zc.doe(casus_id, "kernteam-afmelding", {"reden": "Nog eens."}), 409, "niet_aangemeld")
