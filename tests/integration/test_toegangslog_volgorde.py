"""A read writes its access log entry while it shapes the answer, but nothing is given
back before the entry is stored, and a log that cannot be written wins over the answer
(fail closed), also when the read itself fails."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from application.service import Zorgroute
from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel
from domain.opdrachten import SignaalVerzoek
from infrastructure.opslag import bouw_opslag
from infrastructure.settings import Settings
from tests.integration.conftest import ZORGCOORDINATOR, signaal


class Logboek:
    """Holds every write until the test lets it through, or fails it."""

    def __init__(self) -> None:
        self.binnen = threading.Event()
        self.door = threading.Event()
        self.faal = False
        self.regels: list[Toegangsregel] = []

    def schrijf(self, regel: Toegangsregel) -> None:
        self.binnen.set()
        assert self.door.wait(30), "de test liet de schrijver niet door"
        if self.faal:
            raise ToegangslogOnbeschikbaar("toegangslog niet beschikbaar (test)")
        self.regels.append(regel)

    def schrijf_alle(self, regels: Sequence[Toegangsregel]) -> None:
        for regel in regels:
            self.schrijf(regel)

    def zoek(self, **_: Any) -> list[dict[str, Any]]:
        return []


@pytest.fixture
def logboek() -> Logboek:
    return Logboek()


@pytest.fixture
def service(settings: Settings, logboek: Logboek) -> Iterator[Zorgroute]:
    app = Zorgroute(
        bouw_opslag(settings), id_sleutel=settings.id_sleutel_bytes(), toegangslog=logboek
    )
    try:
        yield app
    finally:
        app.close()


def _op_de_achtergrond(functie: Any) -> tuple[threading.Thread, dict[str, Any]]:
    uitkomst: dict[str, Any] = {}

    def draai() -> None:
        try:
            uitkomst["antwoord"] = functie()
        except BaseException as fout:
            uitkomst["fout"] = fout

    thread = threading.Thread(target=draai)
    thread.start()
    return thread, uitkomst


@pytest.mark.parametrize("lezing", ["lees", "op", "geschiedenis"])
def test_niets_terug_voordat_de_regel_staat(
    service: Zorgroute, logboek: Logboek, lezing: str
) -> None:
    logboek.door.set()
    casus_id = service.meld_signaal(
        ZORGCOORDINATOR, SignaalVerzoek.model_validate(signaal())
    ).casus_id
    logboek.door.clear()
    logboek.binnen.clear()
    functies = {
        "lees": lambda: service.lees(ZORGCOORDINATOR, casus_id),
        "op": lambda: service.lees(ZORGCOORDINATOR, casus_id, op=datetime.now(UTC)),
        "geschiedenis": lambda: service.geschiedenis(ZORGCOORDINATOR, casus_id),
    }
    thread, uitkomst = _op_de_achtergrond(functies[lezing])
    assert logboek.binnen.wait(30)
    # The write is held: whatever the read has done meanwhile, it cannot have answered.
    assert uitkomst == {}
    logboek.door.set()
    thread.join(30)
    assert "antwoord" in uitkomst and len(logboek.regels) == 1


@pytest.mark.parametrize("moment", ["nu", "voor_het_begin"])
def test_een_mislukte_regel_wint_van_het_antwoord(
    service: Zorgroute, logboek: Logboek, moment: str
) -> None:
    logboek.door.set()
    casus_id = service.meld_signaal(
        ZORGCOORDINATOR, SignaalVerzoek.model_validate(signaal())
    ).casus_id
    logboek.faal = True
    # Before the file began the read itself fails (not found); the log's failure still wins.
    op = datetime.now(UTC) if moment == "nu" else datetime(2000, 1, 1, tzinfo=UTC)
    with pytest.raises(ToegangslogOnbeschikbaar):
        service.lees(ZORGCOORDINATOR, casus_id, op=op)
    with pytest.raises(ToegangslogOnbeschikbaar):
        service.geschiedenis(ZORGCOORDINATOR, casus_id)
    assert logboek.regels == []
