"""Fixtures for tests that drive the application service directly (no HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from application.gebruiker import Gebruiker
from application.service import Zorgroute
from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import Settings


def maak_service(settings: Settings) -> Zorgroute:
    return Zorgroute(env=eventsourcing_env(settings), id_sleutel=settings.id_sleutel_bytes())


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
