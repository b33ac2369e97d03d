"""The audit trail on both backends, driven through the real service commands."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import orjson

from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.gebeurtenislog import gebeurtenislog_van
from projections import audittrail, beheer
from projections.audittrail import Audittrail, als_csv, casus_trail, gebruiker_trail
from projections.volger import Volger
from tests.integration.conftest import LEERLING, MENTOR, ZORGCOORDINATOR, Weergaven, signaal

# Must never show up in the view, an answer or an export: it sits in the pupil's name and
# in every free text of the route below.
MERKTEKEN = "GEHEIM-7Q"


def route(weergaven: Weergaven) -> UUID:
    """A pupil brought into the OZS with consent, then given a regiehouder."""
    onderwerp = {**LEERLING, "naam": f"Sam {MERKTEKEN}"}
    melding = {**signaal(onderwerp), "omschrijving": f"Zorgen om {MERKTEKEN} in de les."}
    service = weergaven.service
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(melding)).casus_id
    service.handel(
        MENTOR,
        casus_id,
        opdracht_voor(
            "ouders-geinformeerd",
            {"datum": "2025-10-02", "wijze": "telefoon", "reactie": f"Vader {MERKTEKEN} is blij."},
        ),
    )
    service.handel(
        MENTOR,
        casus_id,
        opdracht_voor(
            "toestemmingen",
            {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": "2025-10-03"},
        ),
    )
    service.handel(
        MENTOR,
        casus_id,
        opdracht_voor(
            "ozs-inbreng",
            {
                "datum": "2025-10-06",
                "ondersteuningsvraag": f"Hoe helpen we {MERKTEKEN}?",
                "doel": f"{MERKTEKEN} voelt zich veilig",
                "waarom_nu": "Het verzuim loopt op.",
                "sterke_kanten": "Sportief.",
                "toelichting": "Ouders vragen om snelle hulp.",
            },
        ),
    )
    service.handel(
        ZORGCOORDINATOR,
        casus_id,
        opdracht_voor("regiehouder", {"medewerker_id": "zt-bakker", "naam": "C. Bakker"}),
    )
    return casus_id


def test_one_entry_per_change_with_old_and_new_structural_values(weergaven: Weergaven) -> None:
    casus_id = route(weergaven)
    weergaven.runner(Audittrail()).verwerk_beschikbaar()

    trail = casus_trail(weergaven.opslag, "99XX", str(casus_id))

    assert [e["gebeurtenis"] for e in trail] == [
        "CasusGeopend",
        "SignaalGemeld",
        "OudersGeinformeerd",
        "ToestemmingGegeven",
        "IngebrachtInOZS",
        "RegiehouderBenoemd",
    ]
    assert [e["versie"] for e in trail] == [1, 2, 3, 4, 5, 6]
    assert trail == sorted(trail, key=lambda e: e["positie"])
    geopend, gemeld, _, toestemming, inbreng, regiehouder = trail
    assert geopend["actie"] == "dossier geopend"
    assert geopend["wijzigingen"]["niveau"] == {"oud": None, "nieuw": "mentor"}
    assert geopend["gebruiker"] == {"id": "m-jansen", "naam": "J. Jansen", "rol": "mentor"}
    assert gemeld["actie"] == "signaal gemeld" and gemeld["wijzigingen"] == {}
    assert toestemming["actie"] == "toestemming gegeven (ozs, door ouders)"
    assert toestemming["wijzigingen"] == {"toestemmingen": {"oud": {}, "nieuw": {"ozs": "gegeven"}}}
    assert inbreng["actie"] == "ingebracht in OZS"
    assert inbreng["toelichting"] == "Ouders vragen om snelle hulp."
    assert inbreng["wijzigingen"] == {
        "niveau": {"oud": "mentor", "nieuw": "ozs"},
        "volgende_bespreking": {"oud": None, "nieuw": "2025-11-03"},
    }
    assert regiehouder["gebruiker"]["rol"] == "zorgcoordinator"
    assert regiehouder["wijzigingen"] == {"regiehouder": {"oud": None, "nieuw": "zt-bakker"}}
    assert regiehouder["toelichting"] is None
    assert casus_trail(weergaven.opslag, "11AA", str(casus_id)) == []


def test_per_user_trail_with_time_window(weergaven: Weergaven) -> None:
    route(weergaven)
    weergaven.runner(Audittrail()).verwerk_beschikbaar()
    opslag = weergaven.opslag

    van_mentor = gebruiker_trail(opslag, "99XX", "m-jansen")
    assert len(van_mentor) == 5 and {e["gebruiker"]["id"] for e in van_mentor} == {"m-jansen"}
    assert [e["gebeurtenis"] for e in gebruiker_trail(opslag, "99XX", "zc-devries")] == [
        "RegiehouderBenoemd"
    ]
    assert len(gebruiker_trail(opslag, "99XX")) == 6
    assert gebruiker_trail(opslag, "11AA") == []

    # The bounds are inclusive and compare as times, whatever the zone they are given in.
    derde = datetime.fromisoformat(van_mentor[2]["tijdstip"])
    vanaf = gebruiker_trail(opslag, "99XX", "m-jansen", van=derde.astimezone(UTC))
    assert [e["positie"] for e in vanaf] == [e["positie"] for e in van_mentor[2:]]
    tot_en_met = gebruiker_trail(opslag, "99XX", "m-jansen", tot=derde)
    assert [e["positie"] for e in tot_en_met] == [e["positie"] for e in van_mentor[:3]]
    gisteren = datetime.now(UTC) - timedelta(days=1)
    assert gebruiker_trail(opslag, "99XX", None, tot=gisteren) == []
    # A date means the whole day in Amsterdam.
    vandaag = datetime.now(audittrail.NEDERLAND).date()
    assert len(gebruiker_trail(opslag, "99XX", None, van=vandaag, tot=vandaag)) == 6
    assert gebruiker_trail(opslag, "99XX", None, van=vandaag + timedelta(days=1)) == []
    assert len(gebruiker_trail(opslag, "99XX", limiet=2)) == 2


def test_csv_export_and_no_pupil_name_or_free_text_anywhere(weergaven: Weergaven) -> None:
    casus_id = route(weergaven)
    weergaven.runner(Audittrail()).verwerk_beschikbaar()
    trail = casus_trail(weergaven.opslag, "99XX", str(casus_id))

    tekst = als_csv(trail)
    rijen = list(csv.reader(io.StringIO(tekst)))
    assert rijen[0] == list(audittrail.CSV_KOLOMMEN)
    assert len(rijen) == 1 + len(trail)
    regiehouder = dict(zip(rijen[0], rijen[-1], strict=True))
    assert orjson.loads(regiehouder["wijzigingen"]) == {
        "regiehouder": {"nieuw": "zt-bakker", "oud": None}
    }

    with weergaven.opslag.lezen() as cur:
        tabel = cur.execute("SELECT * FROM pv_audittrail").fetchall()
    alles = [
        tekst,
        orjson.dumps(trail).decode(),
        orjson.dumps(gebruiker_trail(weergaven.opslag, "99XX")).decode(),
        repr(tabel),
    ]
    for uitvoer in alles:
        assert MERKTEKEN not in uitvoer
        assert "Sam" not in uitvoer and "Zorgen om" not in uitvoer


def test_csv_neutralises_formulas_typed_into_a_reason() -> None:
    item = {
        "positie": 1,
        "casus_id": "c",
        "versie": 1,
        "tijdstip": "2025-10-01T10:00:00.000000+00:00",
        "gebruiker": {"id": "m", "naam": "M", "rol": "mentor"},
        "actie": "gesprek gevoerd (met leerling)",
        "gebeurtenis": "GesprekGevoerd",
        "toelichting": '=HYPERLINK("http://x")',
        "wijzigingen": {},
    }
    rij = list(csv.reader(io.StringIO(als_csv([item]))))[1]
    assert rij[9].startswith("'=")


def test_a_rebuild_gives_the_same_trail(weergaven: Weergaven) -> None:
    casus_id = route(weergaven)
    runner = weergaven.runner(Audittrail(), batch=2)
    runner.verwerk_beschikbaar()
    voor = casus_trail(weergaven.opslag, "99XX", str(casus_id))
    per_gebruiker = gebruiker_trail(weergaven.opslag, "99XX", None, van=date(2000, 1, 1))

    beheer.herbouw(runner, "audittrail")

    assert casus_trail(weergaven.opslag, "99XX", str(casus_id)) == voor
    assert gebruiker_trail(weergaven.opslag, "99XX", None, van=date(2000, 1, 1)) == per_gebruiker
    # Processing the same events again (a crash before the commit) adds nothing.
    wijzigingen, _ = Volger(gebeurtenislog_van(weergaven.service.opslag.app)).lees(0, 100)
    with weergaven.opslag.transactie() as cur:
        Audittrail().verwerk(cur, wijzigingen)
    assert len(casus_trail(weergaven.opslag, "99XX", str(casus_id))) == len(voor)
