"""Who a file is about and whether it is anonymous change only by a command of their own:
OnderwerpGecorrigeerd and AnonimiteitOpgeheven, never as a side effect of a signal or an
intake. And feedback to a reporter is for that reporter."""

from __future__ import annotations

from datetime import date

import pydantic
import pytest
from domeinbouwers import (
    breng_in_ozs,
    casus_op_niveau,
    corrigeer_onderwerp,
    gebeurtenissen,
    geef_terugkoppeling,
    geweigerd,
    hef_anonimiteit_op,
    informeer_ouders,
    klas,
    leerling,
    meld_signaal,
    nieuwe_casus,
    registreer_toestemming,
    sluit_af,
)

from domain.casus import Casus
from domain.waarden import Actor

ANDERE_DOCENT = Actor(id="docent-2", naam="Docent Smit", rol="docent")


def _anoniem_gesloten() -> Casus:
    casus = casus_op_niveau("contactpersoon")
    informeer_ouders(casus)
    registreer_toestemming(casus, "ozs")
    breng_in_ozs(casus, anoniem=True, reden_anoniem="Veiligheid van de leerling.")
    sluit_af(casus)
    casus.collect_events()
    return casus


def test_a_correction_replaces_the_given_fields_and_keeps_the_rest() -> None:
    casus = nieuwe_casus(leerling(geboortedatum=date(2010, 3, 1)))
    corrigeer_onderwerp(casus, reden="Klas gewijzigd na de herfstvakantie.", klas="2B")
    (correctie,) = casus.collect_events()
    assert type(correctie).__name__ == "OnderwerpGecorrigeerd"
    assert correctie.bron == "correctie"  # type: ignore[attr-defined]
    assert casus.onderwerp == leerling(klas="2B", geboortedatum=date(2010, 3, 1))


def test_a_correction_may_come_from_the_pupil_administration() -> None:
    casus = nieuwe_casus(leerling())
    corrigeer_onderwerp(
        casus, reden="Leerlingadministratie", bron="leerlingadministratie", leerjaar=3
    )
    (correctie,) = casus.collect_events()
    assert correctie.bron == "leerlingadministratie"  # type: ignore[attr-defined]
    assert casus.onderwerp.leerjaar == 3


def test_a_correction_that_changes_nothing_is_refused() -> None:
    casus = nieuwe_casus(leerling())
    geweigerd(
        casus,
        "onderwerp_ongewijzigd",
        lambda: corrigeer_onderwerp(casus, reden="x", klas="2A"),
    )


def test_the_pupil_number_that_names_the_file_is_no_field_of_a_correction() -> None:
    casus = nieuwe_casus(leerling())
    with pytest.raises(pydantic.ValidationError, match="leerlingnummer"):
        corrigeer_onderwerp(casus, reden="x", leerlingnummer="999999")
    assert casus.pending_events == []


def test_the_class_of_a_class_case_cannot_be_corrected_but_its_department_can() -> None:
    casus = nieuwe_casus(klas())
    geweigerd(
        casus,
        "onderwerp_vast",
        lambda: corrigeer_onderwerp(casus, reden="x", klas="3C"),
    )
    corrigeer_onderwerp(casus, reden="x", afdeling="vwo")
    assert casus.onderwerp.afdeling == "vwo"


def test_a_correction_with_an_unknown_or_invalid_field_is_refused_as_input() -> None:
    casus = nieuwe_casus(leerling())
    with pytest.raises(pydantic.ValidationError):
        corrigeer_onderwerp(casus, reden="x", schoen="44")
    assert casus.pending_events == []


def test_a_correction_is_possible_on_a_closed_file() -> None:
    casus = nieuwe_casus(leerling())
    sluit_af(casus)
    corrigeer_onderwerp(casus, reden="Naam was verkeerd gespeld.", naam="P. Puk")
    assert casus.onderwerp.naam == "P. Puk"


def test_an_anonymous_file_stays_anonymous_when_a_signal_reopens_it() -> None:
    casus = _anoniem_gesloten()
    pseudoniem = casus.pseudoniem
    meld_signaal(casus)
    assert gebeurtenissen(casus) == ["CasusHeropend", "SignaalGemeld"]
    assert casus.traject == 2
    assert casus.anoniem is True
    assert casus.pseudoniem == pseudoniem


def test_a_later_intake_without_anonymity_does_not_lift_it() -> None:
    casus = _anoniem_gesloten()
    meld_signaal(casus)
    informeer_ouders(casus)
    registreer_toestemming(casus, "ozs")
    breng_in_ozs(casus)
    assert casus.anoniem is True


def test_lifting_anonymity_names_the_file_again() -> None:
    casus = _anoniem_gesloten()
    hef_anonimiteit_op(casus, reden="Ouders en leerling stemmen in.")
    assert gebeurtenissen(casus) == ["AnonimiteitOpgeheven"]
    assert casus.anoniem is False
    assert casus.pseudoniem is None


def test_lifting_anonymity_of_a_named_file_is_refused() -> None:
    casus = nieuwe_casus()
    geweigerd(
        casus,
        "niet_anoniem",
        lambda: hef_anonimiteit_op(casus, reden="x"),
    )


def test_feedback_to_the_reporter_names_the_only_reporter_by_itself() -> None:
    casus = nieuwe_casus()
    geef_terugkoppeling(casus, aan="signaalgever")
    (terugkoppeling,) = casus.collect_events()
    assert terugkoppeling.signaalgever == "docent-1"  # type: ignore[attr-defined]


def test_feedback_to_a_reporter_must_say_which_when_there_are_several() -> None:
    casus = nieuwe_casus()
    meld_signaal(casus, actor=ANDERE_DOCENT, omschrijving="Ook bij mij.")
    casus.collect_events()
    geweigerd(
        casus, "signaalgever_onbekend", lambda: geef_terugkoppeling(casus, aan="signaalgever")
    )
    geweigerd(
        casus,
        "signaalgever_onbekend",
        lambda: geef_terugkoppeling(casus, aan="signaalgever", signaalgever="iemand-anders"),
    )
    geef_terugkoppeling(casus, aan="signaalgever", signaalgever="docent-2")
    assert gebeurtenissen(casus) == ["TerugkoppelingGegeven"]


def test_feedback_to_someone_else_names_no_reporter() -> None:
    casus = nieuwe_casus()
    geweigerd(
        casus,
        "signaalgever_onbekend",
        lambda: geef_terugkoppeling(casus, aan="mentor", signaalgever="docent-1"),
    )


def test_stored_signals_of_before_version_two_took_over_the_subject() -> None:
    # A signal stored by earlier code has no `onderwerp_overgenomen`; upcast, it says it
    # took the subject over, so old files replay exactly as they stood.
    staat = {"onderwerp": {}, "categorieen": [], "omschrijving": "", "bron": "docent"}
    Casus.SignaalGemeld.upcast_v1_v2(staat)
    assert staat["onderwerp_overgenomen"] is True
    assert Casus.SignaalGemeld.class_version == 2
