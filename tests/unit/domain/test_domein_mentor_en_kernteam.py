"""Rows GesprekGevoerd … BesprokenMetContactpersoonZorg and TerugkoppelingGegeven, and the
"at least X" semantics of levels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from domeinbouwers import (
    DAG,
    bespreek_in_kernteam,
    bespreek_met_contactpersoon,
    casus_op_niveau,
    gebeurtenissen,
    geef_terugkoppeling,
    geweigerd,
    informeer_ouders,
    klas,
    leerling,
    meld_aan_voor_kernteam,
    meld_af_voor_kernteam,
    nieuwe_casus,
    sluit_af,
    staat_van,
    stel_handelingsplan_vast,
    voer_gesprek,
    zet_interventie_in,
)

from domain.waarden import NIVEAUS, Niveau, Onderwerp

# ---- GesprekGevoerd ---------------------------------------------------------------------------


@pytest.mark.parametrize("met", ["leerling", "ouders", "klas"])
def test_conversation_with_anyone_is_recorded_for_a_pupil(met: str) -> None:
    casus = nieuwe_casus(leerling())
    voor = staat_van(casus)
    voer_gesprek(casus, met=met, afspraken=("Dagelijks planner checken.",))
    assert gebeurtenissen(casus) == ["GesprekGevoerd"]
    na = staat_van(casus)
    # A conversation is a fact on record; it changes no structural field.
    assert {k: v for k, v in na.items() if k not in ("_version", "_modified_on")} == {
        k: v for k, v in voor.items() if k not in ("_version", "_modified_on")
    }


@pytest.mark.parametrize("met", ["leerling", "klas"])
def test_conversation_with_pupil_or_class_is_recorded_for_a_class(met: str) -> None:
    casus = nieuwe_casus(klas())
    voer_gesprek(casus, met=met)
    assert gebeurtenissen(casus) == ["GesprekGevoerd"]


def test_conversation_with_parents_is_refused_for_a_class() -> None:
    casus = nieuwe_casus(klas())
    geweigerd(casus, "niet_voor_klas", lambda: voer_gesprek(casus, met="ouders"))


# ---- OudersGeinformeerd ---------------------------------------------------------------------


def test_informing_parents_marks_them_informed_in_this_traject() -> None:
    casus = nieuwe_casus()
    assert casus.ouders_geinformeerd is False
    informeer_ouders(casus, wijze="brief", reactie="Ouders maken zich ook zorgen.")
    assert gebeurtenissen(casus) == ["OudersGeinformeerd"]
    assert casus.ouders_geinformeerd is True


def test_informing_parents_is_refused_for_a_class() -> None:
    casus = nieuwe_casus(klas())
    geweigerd(casus, "niet_voor_klas", lambda: informeer_ouders(casus))


# ---- AangemeldVoorKernteam / BesprokenInKernteam ---------------------------------------------


@pytest.mark.parametrize("maak", [leerling, klas], ids=["leerling", "klas"])
def test_registering_for_the_core_team_puts_it_on_that_dates_agenda(
    maak: Callable[..., Onderwerp],
) -> None:
    casus = nieuwe_casus(maak())
    vergadering = DAG + timedelta(days=3)
    meld_aan_voor_kernteam(casus, datum=vergadering, vraag="Hoe motiveren we hem?")
    assert gebeurtenissen(casus) == ["AangemeldVoorKernteam"]
    assert casus.kernteam_aanmelding is not None
    assert casus.kernteam_aanmelding.datum == vergadering
    assert casus.kernteam_aanmelding.vraag == "Hoe motiveren we hem?"
    assert casus.niveau == "mentor"  # registering alone does not raise the level


@pytest.mark.parametrize("maak", [leerling, klas], ids=["leerling", "klas"])
def test_core_team_discussion_raises_level_to_kernteam(maak: Callable[..., Onderwerp]) -> None:
    casus = nieuwe_casus(maak())
    meld_aan_voor_kernteam(casus)
    bespreek_in_kernteam(casus, acties=("Sociogram maken.",))
    assert gebeurtenissen(casus) == ["AangemeldVoorKernteam", "BesprokenInKernteam"]
    assert casus.niveau == "kernteam"
    assert casus.kernteam_aanmelding is None  # discussed: off the core team's agenda


# ---- "at least X": a discussion never lowers the level ---------------------------------------


@pytest.mark.parametrize("niveau", NIVEAUS)
def test_core_team_discussion_sets_level_at_least_kernteam(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    bespreek_in_kernteam(casus)
    verwacht = "kernteam" if niveau == "mentor" else niveau
    assert casus.niveau == verwacht


@pytest.mark.parametrize("niveau", NIVEAUS)
def test_contact_person_discussion_sets_level_at_least_contactpersoon(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    bespreek_met_contactpersoon(casus, besluit="advies")
    assert gebeurtenissen(casus) == ["BesprokenMetContactpersoonZorg"]
    verwacht = (
        niveau if NIVEAUS.index(niveau) > NIVEAUS.index("contactpersoon") else "contactpersoon"
    )
    assert casus.niveau == verwacht


def test_steps_may_be_skipped_straight_to_contactpersoon() -> None:
    casus = nieuwe_casus()
    bespreek_met_contactpersoon(casus)
    assert casus.niveau == "contactpersoon"


def test_contact_person_discussion_is_allowed_for_a_class() -> None:
    casus = nieuwe_casus(klas())
    bespreek_met_contactpersoon(casus)
    assert casus.niveau == "contactpersoon"


# ---- InterventieIngezet ------------------------------------------------------------------------


def test_intervention_sets_next_evaluation_to_its_date() -> None:
    casus = nieuwe_casus()
    zet_interventie_in(casus, evaluatiedatum=DAG + timedelta(days=30))
    assert gebeurtenissen(casus) == ["InterventieIngezet"]
    assert casus.volgende_evaluatie == DAG + timedelta(days=30)
    assert len(casus.interventies) == 1
    assert casus.interventies[0].soort == "faalangsttraining"


def test_next_evaluation_is_the_earliest_open_evaluation_date() -> None:
    casus = nieuwe_casus()
    zet_interventie_in(casus, evaluatiedatum=DAG + timedelta(days=60))
    zet_interventie_in(casus, evaluatiedatum=DAG + timedelta(days=20))
    zet_interventie_in(casus, evaluatiedatum=DAG + timedelta(days=40))
    assert casus.volgende_evaluatie == DAG + timedelta(days=20)
    assert len(casus.interventies) == 3


def test_intervention_earlier_than_the_plans_evaluation_comes_first() -> None:
    casus = casus_op_niveau("ozs", regiehouder=True)
    stel_handelingsplan_vast(casus, evaluatiedatum=DAG + timedelta(days=56))
    zet_interventie_in(casus, evaluatiedatum=DAG + timedelta(days=14))
    assert casus.volgende_evaluatie == DAG + timedelta(days=14)


def test_intervention_is_allowed_for_a_class_and_does_not_change_level() -> None:
    casus = nieuwe_casus(klas())
    zet_interventie_in(casus, soort="klassenobservatie")
    assert casus.niveau == "mentor"
    assert casus.interventies[0].soort == "klassenobservatie"


# ---- TerugkoppelingGegeven ---------------------------------------------------------------------


@pytest.mark.parametrize("aan", ["mentor", "signaalgever", "ouders", "leerling"])
def test_feedback_is_recorded_without_changing_the_file(aan: str) -> None:
    casus = casus_op_niveau("ozs")
    voor = {k: v for k, v in staat_van(casus).items() if k not in ("_version", "_modified_on")}
    geef_terugkoppeling(casus, aan=aan, inhoud="Terugkoppeling.")
    [gebeurtenis] = casus.collect_events()
    assert type(gebeurtenis).__name__ == "TerugkoppelingGegeven"
    assert gebeurtenis.aan == aan  # type: ignore[attr-defined]
    na = {k: v for k, v in staat_van(casus).items() if k not in ("_version", "_modified_on")}
    assert na == voor


def test_every_event_records_actor_and_optional_toelichting() -> None:
    casus = nieuwe_casus()
    voer_gesprek(
        casus,
        actor=casus.signalen[0].gemeld_door,
        toelichting="Op verzoek van de leerling.",
        samenvatting="…",
    )
    [gebeurtenis] = casus.collect_events()
    assert gebeurtenis.actor == casus.signalen[0].gemeld_door  # type: ignore[attr-defined]
    assert gebeurtenis.toelichting == "Op verzoek van de leerling."  # type: ignore[attr-defined]


def test_a_registration_for_the_core_team_can_be_withdrawn_and_leaves_the_level() -> None:
    casus = nieuwe_casus()
    meld_aan_voor_kernteam(casus)
    casus.collect_events()
    meld_af_voor_kernteam(casus)
    assert gebeurtenissen(casus) == ["AfgemeldVoorKernteam"]
    assert casus.kernteam_aanmelding is None
    assert casus.niveau == "mentor"


def test_withdrawing_without_a_registration_is_refused() -> None:
    casus = nieuwe_casus()
    geweigerd(casus, "niet_aangemeld", lambda: meld_af_voor_kernteam(casus))
    meld_aan_voor_kernteam(casus)
    bespreek_in_kernteam(casus)
    casus.collect_events()
    # Discussed: the registration is done with, so there is nothing to withdraw.
    geweigerd(casus, "niet_aangemeld", lambda: meld_af_voor_kernteam(casus))


def test_withdrawing_on_a_closed_file_is_refused_as_closed() -> None:
    casus = nieuwe_casus()
    meld_aan_voor_kernteam(casus)
    sluit_af(casus)
    casus.collect_events()
    geweigerd(casus, "casus_gesloten", lambda: meld_af_voor_kernteam(casus))
