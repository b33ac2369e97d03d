"""The service's clock is both its "today" and the time its events carry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api.samenstelling import service_van
from application.service import Zorgroute
from infrastructure.settings import Settings
from tests.integration.conftest import GESPREK, MENTOR, ZORGCOORDINATOR, signaal

TOEN = datetime(2025, 10, 6, 10, 0, tzinfo=UTC)


class Klok:
    def __init__(self) -> None:
        self.nu = TOEN

    def __call__(self) -> datetime:
        return self.nu


@pytest.fixture
def klok() -> Klok:
    return Klok()


@pytest.fixture
def service(settings: Settings, klok: Klok) -> Iterator[Zorgroute]:
    with service_van(settings, klok=klok) as service:
        yield service


def test_every_command_s_events_carry_the_service_s_time(service: Zorgroute, klok: Klok) -> None:
    casus_id = service.meld_signaal(MENTOR, signaal()).casus_id
    klok.nu = TOEN + timedelta(days=2)
    service.handel(MENTOR, casus_id, "gesprekken", GESPREK)

    items = service.geschiedenis(ZORGCOORDINATOR, casus_id)["items"]
    tijden = [datetime.fromisoformat(i["tijdstip"]) for i in items]
    assert [i["type"] for i in items] == ["CasusGeopend", "SignaalGemeld", "GesprekGevoerd"]
    assert tijden == [TOEN, TOEN, TOEN + timedelta(days=2)]
    dossier = service.lees(ZORGCOORDINATOR, casus_id)
    assert datetime.fromisoformat(dossier["geopend_op"]) == TOEN
    assert service.vandaag() == (TOEN + timedelta(days=2)).date()
