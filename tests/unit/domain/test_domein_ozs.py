"""Rows IngebrachtInOZS, RegiehouderBenoemd, InternBegeleiderGekoppeld and BesprokenInOZS."""

from __future__ import annotations

from datetime import timedelta

import pydantic
import pytest
from domeinbouwers import (
    DAG,
    benoem_regiehouder,
    bespreek_in_kernteam,
    bespreek_in_ozs,
    breng_in_ozs,
    casus_op_niveau,
    evalueer,
    gebeurtenissen,
    geweigerd,
    informeer_ouders,
    klas,
    koppel_intern_begeleider,
    meld_signaal,
    nieuwe_casus,
    registreer_toestemming,
    sluit_af,
    stel_handelingsplan_vast,
    zet_interventie_in,
)

from domain.casus import Casus
from domain.identiteit import pseudoniem_voor
from domain.waarden import Medewerker, Niveau, Startdocument

ANONIEM = {"anoniem": True, "reden_anoniem": "Melding van huiselijk geweld: veiligheid."}


def klaar_voor_inbreng() -> Casus:
    """A pupil at contactpersoon level with parents informed and ozs consent standing."""
    casus = casus_op_niveau("contactpersoon")
    informeer_ouders(casus)
    registreer_toestemming(casus, "ozs", "gegeven")
    casus.collect_events()
    return casus


# ---- IngebrachtInOZS: allowed -----------------------------------------------------------------


def test_intake_raises_level_to_ozs_and_stores_the_startdocument() -> None:
    casus = klaar_voor_inbreng()
    breng_in_ozs(casus, datum=DAG)
    assert gebeurtenissen(casus) == ["IngebrachtInOZS"]
    assert casus.niveau == "ozs"
    assert casus.startdocument == Startdocument(
        datum=DAG,
        ondersteuningsvraag="Hoe helpen we hem weer op gang?",
        doel="Weer meedoen in de les.",
        waarom_nu="Cijfers zakken snel.",
        sterke_kanten="Sportief, behulpzaam.",
    )
    assert casus.anoniem is False
    assert casus.pseudoniem is None


def test_next_discussion_is_intake_date_plus_28_days() -> None:
    casus = klaar_voor_inbreng()
    breng_in_ozs(casus, datum=DAG)
    assert casus.volgende_bespreking == DAG + timedelta(days=28)


@pytest.mark.parametrize("niveau", ["mentor", "kernteam", "contactpersoon"])
def test_intake_may_skip_steps_from_any_level_below_ozs(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    informeer_ouders(casus)
    registreer_toestemming(casus, "ozs")
    breng_in_ozs(casus)
    assert casus.niveau == "ozs"


def test_class_intake_needs_neither_parents_nor_consent() -> None:
    casus = nieuwe_casus(klas())
    breng_in_ozs(casus)
    assert gebeurtenissen(casus) == ["IngebrachtInOZS"]
    assert casus.niveau == "ozs"


def test_anonymous_intake_with_a_reason_waives_parents_and_consent() -> None:
    casus = nieuwe_casus()
    breng_in_ozs(casus, **ANONIEM)
    assert casus.niveau == "ozs"
    assert casus.anoniem is True
    assert casus.ouders_geinformeerd is False
    assert casus.toestemmingen == {}


def test_anonymous_intake_assigns_a_stable_pseudonym() -> None:
    casus = nieuwe_casus()
    breng_in_ozs(casus, **ANONIEM)
    [gebeurtenis] = casus.collect_events()
    assert casus.pseudoniem == pseudoniem_voor(casus.id, casus.traject)
    assert casus.pseudoniem is not None and casus.pseudoniem.startswith("Casus ")
    assert gebeurtenis.pseudoniem == casus.pseudoniem  # type: ignore[attr-defined]
    assert casus.onderwerp.naam not in casus.pseudoniem  # type: ignore[operator]


def test_pseudonym_stays_the_same_when_the_file_is_brought_in_again() -> None:
    casus = nieuwe_casus()
    breng_in_ozs(casus, **ANONIEM)
    eerste = casus.pseudoniem
    stel_terug_naar_mentor(casus)
    breng_in_ozs(casus, **ANONIEM)
    assert casus.pseudoniem == eerste


def test_a_pseudonym_is_no_field_the_caller_can_offer() -> None:
    casus = nieuwe_casus()
    with pytest.raises(pydantic.ValidationError, match="pseudoniem"):
        breng_in_ozs(casus, pseudoniem="Piet Puk", **ANONIEM)
    assert casus.pending_events == []


def test_pseudonym_differs_per_file() -> None:
    a, b = nieuwe_casus(), nieuwe_casus()
    breng_in_ozs(a, **ANONIEM)
    breng_in_ozs(b, **ANONIEM)
    assert a.pseudoniem != b.pseudoniem


def test_non_anonymous_intake_drops_a_reason_and_has_no_pseudonym() -> None:
    casus = klaar_voor_inbreng()
    breng_in_ozs(casus, anoniem=False, reden_anoniem="niet van toepassing")
    [gebeurtenis] = casus.collect_events()
    assert gebeurtenis.reden_anoniem is None  # type: ignore[attr-defined]
    assert casus.pseudoniem is None


def stel_terug_naar_mentor(casus: Casus) -> None:
    """An evaluation back to mentor level (needs something to evaluate)."""
    zet_interventie_in(
        casus,
        actor=casus.signalen[0].gemeld_door,
        soort="huiswerkbegeleiding",
        omschrijving="…",
        evaluatiedatum=DAG + timedelta(days=14),
    )
    evalueer(casus, vervolg="terug_naar_mentor")
    assert casus.niveau == "mentor"


def test_file_back_at_mentor_level_may_be_brought_in_again() -> None:
    casus = klaar_voor_inbreng()
    breng_in_ozs(casus)
    stel_terug_naar_mentor(casus)
    breng_in_ozs(casus, datum=DAG + timedelta(days=100))
    assert casus.niveau == "ozs"
    assert casus.volgende_bespreking == DAG + timedelta(days=128)


# ---- IngebrachtInOZS: refused ------------------------------------------------------------------


@pytest.mark.parametrize("niveau", ["ozs", "extern"])
def test_intake_at_ozs_or_above_is_al_ingebracht(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    geweigerd(casus, "al_ingebracht", lambda: breng_in_ozs(casus))


def test_intake_without_informing_parents_is_refused() -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, "ozs")
    casus.collect_events()
    geweigerd(casus, "ouders_niet_geinformeerd", lambda: breng_in_ozs(casus))


def test_intake_without_ozs_consent_is_refused() -> None:
    casus = nieuwe_casus()
    informeer_ouders(casus)
    casus.collect_events()
    geweigerd(casus, "toestemming_ontbreekt", lambda: breng_in_ozs(casus))


@pytest.mark.parametrize("besluit", ["geweigerd", "ingetrokken"])
def test_intake_with_refused_or_withdrawn_consent_is_refused(besluit: str) -> None:
    casus = nieuwe_casus()
    informeer_ouders(casus)
    registreer_toestemming(casus, "ozs", "gegeven")
    registreer_toestemming(casus, "ozs", besluit)
    casus.collect_events()
    geweigerd(casus, "toestemming_ontbreekt", lambda: breng_in_ozs(casus))


def test_consent_for_another_purpose_does_not_count_for_ozs() -> None:
    casus = nieuwe_casus()
    informeer_ouders(casus)
    registreer_toestemming(casus, "zat")
    casus.collect_events()
    geweigerd(casus, "toestemming_ontbreekt", lambda: breng_in_ozs(casus))


@pytest.mark.parametrize("reden", [None, ""])
def test_anonymous_without_a_reason_is_refused_as_input(reden: str | None) -> None:
    casus = nieuwe_casus()
    with pytest.raises(pydantic.ValidationError, match="reden_anoniem"):
        breng_in_ozs(casus, anoniem=True, reden_anoniem=reden)
    assert casus.pending_events == []


def test_parents_informed_in_an_earlier_traject_do_not_count() -> None:
    casus = nieuwe_casus()
    informeer_ouders(casus)
    registreer_toestemming(casus, "ozs")
    sluit_af(casus)
    meld_signaal(casus)
    casus.collect_events()
    geweigerd(casus, "ouders_niet_geinformeerd", lambda: breng_in_ozs(casus))


def test_anonymous_class_intake_is_not_for_a_class() -> None:
    casus = nieuwe_casus(klas())
    geweigerd(casus, "niet_voor_klas", lambda: breng_in_ozs(casus, **ANONIEM))


# ---- RegiehouderBenoemd / InternBegeleiderGekoppeld ---------------------------------------------

BENOEMINGEN = {
    "regiehouder": benoem_regiehouder,
    "intern_begeleider": koppel_intern_begeleider,
}
EVENTS = {"regiehouder": "RegiehouderBenoemd", "intern_begeleider": "InternBegeleiderGekoppeld"}


@pytest.mark.parametrize("rol", sorted(BENOEMINGEN))
@pytest.mark.parametrize("niveau", ["ozs", "extern"])
def test_appointment_at_ozs_or_above_is_recorded(rol: str, niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    BENOEMINGEN[rol](casus, medewerker_id="p-9", naam="Psycholoog Mulder")
    assert gebeurtenissen(casus) == [EVENTS[rol]]
    assert getattr(casus, rol) == Medewerker(medewerker_id="p-9", naam="Psycholoog Mulder")


@pytest.mark.parametrize("rol", sorted(BENOEMINGEN))
def test_a_new_appointment_replaces_the_earlier_one(rol: str) -> None:
    casus = casus_op_niveau("ozs")
    BENOEMINGEN[rol](casus, medewerker_id="a", naam="Eerste")
    BENOEMINGEN[rol](casus, medewerker_id="b", naam="Tweede")
    assert getattr(casus, rol) == Medewerker(medewerker_id="b", naam="Tweede")


@pytest.mark.parametrize("rol", sorted(BENOEMINGEN))
@pytest.mark.parametrize("niveau", ["mentor", "kernteam", "contactpersoon"])
def test_appointment_below_ozs_is_niveau_te_laag(rol: str, niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    geweigerd(casus, "niveau_te_laag", lambda: BENOEMINGEN[rol](casus))


@pytest.mark.parametrize("rol", sorted(BENOEMINGEN))
def test_appointment_is_not_for_a_class(rol: str) -> None:
    casus = casus_op_niveau("ozs", onderwerp=klas())
    geweigerd(casus, "niet_voor_klas", lambda: BENOEMINGEN[rol](casus))


def test_regiehouder_and_ib_are_independent() -> None:
    casus = casus_op_niveau("ozs")
    benoem_regiehouder(casus)
    koppel_intern_begeleider(casus)
    assert casus.regiehouder is not None and casus.intern_begeleider is not None
    assert casus.regiehouder != casus.intern_begeleider


# ---- BesprokenInOZS -----------------------------------------------------------------------------


@pytest.mark.parametrize("niveau", ["ozs", "extern"])
def test_ozs_discussion_without_date_plans_the_next_in_28_days(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    datum = DAG + timedelta(days=30)
    bespreek_in_ozs(casus, datum=datum, aanwezigen=("zoco",), adviezen=("doorgaan",))
    assert gebeurtenissen(casus) == ["BesprokenInOZS"]
    assert casus.volgende_bespreking == datum + timedelta(days=28)
    assert casus.niveau == niveau


def test_ozs_discussion_with_a_date_plans_the_next_then() -> None:
    casus = casus_op_niveau("ozs")
    bespreek_in_ozs(casus, datum=DAG, volgende_bespreking=DAG + timedelta(days=14))
    assert casus.volgende_bespreking == DAG + timedelta(days=14)


def test_ozs_discussion_clears_an_escalation_flag() -> None:
    casus = casus_op_niveau("ozs", regiehouder=True)
    stel_handelingsplan_vast(casus)
    evalueer(casus, vervolg="opschalen")
    assert casus.opschalen is True
    bespreek_in_ozs(casus)
    assert casus.opschalen is False


def test_ozs_discussion_of_a_class_is_allowed() -> None:
    casus = casus_op_niveau("ozs", onderwerp=klas())
    bespreek_in_ozs(casus)
    assert gebeurtenissen(casus) == ["BesprokenInOZS"]


@pytest.mark.parametrize("niveau", ["mentor", "kernteam", "contactpersoon"])
def test_ozs_discussion_below_ozs_is_niveau_te_laag(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    geweigerd(casus, "niveau_te_laag", lambda: bespreek_in_ozs(casus))


def test_core_team_discussion_at_ozs_keeps_the_level() -> None:
    casus = casus_op_niveau("ozs")
    bespreek_in_kernteam(casus)
    assert casus.niveau == "ozs"
