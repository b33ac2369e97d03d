"""Trends on both backends: counting per period and group, zero periods, flags, rebuilds.

Events made through the service all fall in today's period, so the periods and the flags
are tested on signals with crafted timestamps, fed through the projection's own `verwerk`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.casus import Casus
from domain.opdrachten import SignaalVerzoek
from domain.waarden import Actor, Onderwerp
from projections import beheer
from projections.basis import Wijziging
from projections.trends import NEDERLAND, OngeldigeTrendvraag, Trends, trends
from tests.integration.conftest import LEERLING, MENTOR, Weergaven, signaal

ACTOR = Actor(id="m-jansen", naam="J. Jansen", rol="mentor")
MERKTEKEN = "GEHEIM-7Q"


def gemeld(
    positie: int,
    moment: datetime,
    categorieen: Sequence[str] = ("verzuim",),
    klas: str = "H3A",
    school: str = "99XX",
) -> Wijziging:
    onderwerp = Onderwerp(
        type="leerling",
        klas=klas,
        afdeling="havo" if klas.startswith("H") else "vwo",
        leerjaar=int(klas[1]),
        naam=f"Leerling {MERKTEKEN}",
    )
    gebeurtenis = Casus.SignaalGemeld(
        originator_id=uuid4(),
        originator_version=2,
        timestamp=moment,
        actor=ACTOR,
        onderwerp=onderwerp,
        categorieen=tuple(categorieen),  # type: ignore[arg-type]
        omschrijving=f"Zorgen om {MERKTEKEN}",
        bron="mentor",
    )
    # The view counts a signal under the file's class, department and year at that moment.
    na = {"klas": onderwerp.klas, "afdeling": onderwerp.afdeling, "leerjaar": onderwerp.leerjaar}
    return Wijziging(positie, gebeurtenis, voor={}, na=na, details={"school": school})


def schrijf(weergaven: Weergaven, wijzigingen: list[Wijziging]) -> None:
    projectie = Trends()
    with weergaven.opslag.transactie() as cur:
        projectie.maak_tabellen(cur)
        projectie.verwerk(cur, wijzigingen)


def lokaal(jaar: int, maand: int, dag: int, uur: int = 10) -> datetime:
    return datetime(jaar, maand, dag, uur, tzinfo=NEDERLAND).astimezone(UTC)


def maanden_verzuim() -> list[Wijziging]:
    """10 absence signals in H3A on the 15th of February to September 2025, 24 in October."""
    rijen: list[Wijziging] = []
    for maand in range(2, 11):
        for _ in range(24 if maand == 10 else 10):
            rijen.append(gemeld(len(rijen) + 1, lokaal(2025, maand, 15)))
    return rijen


def test_counts_per_month_and_group_with_zero_months(weergaven: Weergaven) -> None:
    schrijf(
        weergaven,
        [
            # 00:30 on 1 October in Amsterdam is still 30 September in UTC: October counts.
            gemeld(1, datetime(2025, 9, 30, 22, 30, tzinfo=UTC), ("verzuim", "gedrag")),
            gemeld(2, lokaal(2025, 10, 20), ("gedrag",), klas="V4B"),
            gemeld(3, lokaal(2025, 12, 1), ("leren",)),
            gemeld(4, lokaal(2025, 10, 2), ("verzuim",), school="11AA"),
        ],
    )
    antwoord = trends(
        weergaven.opslag,
        "99XX",
        lokaal(2025, 8, 14).date(),
        lokaal(2025, 12, 3).date(),
        "maand",
        "categorie",
    )

    assert antwoord["van"] == "2025-08-01" and antwoord["tot"] == "2025-12-31"
    assert [p["label"] for p in antwoord["perioden"]] == [
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    per_groep = {g["naam"]: [a["aantal"] for a in g["aantallen"]] for g in antwoord["groepen"]}
    assert per_groep == {
        "gedrag": [0, 0, 2, 0, 0],
        "verzuim": [0, 0, 1, 0, 0],
        "leren": [0, 0, 0, 0, 1],
    }
    assert antwoord["opvallend"] == []

    # Per department a signal with two categories is still one signal.
    per_afdeling = trends(
        weergaven.opslag,
        "99XX",
        lokaal(2025, 10, 1).date(),
        lokaal(2025, 10, 31).date(),
        "maand",
        "afdeling",
    )
    assert {g["naam"]: g["totaal"] for g in per_afdeling["groepen"]} == {"havo": 1, "vwo": 1}
    per_klas = trends(
        weergaven.opslag,
        "99XX",
        lokaal(2025, 9, 29).date(),
        lokaal(2025, 10, 5).date(),
        "week",
        "klas",
    )
    assert [p["periode"] for p in per_klas["perioden"]] == ["2025-W40"]
    assert {g["naam"]: g["totaal"] for g in per_klas["groepen"]} == {"klas H3A": 1}


def test_a_rise_is_flagged_with_a_dutch_sentence(weergaven: Weergaven) -> None:
    schrijf(weergaven, maanden_verzuim())
    van, tot = lokaal(2025, 9, 1).date(), lokaal(2025, 10, 31).date()

    per_maand = trends(weergaven.opslag, "99XX", van, tot, "maand", "categorie,afdeling,leerjaar")

    (vlag,) = per_maand["opvallend"]
    assert vlag["zin"] == "verzuim in havo 3: 24 signalen in oktober, verwacht ≤ 16"
    assert vlag["groep"] == {"categorie": "verzuim", "afdeling": "havo", "leerjaar": 3}
    assert vlag["basis_gemiddelde"] == 10.0
    (groep,) = per_maand["groepen"]
    assert [(a["aantal"], a["opvallend"]) for a in groep["aantallen"]] == [(10, False), (24, True)]

    per_week = trends(weergaven.opslag, "99XX", van, tot, "week", "categorie,klas")
    (vlag,) = per_week["opvallend"]
    assert vlag["zin"].startswith("verzuim in klas H3A: 24 signalen in week 42, verwacht ≤ ")
    aantallen = per_week["groepen"][0]["aantallen"]
    assert len(aantallen) == 9 and sum(a["aantal"] == 0 for a in aantallen) == 7


def test_unanswerable_queries_name_the_parameter(weergaven: Weergaven) -> None:
    schrijf(weergaven, [])
    dag = lokaal(2025, 10, 1).date()
    for interval, per, van, veld in [
        ("jaar", "categorie", dag, "interval"),
        ("week", "naam", dag, "per"),
        ("week", "klas,klas", dag, "per"),
        ("week", "klas", dag + timedelta(days=1), "van"),
    ]:
        with pytest.raises(OngeldigeTrendvraag) as fout:
            trends(weergaven.opslag, "99XX", van, dag, interval, per)
        assert fout.value.veld == veld
    with pytest.raises(OngeldigeTrendvraag):
        trends(weergaven.opslag, "99XX", dag - timedelta(days=3000), dag, "week", "klas")


def test_signals_from_the_service_land_in_this_period_and_survive_a_rebuild(
    weergaven: Weergaven,
) -> None:
    for nummer, categorieen in enumerate((["verzuim"], ["verzuim", "gedrag"], ["leren"])):
        onderwerp = {**LEERLING, "leerlingnummer": f"n{nummer}", "naam": f"Sam {MERKTEKEN}"}
        weergaven.service.meld_signaal(
            MENTOR,
            SignaalVerzoek.model_validate({**signaal(onderwerp), "categorieen": categorieen}),
        )
    runner = weergaven.runner(Trends(), batch=3)
    runner.verwerk_beschikbaar()
    vandaag = datetime.now(NEDERLAND).date()
    vraag = (weergaven.opslag, "99XX", vandaag - timedelta(days=63), vandaag, "week", "categorie")

    voor = trends(*vraag)

    assert len(voor["perioden"]) in (10, 11)
    per_groep = {g["naam"]: [a["aantal"] for a in g["aantallen"]] for g in voor["groepen"]}
    assert per_groep["verzuim"][-1] == 2 and sum(per_groep["verzuim"]) == 2
    assert per_groep["gedrag"][-1] == 1 and per_groep["leren"][-1] == 1
    assert voor["groepen"][0]["naam"] == "verzuim"  # most signals first
    assert trends(*vraag[:-1], "afdeling")["groepen"][0]["totaal"] == 3
    with weergaven.opslag.lezen() as cur:
        assert MERKTEKEN not in repr(cur.execute("SELECT * FROM pv_trends").fetchall())

    beheer.herbouw(runner, "trends")

    assert trends(*vraag) == voor
