"""The application service on both backends: concurrency, idempotency, point in time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from application.fouten import (
    CasusNietGevonden,
    IdempotentieSleutelHergebruikt,
    VersieConflict,
)
from application.service import Zorgroute
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.settings import Settings
from tests.integration.conftest import (
    ANDERE_SCHOOL,
    GESPREK,
    LEERLING,
    MENTOR,
    ZORGCOORDINATOR,
    maak_service,
    signaal,
)


def aantal_gebeurtenissen(service: Zorgroute, casus_id: object) -> int:
    return len(service.geschiedenis(MENTOR, casus_id)["items"])  # type: ignore[arg-type]


def test_first_signal_opens_a_file_and_the_next_goes_to_the_same_file(service: Zorgroute) -> None:
    eerste = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal()))
    tweede = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal()))

    assert (eerste.nieuw, eerste.status) == (True, 201)
    assert (tweede.nieuw, tweede.status) == (False, 201)  # always 201: a signal is accepted
    assert eerste.casus_id == tweede.casus_id
    assert len(service.lees(MENTOR, eerste.casus_id)["signalen"]) == 2


def test_another_schools_file_is_not_found(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id

    with pytest.raises(CasusNietGevonden):
        service.lees(ANDERE_SCHOOL, casus_id)
    with pytest.raises(CasusNietGevonden):
        service.handel(ANDERE_SCHOOL, casus_id, opdracht_voor("gesprekken", GESPREK))
    assert aantal_gebeurtenissen(service, casus_id) == 2


def test_stale_if_match_is_refused_and_stores_nothing(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    service.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), verwachte_versie=2)

    with pytest.raises(VersieConflict) as fout:
        service.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), verwachte_versie=2)

    assert (fout.value.verwacht, fout.value.actueel) == (2, 3)
    assert aantal_gebeurtenissen(service, casus_id) == 3


def test_idempotent_retry_returns_the_first_answer_without_a_second_event(
    service: Zorgroute,
) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id

    eerste = service.handel(
        MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), idempotentie_sleutel="k-1"
    )
    tweede = service.handel(
        MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), idempotentie_sleutel="k-1"
    )

    assert (tweede.casus_id, tweede.versie, tweede.status) == (
        eerste.casus_id,
        eerste.versie,
        eerste.status,
    )
    assert aantal_gebeurtenissen(service, casus_id) == 3


def test_same_idempotency_key_with_another_body_is_refused(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    service.handel(
        MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), idempotentie_sleutel="k-2"
    )

    anders = {**GESPREK, "samenvatting": "Een ander gesprek."}
    with pytest.raises(IdempotentieSleutelHergebruikt):
        service.handel(
            MENTOR, casus_id, opdracht_voor("gesprekken", anders), idempotentie_sleutel="k-2"
        )
    assert aantal_gebeurtenissen(service, casus_id) == 3


def test_idempotency_key_is_scoped_to_the_actor(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    service.handel(
        MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), idempotentie_sleutel="k-3"
    )
    service.handel(
        ZORGCOORDINATOR, casus_id, opdracht_voor("gesprekken", GESPREK), idempotentie_sleutel="k-3"
    )

    assert aantal_gebeurtenissen(service, casus_id) == 4


def test_retry_after_a_crash_between_storing_and_answering_gets_the_first_answer(
    settings: Settings,
) -> None:
    # The key is stored in the same transaction as the events; a new process (a fresh
    # service on the same database, no shared memory) must still recognise the retry.
    eerste_proces = maak_service(settings)
    casus_id = eerste_proces.meld_signaal(
        MENTOR, SignaalVerzoek.model_validate(signaal()), idempotentie_sleutel="s-1"
    ).casus_id
    eerste_proces.close()

    tweede_proces = maak_service(settings)
    try:
        antwoord = tweede_proces.meld_signaal(
            MENTOR, SignaalVerzoek.model_validate(signaal()), idempotentie_sleutel="s-1"
        )
        assert (antwoord.casus_id, antwoord.versie, antwoord.nieuw, antwoord.status) == (
            casus_id,
            2,
            True,
            201,
        )
        assert aantal_gebeurtenissen(tweede_proces, casus_id) == 2
    finally:
        tweede_proces.close()


def test_concurrent_writers_without_if_match_lose_no_update(settings: Settings) -> None:
    # Two processes' worth of writers: separate service instances, so no shared cache
    # or lock can hide a race the database would otherwise have to settle.
    diensten = [maak_service(settings), maak_service(settings)]
    casus_id = diensten[0].meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    per_schrijver, fouten = 6, []

    def schrijf(dienst: Zorgroute) -> None:
        try:
            for _ in range(per_schrijver):
                dienst.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK))
        except Exception as fout:  # the assertion below reports it
            fouten.append(fout)

    draden = [threading.Thread(target=schrijf, args=(d,)) for d in diensten for _ in range(2)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join(timeout=60)

    assert fouten == []
    assert aantal_gebeurtenissen(diensten[0], casus_id) == 2 + 4 * per_schrijver
    for dienst in diensten:
        dienst.close()


def test_concurrent_commands_in_one_process_are_each_stored_once(service: Zorgroute) -> None:
    # One service, so its group commit puts commands of different threads in one
    # transaction; the shared file makes some of those groups conflict and fall back.
    gedeeld = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    eigen = [
        service.meld_signaal(
            MENTOR, SignaalVerzoek.model_validate(signaal(LEERLING | {"leerlingnummer": f"gc{i}"}))
        ).casus_id
        for i in range(6)
    ]
    per_draad, fouten, versies = 5, [], []

    def schrijf(casus_id: object) -> None:
        try:
            for _ in range(per_draad):
                versies.append(
                    (
                        casus_id,
                        service.handel(
                            MENTOR, gedeeld, opdracht_voor("gesprekken", GESPREK)
                        ).versie,
                    )
                )
                service.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK))  # type: ignore[arg-type]
        except Exception as fout:  # the assertion below reports it
            fouten.append(fout)

    draden = [threading.Thread(target=schrijf, args=(c,)) for c in eigen]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join(timeout=60)

    assert fouten == []
    assert all(aantal_gebeurtenissen(service, c) == 2 + per_draad for c in eigen)
    assert aantal_gebeurtenissen(service, gedeeld) == 2 + len(eigen) * per_draad
    # Every acknowledged version of the shared file is a different one.
    assert len({v for _, v in versies}) == len(eigen) * per_draad


def test_file_as_it_stood_by_version_and_by_moment(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    voor_informeren = datetime.now(UTC)
    service.handel(
        MENTOR,
        casus_id,
        opdracht_voor("ouders-geinformeerd", {"datum": "2025-10-01", "wijze": "telefoon"}),
    )

    nu = service.lees(MENTOR, casus_id)
    bij_versie_2 = service.lees(MENTOR, casus_id, versie=2)
    op_moment = service.lees(MENTOR, casus_id, op=voor_informeren)

    assert (nu["versie"], nu["ouders_geinformeerd"]) == (3, True)
    assert (bij_versie_2["versie"], bij_versie_2["ouders_geinformeerd"]) == (2, False)
    assert op_moment == bij_versie_2
    with pytest.raises(CasusNietGevonden):
        service.lees(MENTOR, casus_id, op=voor_informeren - timedelta(days=1))
    with pytest.raises(CasusNietGevonden):
        service.lees(MENTOR, casus_id, versie=9)


def test_history_lists_every_event_with_its_actor(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    service.handel(
        ZORGCOORDINATOR,
        casus_id,
        opdracht_voor("gesprekken", {**GESPREK, "toelichting": "n.a.v. melding"}),
    )

    items = service.geschiedenis(MENTOR, casus_id)["items"]

    assert [i["type"] for i in items] == ["CasusGeopend", "SignaalGemeld", "GesprekGevoerd"]
    assert items[2]["actor"] == {
        "id": "zc-devries",
        "naam": "A. de Vries",
        "rol": "zorgcoordinator",
    }
    assert items[2]["toelichting"] == "n.a.v. melding"
    assert items[2]["gegevens"]["met"] == "leerling"
