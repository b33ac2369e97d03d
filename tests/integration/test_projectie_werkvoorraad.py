"""The caseload of a regiehouder / IB on both backends: cases, evaluations, feedback owed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from application.gebruiker import Gebruiker
from domain.opdrachten import SignaalOpDossierVerzoek
from projections import beheer
from projections.werkvoorraad import Werkvoorraad, werkvoorraad
from tests.integration.conftest import ZORGCOORDINATOR, Weergaven
from tests.integration.test_projectie_agenda import REGIEHOUDER, doe, in_ozs

SCHOOL = "99XX"
RH = REGIEHOUDER["medewerker_id"]
IB = {"medewerker_id": "ib-smit", "naam": "D. Smit"}
DOCENT = Gebruiker(sub="d-pietersen", naam="E. Pietersen", rol="docent", school=SCHOOL)


def d(tekst: str) -> date:
    return date.fromisoformat(tekst)


def bijwerken(weergaven: Weergaven) -> None:
    weergaven.runner(Werkvoorraad()).verwerk_beschikbaar()


def plan(weergaven: Weergaven, casus_id: UUID, evaluatiedatum: str) -> None:
    doe(weergaven, casus_id, "handelingsplan", doelen=["Plannen"], evaluatiedatum=evaluatiedatum)


def signaaldag(weergaven: Weergaven, casus_id: UUID, index: int = -1) -> date:
    """The (Dutch) day a signal was recorded: signals carry the real recording time."""
    tijdstip = weergaven.service.lees(ZORGCOORDINATOR, casus_id)["signalen"][index]["tijdstip"]
    if isinstance(tijdstip, str):
        tijdstip = datetime.fromisoformat(tijdstip)
    return tijdstip.astimezone(ZoneInfo("Europe/Amsterdam")).date()


def test_cases_and_evaluations_due_overdue_and_later(weergaven: Weergaven) -> None:
    eigen = in_ozs(weergaven, 1)  # regiehouder RH
    gekoppeld = in_ozs(weergaven, 2, regiehouder={"medewerker_id": "rh-ander", "naam": "F. Ander"})
    doe(weergaven, gekoppeld, "intern-begeleider", **IB)
    beide = in_ozs(weergaven, 3)
    doe(weergaven, beide, "intern-begeleider", medewerker_id=RH, naam="C. Bakker")
    gesloten = in_ozs(weergaven, 4)
    in_ozs(weergaven, 5, regiehouder={"medewerker_id": "rh-ander", "naam": "F. Ander"})
    plan(weergaven, eigen, "2025-10-10")
    plan(weergaven, beide, "2025-10-30")
    plan(weergaven, gekoppeld, "2025-11-30")
    doe(weergaven, gesloten, "afsluiting", datum="2025-09-20", reden="overgedragen")
    bijwerken(weergaven)
    o = weergaven.opslag

    rh = werkvoorraad(o, SCHOOL, RH, d("2025-10-20"))
    assert {c["casus_id"]: c["rollen"] for c in rh["casussen"]} == {
        str(eigen): ["regiehouder"],
        str(beide): ["regiehouder", "intern_begeleider"],
    }
    assert [(e["casus_id"], e["te_laat"], e["dagen_tot"]) for e in rh["evaluaties"]] == [
        (str(eigen), True, -10),  # overdue
        (str(beide), False, 10),  # within 14 days
    ]
    assert rh["evaluaties"][0]["dagen_te_laat"] == 10
    op_de_dag = werkvoorraad(o, SCHOOL, RH, d("2025-10-10"))["evaluaties"]
    assert [(e["casus_id"], e["te_laat"]) for e in op_de_dag] == [(str(eigen), False)]

    ib = werkvoorraad(o, SCHOOL, IB["medewerker_id"], d("2025-10-20"))
    assert [c["rollen"] for c in ib["casussen"]] == [["intern_begeleider"]]
    assert ib["evaluaties"] == []  # 2025-11-30 is more than 14 days away
    assert werkvoorraad(o, SCHOOL, IB["medewerker_id"], d("2025-11-16"))["evaluaties"]
    assert werkvoorraad(o, "11AA", RH, d("2025-10-20"))["casussen"] == []


def test_feedback_is_owed_after_four_weeks_and_cleared_by_feedback(
    weergaven: Weergaven, monkeypatch: pytest.MonkeyPatch
) -> None:
    casus_id = in_ozs(weergaven, 1)  # opened by the mentor's signal
    doe(weergaven, casus_id, "intern-begeleider", medewerker_id="m-jansen", naam="J. Jansen")
    weergaven.service.meld_signaal(
        DOCENT,
        SignaalOpDossierVerzoek.model_validate({**_signaal(), "onderwerp": None}),
        casus_id=casus_id,
    )
    bijwerken(weergaven)
    o, dag = weergaven.opslag, signaaldag(weergaven, casus_id)

    def verschuldigd(peildatum: date) -> dict[str, Any]:
        return {
            s["melder"]["id"]: s
            for s in werkvoorraad(o, SCHOOL, RH, peildatum)["terugkoppeling_verschuldigd"]
        }

    assert verschuldigd(dag + timedelta(days=27)) == {}
    owed = verschuldigd(dag + timedelta(days=28))
    assert set(owed) == {"m-jansen", "d-pietersen"}
    assert owed["d-pietersen"]["dagen_zonder_terugkoppeling"] == 28
    assert owed["d-pietersen"]["melder"]["naam"] == "E. Pietersen"
    # The mentor, coupled as IB, owes feedback to the docent but not to themselves.
    eigen = werkvoorraad(o, SCHOOL, "m-jansen", dag + timedelta(days=28))
    assert [s["melder"]["id"] for s in eigen["terugkoppeling_verschuldigd"]] == ["d-pietersen"]

    feedback = dag + timedelta(days=30)
    # The feedback is given a month on: by then that day is no longer in the future.
    later = datetime.now(UTC) + timedelta(days=31)
    monkeypatch.setattr(weergaven.service, "_klok", lambda: later)
    doe(
        weergaven,
        casus_id,
        "terugkoppelingen",
        aan="mentor",
        datum=feedback.isoformat(),
        inhoud="Bijgepraat.",
    )
    bijwerken(weergaven)
    assert len(verschuldigd(dag + timedelta(days=35))) == 2  # feedback to the mentor is not it

    # Feedback to one reporter answers that reporter's signals, not the other's.
    doe(
        weergaven,
        casus_id,
        "terugkoppelingen",
        aan="signaalgever",
        signaalgever="d-pietersen",
        datum=feedback.isoformat(),
        inhoud="We pakken het op.",
    )
    weergaven.service.meld_signaal(
        DOCENT,
        SignaalOpDossierVerzoek.model_validate({**_signaal(), "onderwerp": None}),
        casus_id=casus_id,
    )
    bijwerken(weergaven)
    assert len(verschuldigd(dag + timedelta(days=29))) == 2  # before the feedback's date
    # That signal carries the service's later time, so it is owed four weeks after it.
    nog_niet = verschuldigd(dag + timedelta(days=35))
    assert set(nog_niet) == {"m-jansen"}
    na_feedback = verschuldigd(dag + timedelta(days=31 + 30))
    assert set(na_feedback) == {"m-jansen", "d-pietersen"}
    # Of the docent's, only the signal recorded after the feedback is owed.
    assert na_feedback["d-pietersen"]["aantal_signalen"] == 1
    doe(
        weergaven,
        casus_id,
        "terugkoppelingen",
        aan="signaalgever",
        signaalgever="m-jansen",
        datum=feedback.isoformat(),
        inhoud="Dank voor het signaal.",
    )
    bijwerken(weergaven)
    assert set(verschuldigd(dag + timedelta(days=31 + 30))) == {"d-pietersen"}


def _signaal() -> dict[str, Any]:
    return {
        "categorieen": ["gedrag"],
        "omschrijving": "Onrustig in de les.",
        "bron": "docent",
    }


def test_a_rebuild_equals_the_view_and_answers_depend_only_on_peildatum(
    weergaven: Weergaven,
) -> None:
    eerste = in_ozs(weergaven, 1)
    runner = weergaven.runner(Werkvoorraad(), batch=4)
    runner.verwerk_beschikbaar()
    plan(weergaven, eerste, "2025-10-10")
    tweede = in_ozs(weergaven, 2)
    doe(weergaven, tweede, "terugkoppelingen", aan="signaalgever", datum="2025-09-02", inhoud="Ok.")
    runner.verwerk_beschikbaar()
    dag = signaaldag(weergaven, eerste)
    peildata = [d("2025-10-01"), d("2025-10-20"), dag + timedelta(days=40)]

    def alles() -> tuple[Any, ...]:
        with weergaven.opslag.lezen() as cur:
            casussen = cur.execute("SELECT * FROM pv_werkvoorraad ORDER BY casus_id").fetchall()
            signalen = cur.execute(
                "SELECT * FROM pv_werkvoorraad_signalen ORDER BY casus_id, versie"
            ).fetchall()
        return casussen, signalen, [werkvoorraad(weergaven.opslag, SCHOOL, RH, p) for p in peildata]

    voor = alles()
    beheer.herbouw(runner, "werkvoorraad")
    assert alles() == voor
    assert alles() == voor  # asking again changes nothing: no hidden "today"
    antwoorden = voor[2]
    assert [len(a["evaluaties"]) for a in antwoorden[:2]] == [1, 1]
    assert antwoorden[0]["evaluaties"][0]["te_laat"] is False
    assert antwoorden[1]["evaluaties"][0]["te_laat"] is True
    # The first file's signal is owed on the last date; the second was answered.
    assert [s["casus_id"] for s in antwoorden[2]["terugkoppeling_verschuldigd"]] == [str(eerste)]
