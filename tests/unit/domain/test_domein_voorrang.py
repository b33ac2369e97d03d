"""When several rules break at once, the brief's precedence decides which one is reported."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from domeinbouwers import (
    DAG,
    benoem_regiehouder,
    breng_in_ozs,
    casus_op_niveau,
    gesloten_casus,
    geweigerd,
    klas,
    leerling,
    nieuwe_casus,
    registreer_toestemming,
    sluit_af,
    stel_opp_vast,
    verwijs_naar_zat,
    voer_gesprek,
)

from domain.casus import Casus
from domain.fouten import REGEL_VOORRANG, Overtreding, Regelfout, eerste

BRIEF_VOLGORDE = (
    "casus_gesloten",
    "niet_voor_klas",
    "al_ingebracht",
    "niveau_te_laag",
    "regiehouder_ontbreekt",
    "ouders_niet_geinformeerd",
    "toestemming_ontbreekt",
    "instemming_ontbreekt",
    "toestemming_ongeldig",
)


def test_precedence_starts_with_the_briefs_nine_codes_in_order() -> None:
    assert REGEL_VOORRANG[: len(BRIEF_VOLGORDE)] == BRIEF_VOLGORDE
    assert len(set(REGEL_VOORRANG)) == len(REGEL_VOORRANG)


@pytest.mark.parametrize("i", range(len(REGEL_VOORRANG) - 1))
def test_eerste_reports_the_earlier_code_of_any_adjacent_pair(i: int) -> None:
    vroeg, laat = REGEL_VOORRANG[i], REGEL_VOORRANG[i + 1]
    fout = eerste([Overtreding(laat, "later"), Overtreding(vroeg, "eerder")])
    assert fout is not None and fout.code == vroeg and fout.melding == "eerder"


def test_unknown_rule_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        Regelfout("bestaat_niet", "…")


def _gesloten_klas() -> Casus:
    return gesloten_casus(klas())


def _klas_onder_ozs_zonder_regiehouder() -> Casus:
    return casus_op_niveau("kernteam", onderwerp=klas())


def _leerling_onder_ozs_zonder_alles() -> Casus:
    return casus_op_niveau("contactpersoon", onderwerp=leerling())


def _leerling_ozs_zonder_regiehouder() -> Casus:
    casus = casus_op_niveau("ozs")
    registreer_toestemming(casus, "ozs", "ingetrokken")
    casus.collect_events()
    return casus


def _gesloten_leerling_op_ozs() -> Casus:
    casus = casus_op_niveau("ozs")
    sluit_af(casus)
    casus.collect_events()
    return casus


def _leerling_zonder_ouders_en_toestemming() -> Casus:
    return nieuwe_casus(leerling(geboortedatum=None))


def _opp_zonder_regiehouder(c: Casus) -> None:
    stel_opp_vast(c, instemming_ouders=False)


def _opp_zonder_instemming_te_laat(c: Casus) -> None:
    stel_opp_vast(c, instemming_ouders=False, evaluatiedatum=DAG.replace(year=DAG.year + 3))


def _ozs_met_regiehouder() -> Casus:
    return casus_op_niveau("ozs", regiehouder=True)


GEVALLEN: list[tuple[str, Callable[[], Casus], Callable[[Casus], None], str]] = [
    # (what breaks, file, command, expected code)
    ("gesloten + klas: zat", _gesloten_klas, verwijs_naar_zat, "casus_gesloten"),
    ("gesloten + klas: ouders-gesprek", _gesloten_klas, lambda c: voer_gesprek(c, met="ouders"), "casus_gesloten"),
    ("gesloten + al ingebracht", _gesloten_leerling_op_ozs, breng_in_ozs, "casus_gesloten"),
    ("gesloten + ongeldige intrekking", _gesloten_leerling_op_ozs, lambda c: registreer_toestemming(c, "swv", "ingetrokken"), "casus_gesloten"),
    ("klas + niveau + regiehouder + toestemming: zat", _klas_onder_ozs_zonder_regiehouder, verwijs_naar_zat, "niet_voor_klas"),
    ("klas + niveau: regiehouder", _klas_onder_ozs_zonder_regiehouder, benoem_regiehouder, "niet_voor_klas"),
    ("klas + regiehouder + instemming: opp", _klas_onder_ozs_zonder_regiehouder, _opp_zonder_regiehouder, "niet_voor_klas"),
    ("klas + ongeldige intrekking", _klas_onder_ozs_zonder_regiehouder, lambda c: registreer_toestemming(c, "ozs", "ingetrokken", door="leerling"), "niet_voor_klas"),
    ("klas anoniem + al ingebracht", lambda: casus_op_niveau("ozs", onderwerp=klas()), lambda c: breng_in_ozs(c, anoniem=True, reden_anoniem="veiligheid"), "niet_voor_klas"),
    ("niveau + regiehouder + toestemming: zat", _leerling_onder_ozs_zonder_alles, verwijs_naar_zat, "niveau_te_laag"),
    ("regiehouder + toestemming: zat", _leerling_ozs_zonder_regiehouder, verwijs_naar_zat, "regiehouder_ontbreekt"),
    ("regiehouder + instemming: opp", _leerling_ozs_zonder_regiehouder, _opp_zonder_regiehouder, "regiehouder_ontbreekt"),
    ("ouders + toestemming: ozs-inbreng", _leerling_zonder_ouders_en_toestemming, breng_in_ozs, "ouders_niet_geinformeerd"),
    ("instemming + evaluatiedatum: opp", _ozs_met_regiehouder, _opp_zonder_instemming_te_laat, "instemming_ontbreekt"),
    ("intrekking zonder geven + leerling zonder geboortedatum", _leerling_zonder_ouders_en_toestemming, lambda c: registreer_toestemming(c, "ozs", "ingetrokken", door="leerling"), "toestemming_ongeldig"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("maak", "commando", "code"),
    [pytest.param(m, c, code, id=naam) for naam, m, c, code in GEVALLEN],
)
def test_first_broken_rule_by_precedence_is_reported(
    maak: Callable[[], Casus], commando: Callable[[Casus], None], code: str
) -> None:
    casus = maak()
    geweigerd(casus, code, lambda: commando(casus))


def test_al_ingebracht_goes_before_missing_parents_and_consent() -> None:
    # At ozs after the consent was withdrawn: both al_ingebracht and toestemming_ontbreekt
    # would apply to a new intake.
    casus = _leerling_ozs_zonder_regiehouder()
    geweigerd(casus, "al_ingebracht", lambda: breng_in_ozs(casus))
