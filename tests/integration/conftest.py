"""Fixtures for tests that drive the application service directly (no HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from api.samenstelling import weergave_opslag
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from infrastructure.gebeurtenislog import gebeurtenislog_van
from infrastructure.opslag import Eventsourcingopslag, bouw_opslag
from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from projections.basis import Projectie
from projections.opslag import Opslag
from projections.runner import Projectierunner


def maak_service(settings: Settings) -> Zorgroute:
    return Zorgroute(bouw_opslag(settings), id_sleutel=settings.id_sleutel_bytes())


@pytest.fixture
def service(settings: Settings) -> Iterator[Zorgroute]:
    app = maak_service(settings)
    try:
        yield app
    finally:
        app.close()


MENTOR = Gebruiker(sub="m-jansen", naam="J. Jansen", rol="mentor", school="99XX", klassen=("H3A",))
ZORGCOORDINATOR = Gebruiker(
    sub="zc-devries", naam="A. de Vries", rol="zorgcoordinator", school="99XX"
)
ANDERE_SCHOOL = Gebruiker(sub="zc-elders", naam="B. Elders", rol="zorgcoordinator", school="11AA")

LEERLING = {
    "type": "leerling",
    "leerlingnummer": "100234",
    "naam": "Sam de Boer",
    "klas": "H3A",
    "afdeling": "havo",
    "leerjaar": 3,
}


def signaal(onderwerp: dict[str, object] | None = None) -> dict[str, object]:
    return {
        "onderwerp": onderwerp or LEERLING,
        "categorieen": ["werkhouding"],
        "omschrijving": "Maakt huiswerk niet meer en is vaak stil in de les.",
        "bron": "mentor",
    }


GESPREK = {"met": "leerling", "datum": "2025-10-01", "samenvatting": "Kort gesprek na de les."}


@dataclass
class Weergaven:
    """A service plus view storage on one test database; `runner(...)` builds a runner."""

    service: Zorgroute
    opslag: Opslag

    def runner(self, *projecties: Projectie, batch: int = 500) -> Projectierunner:
        runner = Projectierunner(
            gebeurtenislog_van(self.service.opslag.app), self.opslag, list(projecties), batch=batch
        )
        runner.installeer()
        return runner


@pytest.fixture
def weergaven(settings: Settings) -> Iterator[Weergaven]:
    service = maak_service(settings)
    opslag = weergave_opslag(settings)
    try:
        yield Weergaven(service, opslag)
    finally:
        opslag.sluit()
        service.close()


@pytest.fixture
def log(settings: Settings) -> Iterator[Toegangslog]:
    """The access log on this test's database, installed."""
    logboek = Toegangslog.van_settings(settings)
    logboek.installeer()
    try:
        yield logboek
    finally:
        logboek.sluit()


@pytest.fixture
def twee(settings: Settings) -> Iterator[tuple[Zorgroute, Zorgroute]]:
    """Two service instances (as two API workers) on one database."""
    a, b = maak_service(settings), maak_service(settings)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


@pytest.fixture
def twee_met_log(settings: Settings, log: Toegangslog) -> Iterator[tuple[Zorgroute, Zorgroute]]:
    """Two service instances (as two API workers) on one database and one access log."""
    env, sleutel = eventsourcing_env(settings), settings.id_sleutel_bytes()
    a = Zorgroute(Eventsourcingopslag(env), id_sleutel=sleutel, toegangslog=log)
    b = Zorgroute(Eventsourcingopslag(env), id_sleutel=sleutel, toegangslog=log)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def tegelijk(functie: Callable[[], object], aantal: int = 4) -> list[BaseException]:
    """Run `functie` in `aantal` threads that start at the same moment (as processes
    starting together); returns what they raised."""
    start = threading.Barrier(aantal)
    fouten: list[BaseException] = []

    def draai() -> None:
        start.wait()
        try:
            functie()
        except BaseException as fout:
            fouten.append(fout)

    draden = [threading.Thread(target=draai) for _ in range(aantal)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    return fouten
