"""SignaalGemeld, CasusHeropend and CasusAfgesloten: opening, closing and reopening a file."""

from __future__ import annotations

import time
from datetime import date
from uuid import uuid4

import pytest
from domeinbouwers import (
    COMMANDOS,
    DAG,
    DOCENT,
    benoem_regiehouder,
    breng_in_ozs,
    casus_op_niveau,
    evalueer,
    gebeurtenissen,
    gesloten_casus,
    geweigerd,
    informeer_ouders,
    klas,
    koppel_intern_begeleider,
    leerling,
    meld_signaal,
    nieuwe_casus,
    registreer_toestemming,
    sluit_af,
    stel_handelingsplan_vast,
    stel_opp_vast,
    voer_gesprek,
    zet_interventie_in,
)

from domain.casus import Casus


def test_first_signal_opens_the_file_at_mentor_level() -> None:
    casus = nieuwe_casus(leerling())
    assert casus.status == "open"
    assert casus.niveau == "mentor"
    assert casus.traject == 1
    assert len(casus.signalen) == 1
    signaal = casus.signalen[0]
    assert signaal.categorieen == ("leren",)
    assert signaal.bron == "docent"
    assert signaal.gemeld_door == DOCENT
    assert signaal.traject == 1
    assert signaal.veiligheidszorg is False


def test_first_signal_records_casus_geopend_then_signaal_gemeld() -> None:
    onderwerp = leerling()
    casus = Casus(id=uuid4(), school="99XX", onderwerp=onderwerp, actor=DOCENT, toelichting=None)
    meld_signaal(casus, onderwerp)
    assert gebeurtenissen(casus) == ["CasusGeopend", "SignaalGemeld"]


def test_signal_on_an_open_file_adds_a_signal_and_keeps_the_traject() -> None:
    casus = casus_op_niveau("kernteam")
    meld_signaal(casus, categorieen=("verzuim", "gedrag"), veiligheidszorg=True)
    assert gebeurtenissen(casus) == ["SignaalGemeld"]
    assert casus.niveau == "kernteam"
    assert casus.traject == 1
    assert len(casus.signalen) == 2
    assert casus.signalen[-1].categorieen == ("verzuim", "gedrag")
    assert casus.signalen[-1].veiligheidszorg is True


def test_a_later_signal_records_the_concern_and_leaves_the_subject_as_it_is() -> None:
    casus = nieuwe_casus(leerling(klas="2A", afdeling="havo", leerjaar=2))
    anders = leerling(klas="3B", afdeling="vwo", leerjaar=3, naam="Naam Overschreven")
    meld_signaal(casus, anders)
    (signaal,) = casus.collect_events()
    assert casus.onderwerp == leerling(klas="2A", afdeling="havo", leerjaar=2)
    # The signal keeps what its reporter said, for the zorgcoördinator to put right.
    assert signaal.onderwerp == anders  # type: ignore[attr-defined]
    assert len(casus.signalen) == 2


def test_a_later_signal_does_not_add_a_birth_date_either() -> None:
    casus = nieuwe_casus(leerling())
    meld_signaal(casus, leerling(geboortedatum=date(2009, 5, 1)))
    assert casus.onderwerp.geboortedatum is None


def test_a_later_signal_is_stamped_with_its_own_event_time() -> None:
    casus = nieuwe_casus()
    time.sleep(0.01)
    voer_gesprek(casus)
    time.sleep(0.01)
    meld_signaal(casus)
    signaal_event = casus.collect_events()[-1]
    assert casus.signalen[-1].tijdstip == signaal_event.timestamp


def test_closing_sets_status_gesloten_and_clears_next_dates() -> None:
    casus = casus_op_niveau("ozs")
    assert casus.volgende_bespreking is not None
    sluit_af(casus, reden="overgedragen")
    assert gebeurtenissen(casus) == ["CasusAfgesloten"]
    assert casus.status == "gesloten"
    assert casus.afsluitreden == "overgedragen"
    assert casus.volgende_bespreking is None
    assert casus.volgende_evaluatie is None


@pytest.mark.parametrize("gebeurtenis", sorted(COMMANDOS))
def test_every_command_but_a_signal_is_refused_on_a_closed_file(gebeurtenis: str) -> None:
    casus = gesloten_casus()
    geweigerd(casus, "casus_gesloten", lambda: COMMANDOS[gebeurtenis](casus))


@pytest.mark.parametrize("gebeurtenis", sorted(COMMANDOS))
def test_closed_class_file_also_refuses_every_command_with_casus_gesloten(
    gebeurtenis: str,
) -> None:
    # casus_gesloten goes before niet_voor_klas, whatever the command.
    casus = gesloten_casus(klas())
    geweigerd(casus, "casus_gesloten", lambda: COMMANDOS[gebeurtenis](casus))


def _gesloten_na_een_heel_traject() -> Casus:
    """Closed after an anonymous intake, regiehouder, IB, plan, OPP, intervention and consents."""
    casus = casus_op_niveau("contactpersoon")
    informeer_ouders(casus)
    registreer_toestemming(casus, "ozs")
    registreer_toestemming(casus, "zat")
    breng_in_ozs(casus, anoniem=True, reden_anoniem="Veiligheid van de leerling.")
    benoem_regiehouder(casus)
    koppel_intern_begeleider(casus)
    stel_handelingsplan_vast(casus)
    stel_opp_vast(casus)
    zet_interventie_in(casus)
    evalueer(casus, vervolg="opschalen")
    assert casus.pseudoniem and casus.anoniem and casus.opschalen
    sluit_af(casus)
    casus.collect_events()
    return casus


def test_signal_on_a_closed_file_records_casus_heropend_first() -> None:
    casus = _gesloten_na_een_heel_traject()
    meld_signaal(casus)
    assert gebeurtenissen(casus) == ["CasusHeropend", "SignaalGemeld"]


def test_reopening_starts_a_new_traject_at_mentor_with_traject_fields_cleared() -> None:
    casus = _gesloten_na_een_heel_traject()
    oude_signalen = list(casus.signalen)
    versie = casus.version
    meld_signaal(casus, omschrijving="Opnieuw zorgen.")
    heropend, signaal = casus.collect_events()
    assert heropend.traject == 2  # type: ignore[attr-defined]
    assert heropend.originator_version == versie + 1
    assert signaal.originator_version == versie + 2
    assert casus.status == "open"
    assert casus.traject == 2
    assert casus.niveau == "mentor"
    assert casus.afsluitreden is None
    assert casus.regiehouder is None
    assert casus.intern_begeleider is None
    assert casus.handelingsplan is None
    assert casus.opp is None
    assert casus.startdocument is None
    assert casus.interventies == []
    assert casus.toestemmingen == {}
    assert casus.ouders_geinformeerd is False
    assert casus.volgende_bespreking is None
    assert casus.volgende_evaluatie is None
    assert casus.opschalen is False
    # Signals and history stay: the old ones keep their traject, the new one is traject 2.
    assert casus.signalen[:-1] == oude_signalen
    assert [s.traject for s in casus.signalen] == [1, 2]
    assert casus.signalen[-1].omschrijving == "Opnieuw zorgen."


def test_reopened_file_accepts_commands_again() -> None:
    casus = gesloten_casus()
    meld_signaal(casus)
    voer_gesprek(casus)
    assert gebeurtenissen(casus)[-1] == "GesprekGevoerd"


def test_reopening_twice_counts_trajects() -> None:
    casus = gesloten_casus()
    meld_signaal(casus)
    sluit_af(casus)
    meld_signaal(casus)
    assert casus.traject == 3
    assert [s.traject for s in casus.signalen] == [1, 2, 3]


def test_heropend_only_as_part_of_a_signal_on_a_closed_file() -> None:
    casus = nieuwe_casus()
    meld_signaal(casus)
    assert "CasusHeropend" not in gebeurtenissen(casus)
    # There is no public command for it: only the signal records it.
    commandos = [
        naam
        for naam in dir(Casus)
        if not naam.startswith("_") and not isinstance(getattr(Casus, naam), type)
    ]
    assert not [naam for naam in commandos if "heropen" in naam.lower()]


@pytest.mark.parametrize(
    "reden", ["doelen_behaald", "geen_zorg_meer", "uitgeschreven", "overgedragen"]
)
def test_closing_records_the_given_reason(reden: str) -> None:
    casus = nieuwe_casus()
    sluit_af(casus, reden=reden, datum=DAG)
    assert casus.afsluitreden == reden
