"""An app per test on the shared `settings` (SQLite and PostgreSQL), and a small client
that speaks as a given staff member of a given school."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from infrastructure.auth import maak_token
from infrastructure.settings import Settings

SCHOOL = "99XX"
ANDERE_SCHOOL = "11YY"
API = "/api/v1"


def dag(dagen: int = 0) -> str:
    """A date relative to today: the OPP rule measures its evaluation date from today."""
    return (date.today() + timedelta(days=dagen)).isoformat()


def leerling(nummer: str = "100234", naam: str = "Sanne de Vries", **extra: Any) -> dict[str, Any]:
    return {
        "type": "leerling",
        "leerlingnummer": nummer,
        "naam": naam,
        "klas": "2A",
        "afdeling": "havo",
        "leerjaar": 2,
        **extra,
    }


def klas(naam: str = "3B") -> dict[str, Any]:
    return {"type": "klas", "klas": naam, "afdeling": "vmbo", "leerjaar": 3}


def signaal(onderwerp: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "categorieen": ["sociaal_emotioneel", "verzuim"],
        "omschrijving": "Trekt zich terug in de les en mist vaak het eerste uur.",
        "bron": "mentor",
        **extra,
    }
    if onderwerp is not None:
        body["onderwerp"] = onderwerp
    return body


@dataclass
class Medewerker:
    """A staff member: every call carries their token, so the events record them."""

    client: TestClient
    token: str
    sub: str
    naam: str
    rol: str

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def post(
        self, pad: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return self.client.post(API + pad, json=json, headers=self._headers(headers), **kw)

    def get(self, pad: str, headers: dict[str, str] | None = None, **kw: Any) -> httpx.Response:
        return self.client.get(API + pad, headers=self._headers(headers), **kw)

    def meld(self, onderwerp: dict[str, Any] | None = None, **extra: Any) -> str:
        """Report a signal and return the case id."""
        antwoord = self.post("/signalen", signaal(onderwerp or leerling(), **extra))
        assert antwoord.status_code in (200, 201), antwoord.text
        return str(antwoord.json()["casus_id"])

    def doe(self, casus_id: str, handeling: str, body: dict[str, Any], **kw: Any) -> httpx.Response:
        return self.post(f"/casussen/{casus_id}/{handeling}", body, **kw)

    def stap(self, casus_id: str, handeling: str, body: dict[str, Any]) -> dict[str, Any]:
        """A command that must succeed; returns the file afterwards."""
        antwoord = self.doe(casus_id, handeling, body)
        assert antwoord.status_code == 201, f"{handeling}: {antwoord.text}"
        return self.lees(casus_id)

    def lees(self, casus_id: str, **params: Any) -> dict[str, Any]:
        antwoord = self.get(f"/casussen/{casus_id}", params=params or None)
        assert antwoord.status_code == 200, antwoord.text
        return dict(antwoord.json())

    def geschiedenis(self, casus_id: str) -> list[dict[str, Any]]:
        antwoord = self.get(f"/casussen/{casus_id}/geschiedenis")
        assert antwoord.status_code == 200, antwoord.text
        return list(antwoord.json()["items"])


@dataclass
class Omgeving:
    client: TestClient
    settings: Settings

    def token(self, rol: str = "zorgcoordinator", school: str = SCHOOL, **kw: Any) -> str:
        secret = self.settings.jwt_secret
        assert secret is not None
        kw.setdefault("sub", f"{rol}-1")
        kw.setdefault("naam", f"Test {rol}")
        return maak_token(secret.get_secret_value(), rol=rol, school=school, **kw)

    def als(self, rol: str = "zorgcoordinator", school: str = SCHOOL, **kw: Any) -> Medewerker:
        kw.setdefault("sub", f"{rol}-{school}")
        kw.setdefault("naam", f"Test {rol}")
        token = self.token(rol, school, **kw)
        return Medewerker(self.client, token, kw["sub"], kw["naam"], rol)


def bijgewerkt(medewerker: Medewerker) -> dict[str, int]:
    """`?na=` for the end of the log now: a view read with it shows every write so far."""
    service = medewerker.client.app.state.service  # type: ignore[attr-defined]
    return {"na": int(service.opslag.recorder.max_notification_id() or 0)}


@pytest.fixture
def omgeving(settings: Settings) -> Iterator[Omgeving]:
    with TestClient(create_app(settings)) as client:
        yield Omgeving(client, settings)


@pytest.fixture
def zc(omgeving: Omgeving) -> Medewerker:
    """The school's zorgcoördinator: allowed every step of the route."""
    return omgeving.als("zorgcoordinator", sub="zc-1", naam="Zorgcoördinator Zus")


def probleem(antwoord: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert an RFC 9457 problem with this status and code; return its body."""
    assert antwoord.status_code == status, antwoord.text
    assert antwoord.headers["content-type"].startswith("application/problem+json")
    body = dict(antwoord.json())
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and body["detail"] and body["type"]
    return body
