"""Rows HandelingsplanVastgesteld, OPPVastgesteld and EvaluatieUitgevoerd."""

from __future__ import annotations

from datetime import date, timedelta

import pydantic
import pytest
from domeinbouwers import (
    DAG,
    benoem_regiehouder,
    casus_op_niveau,
    evalueer,
    gebeurtenissen,
    geweigerd,
    klas,
    meld_signaal,
    nieuwe_casus,
    sluit_af,
    stel_handelingsplan_vast,
    stel_opp_vast,
    zet_interventie_in,
)

from domain.casus import Casus
from domain.waarden import OPP, Handelingsplan


def met_regiehouder() -> Casus:
    return casus_op_niveau("ozs", regiehouder=True)


# ---- HandelingsplanVastgesteld --------------------------------------------------------------


def test_plan_is_stored_and_sets_the_next_evaluation() -> None:
    casus = met_regiehouder()
    stel_handelingsplan_vast(casus, evaluatiedatum=DAG + timedelta(days=50))
    assert gebeurtenissen(casus) == ["HandelingsplanVastgesteld"]
    assert casus.handelingsplan == Handelingsplan(
        doelen=("Huiswerk op tijd af.",),
        interventies=("Huiswerkbegeleiding",),
        evaluatiedatum=DAG + timedelta(days=50),
    )
    assert casus.volgende_evaluatie == DAG + timedelta(days=50)


def test_a_new_plan_replaces_the_earlier_one() -> None:
    casus = met_regiehouder()
    stel_handelingsplan_vast(
        casus, doelen=("Eerste doel.",), evaluatiedatum=DAG + timedelta(days=10)
    )
    stel_handelingsplan_vast(
        casus, doelen=("Tweede doel.",), evaluatiedatum=DAG + timedelta(days=90)
    )
    assert casus.handelingsplan is not None
    assert casus.handelingsplan.doelen == ("Tweede doel.",)
    assert casus.volgende_evaluatie == DAG + timedelta(days=90)


def test_plan_needs_a_regiehouder() -> None:
    casus = casus_op_niveau("ozs")
    geweigerd(casus, "regiehouder_ontbreekt", lambda: stel_handelingsplan_vast(casus))


def test_plan_is_not_for_a_class() -> None:
    casus = casus_op_niveau("ozs", onderwerp=klas())
    geweigerd(casus, "niet_voor_klas", lambda: stel_handelingsplan_vast(casus))


# ---- OPPVastgesteld ---------------------------------------------------------------------------


def test_opp_is_stored_and_sets_the_next_evaluation() -> None:
    casus = met_regiehouder()
    stel_opp_vast(casus, vastgesteld_op=DAG, evaluatiedatum=DAG + timedelta(days=200))
    assert gebeurtenissen(casus) == ["OPPVastgesteld"]
    assert casus.opp == OPP(
        uitstroomperspectief="havo",
        doelen=("Overgaan naar leerjaar 3.",),
        evaluatiedatum=DAG + timedelta(days=200),
    )
    assert casus.volgende_evaluatie == DAG + timedelta(days=200)


def test_opp_evaluated_exactly_a_year_later_is_allowed() -> None:
    casus = met_regiehouder()
    stel_opp_vast(casus, vastgesteld_op=date(2025, 10, 6), evaluatiedatum=date(2026, 10, 6))
    assert casus.opp is not None


def test_opp_evaluation_more_than_a_year_later_is_refused() -> None:
    casus = met_regiehouder()
    geweigerd(
        casus,
        "evaluatiedatum_ongeldig",
        lambda: stel_opp_vast(
            casus, vastgesteld_op=date(2025, 10, 6), evaluatiedatum=date(2026, 10, 8)
        ),
    )


def test_opp_evaluation_a_year_and_a_day_later_is_refused() -> None:
    casus = met_regiehouder()
    geweigerd(
        casus,
        "evaluatiedatum_ongeldig",
        lambda: stel_opp_vast(
            casus, vastgesteld_op=date(2025, 10, 6), evaluatiedatum=date(2026, 10, 7)
        ),
    )


def test_opp_needs_the_parents_agreement() -> None:
    casus = met_regiehouder()
    fout = geweigerd(
        casus, "instemming_ontbreekt", lambda: stel_opp_vast(casus, instemming_ouders=False)
    )
    assert "ouders" in fout.melding


def test_opp_needs_a_regiehouder() -> None:
    casus = casus_op_niveau("ozs")
    geweigerd(casus, "regiehouder_ontbreekt", lambda: stel_opp_vast(casus))


def test_opp_is_not_for_a_class() -> None:
    casus = casus_op_niveau("ozs", onderwerp=klas())
    geweigerd(casus, "niet_voor_klas", lambda: stel_opp_vast(casus))


# ---- EvaluatieUitgevoerd: what can be evaluated ---------------------------------------------


def test_evaluation_without_plan_opp_or_intervention_is_refused() -> None:
    casus = met_regiehouder()
    geweigerd(casus, "niets_te_evalueren", lambda: evalueer(casus))


@pytest.mark.parametrize("wat", ["handelingsplan", "opp", "interventie"])
def test_evaluation_of_a_plan_opp_or_intervention_is_recorded(wat: str) -> None:
    casus = met_regiehouder()
    {
        "handelingsplan": stel_handelingsplan_vast,
        "opp": stel_opp_vast,
        "interventie": zet_interventie_in,
    }[wat](casus)
    casus.collect_events()
    evalueer(casus, vervolg="opschalen")
    assert gebeurtenissen(casus) == ["EvaluatieUitgevoerd"]


def test_intervention_of_an_earlier_traject_cannot_be_evaluated() -> None:
    casus = nieuwe_casus()
    zet_interventie_in(casus)
    sluit_af(casus, actor=casus.signalen[0].gemeld_door, reden="geen_zorg_meer")
    meld_signaal(casus, actor=casus.signalen[0].gemeld_door, categorieen=("gedrag",), bron="mentor")
    casus.collect_events()
    geweigerd(casus, "niets_te_evalueren", lambda: evalueer(casus))


# ---- EvaluatieUitgevoerd: each vervolg ---------------------------------------------------------


def geevalueerd_dossier() -> Casus:
    """At ozs with regiehouder, IB-free, a plan, an OPP and an intervention."""
    casus = met_regiehouder()
    stel_handelingsplan_vast(casus, evaluatiedatum=DAG + timedelta(days=56))
    stel_opp_vast(casus)
    zet_interventie_in(casus, evaluatiedatum=DAG + timedelta(days=120))
    casus.collect_events()
    return casus


def test_back_to_mentor_ends_plan_and_opp_and_leaves_the_ozs_agenda() -> None:
    casus = geevalueerd_dossier()
    regiehouder = casus.regiehouder
    evalueer(casus, vervolg="terug_naar_mentor", doelen_behaald="ja")
    assert gebeurtenissen(casus) == ["EvaluatieUitgevoerd"]
    assert casus.niveau == "mentor"
    assert casus.handelingsplan is None
    assert casus.opp is None
    assert casus.volgende_bespreking is None
    assert casus.regiehouder == regiehouder  # stays on record
    assert casus.status == "open"


def test_back_to_mentor_from_extern_lowers_the_level() -> None:
    casus = casus_op_niveau("extern")
    stel_handelingsplan_vast(casus)
    evalueer(casus, vervolg="terug_naar_mentor")
    assert casus.niveau == "mentor"


def test_continue_sets_the_new_evaluation_date() -> None:
    casus = geevalueerd_dossier()
    nieuw = DAG + timedelta(days=150)
    evalueer(casus, vervolg="voortzetten", doelen_behaald="deels", nieuwe_evaluatiedatum=nieuw)
    assert casus.volgende_evaluatie == nieuw
    assert casus.niveau == "ozs"
    assert casus.handelingsplan is not None


def test_continue_without_a_new_evaluation_date_is_refused_by_the_input() -> None:
    casus = geevalueerd_dossier()
    with pytest.raises(pydantic.ValidationError) as fout:
        evalueer(casus, vervolg="voortzetten")
    assert fout.value.errors()[0]["type"] == "veld_vereist"
    assert casus.pending_events == []


def test_escalation_flags_the_file_and_keeps_the_level() -> None:
    casus = geevalueerd_dossier()
    evalueer(casus, vervolg="opschalen", doelen_behaald="nee")
    assert casus.opschalen is True
    assert casus.niveau == "ozs"
    assert casus.status == "open"


@pytest.mark.parametrize(
    ("doelen_behaald", "reden"),
    [("ja", "doelen_behaald"), ("deels", "geen_zorg_meer"), ("nee", "geen_zorg_meer")],
)
def test_closing_by_evaluation_also_records_casus_afgesloten(
    doelen_behaald: str, reden: str
) -> None:
    casus = geevalueerd_dossier()
    evalueer(casus, vervolg="afsluiten", doelen_behaald=doelen_behaald)
    events = casus.collect_events()
    assert [type(e).__name__ for e in events] == ["EvaluatieUitgevoerd", "CasusAfgesloten"]
    assert events[1].reden == reden  # type: ignore[attr-defined]
    assert casus.status == "gesloten"
    assert casus.afsluitreden == reden


def test_evaluation_of_a_class_intervention_is_allowed() -> None:
    casus = nieuwe_casus(klas())
    zet_interventie_in(casus)
    evalueer(casus, vervolg="voortzetten", nieuwe_evaluatiedatum=DAG + timedelta(days=90))
    assert casus.volgende_evaluatie == DAG + timedelta(days=90)


@pytest.mark.parametrize("vervolg", ["voortzetten", "opschalen", "afsluiten"])
def test_level_goes_down_only_by_terug_naar_mentor(vervolg: str) -> None:
    casus = geevalueerd_dossier()
    evalueer(casus, vervolg=vervolg, nieuwe_evaluatiedatum=DAG + timedelta(days=99))
    assert casus.niveau == "ozs"


def test_regiehouder_appointment_after_back_to_mentor_is_niveau_te_laag() -> None:
    casus = geevalueerd_dossier()
    evalueer(casus, vervolg="terug_naar_mentor")
    casus.collect_events()
    geweigerd(casus, "niveau_te_laag", lambda: benoem_regiehouder(casus))
