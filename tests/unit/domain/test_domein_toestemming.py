"""Row ToestemmingGegeven / Geweigerd / Ingetrokken: consent per purpose, by parents or by
a pupil of 16 or older, withdrawn only after it was given, never lowering the level."""

from __future__ import annotations

from datetime import date

import pytest
from domeinbouwers import (
    DAG,
    casus_op_niveau,
    corrigeer_onderwerp,
    gebeurtenissen,
    geweigerd,
    klas,
    leerling,
    nieuwe_casus,
    registreer_toestemming,
    verwijs_naar_zat,
)

from domain.waarden import Niveau, Toestemming

DOELEN = ["ozs", "zat", "swv", "extern"]
EVENT = {
    "gegeven": "ToestemmingGegeven",
    "geweigerd": "ToestemmingGeweigerd",
    "ingetrokken": "ToestemmingIngetrokken",
}


@pytest.mark.parametrize("doel", DOELEN)
@pytest.mark.parametrize("besluit", ["gegeven", "geweigerd"])
def test_consent_decision_sets_the_state_for_that_purpose(doel: str, besluit: str) -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, doel, besluit, datum=DAG)
    assert gebeurtenissen(casus) == [EVENT[besluit]]
    assert casus.toestemmingen == {doel: Toestemming(besluit=besluit, door="ouders", datum=DAG)}


@pytest.mark.parametrize("doel", DOELEN)
def test_consent_can_be_withdrawn_after_it_was_given(doel: str) -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, doel, "gegeven")
    registreer_toestemming(casus, doel, "ingetrokken")
    assert gebeurtenissen(casus) == ["ToestemmingGegeven", "ToestemmingIngetrokken"]
    assert casus.toestemmingen[doel].besluit == "ingetrokken"


def test_consent_for_one_purpose_leaves_the_others_alone() -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, "ozs", "gegeven")
    registreer_toestemming(casus, "zat", "geweigerd")
    assert casus.toestemmingen["ozs"].besluit == "gegeven"
    assert casus.toestemmingen["zat"].besluit == "geweigerd"


def test_refused_consent_can_later_be_given() -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, "ozs", "geweigerd")
    registreer_toestemming(casus, "ozs", "gegeven")
    assert casus.toestemmingen["ozs"].besluit == "gegeven"


def test_withdrawing_consent_that_was_never_given_is_invalid() -> None:
    casus = nieuwe_casus()
    geweigerd(
        casus, "toestemming_ongeldig", lambda: registreer_toestemming(casus, "ozs", "ingetrokken")
    )


def test_withdrawing_refused_consent_is_invalid() -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, "zat", "geweigerd")
    geweigerd(
        casus, "toestemming_ongeldig", lambda: registreer_toestemming(casus, "zat", "ingetrokken")
    )


def test_withdrawing_twice_is_invalid() -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, "zat", "gegeven")
    registreer_toestemming(casus, "zat", "ingetrokken")
    geweigerd(
        casus, "toestemming_ongeldig", lambda: registreer_toestemming(casus, "zat", "ingetrokken")
    )


def test_withdrawal_only_counts_consent_given_for_the_same_purpose() -> None:
    casus = nieuwe_casus()
    registreer_toestemming(casus, "ozs", "gegeven")
    geweigerd(
        casus, "toestemming_ongeldig", lambda: registreer_toestemming(casus, "zat", "ingetrokken")
    )


@pytest.mark.parametrize("besluit", ["gegeven", "geweigerd", "ingetrokken"])
def test_consent_is_not_for_a_class(besluit: str) -> None:
    casus = nieuwe_casus(klas())
    geweigerd(casus, "niet_voor_klas", lambda: registreer_toestemming(casus, "ozs", besluit))


# ---- door=leerling: only from 16 on the date of the decision ------------------------------------


GEBOREN = date(2009, 3, 15)


def test_pupil_aged_exactly_16_on_that_date_may_decide() -> None:
    casus = nieuwe_casus(leerling(geboortedatum=GEBOREN))
    registreer_toestemming(casus, "ozs", "gegeven", door="leerling", datum=date(2025, 3, 15))
    assert casus.toestemmingen["ozs"] == Toestemming(
        besluit="gegeven", door="leerling", datum=date(2025, 3, 15)
    )


def test_pupil_aged_15_years_and_364_days_may_not_decide() -> None:
    casus = nieuwe_casus(leerling(geboortedatum=GEBOREN))
    fout = geweigerd(
        casus,
        "toestemming_ongeldig",
        lambda: registreer_toestemming(
            casus, "ozs", "gegeven", door="leerling", datum=date(2025, 3, 14)
        ),
    )
    assert "16" in fout.melding


def test_pupil_without_known_birth_date_may_not_decide() -> None:
    casus = nieuwe_casus(leerling(geboortedatum=None))
    geweigerd(
        casus,
        "toestemming_ongeldig",
        lambda: registreer_toestemming(casus, "ozs", "gegeven", door="leerling"),
    )


def test_pupil_born_on_29_february_turns_16_on_29_february() -> None:
    casus = nieuwe_casus(leerling(geboortedatum=date(2008, 2, 29)))
    geweigerd(
        casus,
        "toestemming_ongeldig",
        lambda: registreer_toestemming(
            casus, "zat", "gegeven", door="leerling", datum=date(2024, 2, 28)
        ),
    )
    registreer_toestemming(casus, "zat", "gegeven", door="leerling", datum=date(2024, 2, 29))
    assert casus.toestemmingen["zat"].door == "leerling"


def test_birth_date_from_a_correction_counts() -> None:
    # A later signal does not change the subject; the zorgcoördinator's correction does.
    casus = nieuwe_casus(leerling(geboortedatum=None))
    corrigeer_onderwerp(casus, reden="Uit de administratie.", geboortedatum=GEBOREN)
    registreer_toestemming(casus, "ozs", "gegeven", door="leerling", datum=date(2025, 9, 1))
    assert casus.toestemmingen["ozs"].door == "leerling"


def test_sixteen_year_old_may_withdraw_consent_the_parents_gave() -> None:
    casus = nieuwe_casus(leerling(geboortedatum=GEBOREN))
    registreer_toestemming(casus, "zat", "gegeven", door="ouders")
    registreer_toestemming(casus, "zat", "ingetrokken", door="leerling", datum=date(2025, 9, 1))
    assert casus.toestemmingen["zat"].besluit == "ingetrokken"


# ---- a withdrawal never lowers the level, but blocks later steps ---------------------------------


@pytest.mark.parametrize("niveau", ["ozs", "extern"])
def test_withdrawal_never_lowers_the_level(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    registreer_toestemming(casus, "ozs", "ingetrokken")
    if niveau == "extern":
        registreer_toestemming(casus, "zat", "ingetrokken")
    assert casus.niveau == niveau


def test_withdrawn_zat_consent_blocks_a_referral() -> None:
    casus = casus_op_niveau("ozs", regiehouder=True)
    registreer_toestemming(casus, "zat", "gegeven")
    registreer_toestemming(casus, "zat", "ingetrokken")
    casus.collect_events()
    geweigerd(casus, "toestemming_ontbreekt", lambda: verwijs_naar_zat(casus))
