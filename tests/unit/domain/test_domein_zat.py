"""Row DoorverwezenNaarZAT: pupil only, at least ozs, a regiehouder and zat consent."""

from __future__ import annotations

import pytest
from domeinbouwers import (
    benoem_regiehouder,
    casus_op_niveau,
    gebeurtenissen,
    geweigerd,
    klas,
    registreer_toestemming,
    verwijs_naar_zat,
)

from domain.casus import Casus
from domain.waarden import Niveau


def klaar_voor_zat() -> Casus:
    casus = casus_op_niveau("ozs", regiehouder=True)
    registreer_toestemming(casus, "zat", "gegeven")
    casus.collect_events()
    return casus


def test_zat_referral_raises_level_to_extern() -> None:
    casus = klaar_voor_zat()
    verwijs_naar_zat(casus, ketenpartners=("jeugdarts", "leerplichtambtenaar"))
    [gebeurtenis] = casus.collect_events()
    assert type(gebeurtenis).__name__ == "DoorverwezenNaarZAT"
    assert gebeurtenis.ketenpartners == ("jeugdarts", "leerplichtambtenaar")  # type: ignore[attr-defined]
    assert casus.niveau == "extern"


def test_zat_referral_at_extern_keeps_extern() -> None:
    casus = casus_op_niveau("extern")
    verwijs_naar_zat(casus)
    assert gebeurtenissen(casus) == ["DoorverwezenNaarZAT"]
    assert casus.niveau == "extern"


def test_zat_referral_needs_consent() -> None:
    casus = casus_op_niveau("ozs", regiehouder=True)
    geweigerd(casus, "toestemming_ontbreekt", lambda: verwijs_naar_zat(casus))


@pytest.mark.parametrize("besluit", ["geweigerd", "ingetrokken"])
def test_zat_referral_with_refused_or_withdrawn_consent_is_refused(besluit: str) -> None:
    casus = klaar_voor_zat()
    registreer_toestemming(casus, "zat", besluit)
    casus.collect_events()
    geweigerd(casus, "toestemming_ontbreekt", lambda: verwijs_naar_zat(casus))


def test_ozs_consent_is_not_zat_consent() -> None:
    casus = casus_op_niveau("ozs", regiehouder=True)
    assert casus.toestemmingen["ozs"].besluit == "gegeven"
    geweigerd(casus, "toestemming_ontbreekt", lambda: verwijs_naar_zat(casus))


def test_zat_referral_needs_a_regiehouder() -> None:
    casus = casus_op_niveau("ozs")
    registreer_toestemming(casus, "zat")
    casus.collect_events()
    geweigerd(casus, "regiehouder_ontbreekt", lambda: verwijs_naar_zat(casus))


@pytest.mark.parametrize("niveau", ["mentor", "kernteam", "contactpersoon"])
def test_zat_referral_below_ozs_is_niveau_te_laag(niveau: Niveau) -> None:
    casus = casus_op_niveau(niveau)
    registreer_toestemming(casus, "zat")
    casus.collect_events()
    geweigerd(casus, "niveau_te_laag", lambda: verwijs_naar_zat(casus))


def test_zat_referral_is_not_for_a_class() -> None:
    casus = casus_op_niveau("ozs", onderwerp=klas())
    geweigerd(casus, "niet_voor_klas", lambda: verwijs_naar_zat(casus))


def test_referral_after_a_new_regiehouder_still_works() -> None:
    casus = klaar_voor_zat()
    benoem_regiehouder(casus, medewerker_id="zt-2", naam="Maatschappelijk werker Kok")
    verwijs_naar_zat(casus)
    assert casus.niveau == "extern"
