"""A command's headers are read in one dependency (api/opdracht.py), not as FastAPI
parameters: checked and documented exactly as FastAPI would check and document them."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import Bearer
from api.koppen import IDEMPOTENCY_KEY, IF_MATCH, X_DOEL, X_NAMENS, X_NOODTOEGANG
from tests.e2e.conftest import Medewerker, Omgeving, leerling, probleem

GESPREK = {"met": "leerling", "datum": "2025-10-01", "samenvatting": "Kort gesprek."}


def _zoals_fastapi() -> dict[str, Any]:
    """The operation FastAPI writes for the same headers declared as its parameters."""

    async def koppen(
        credentials: Bearer,
        if_match: Annotated[str | None, IF_MATCH.header()] = None,
        sleutel: Annotated[str | None, IDEMPOTENCY_KEY.header()] = None,
        namens: Annotated[str | None, X_NAMENS.header()] = None,
        doel: Annotated[str | None, X_DOEL.header()] = None,
        noodtoegang: Annotated[str | None, X_NOODTOEGANG.header()] = None,
    ) -> HTTPAuthorizationCredentials | None:
        return credentials

    app = FastAPI()

    @app.post("/x", dependencies=[Depends(koppen)])
    def x() -> None:
        return None

    return dict(app.openapi()["paths"]["/x"]["post"])


@pytest.mark.parametrize("pad", ["/api/v1/signalen", "/api/v1/casussen/{casus_id}/gesprekken"])
def test_the_command_headers_are_documented_as_fastapi_documents_them(
    omgeving: Omgeving, pad: str
) -> None:
    verwacht = _zoals_fastapi()
    operatie = omgeving.client.get("/openapi.json").json()["paths"][pad]["post"]
    koppen = [p for p in operatie["parameters"] if p["in"] == "header"]
    assert koppen == verwacht["parameters"]
    assert operatie["security"] == verwacht["security"]


@pytest.mark.parametrize(
    ("kop", "waarde"),
    [
        ("If-Match", "1" * 65),
        ("Idempotency-Key", ""),
        ("X-Namens", "n" * 201),
        ("X-Doel", "d" * 501),
        ("X-Noodtoegang", "r" * 501),
    ],
)
def test_a_command_header_past_its_limits_is_a_422_naming_it(
    zc: Medewerker, kop: str, waarde: str
) -> None:
    casus_id = zc.meld(leerling())
    antwoord = zc.doe(casus_id, "gesprekken", GESPREK, headers={kop: waarde})
    assert [f["veld"] for f in probleem(antwoord, 422, "ongeldige_invoer")["fouten"]] == [kop]
    assert len(zc.geschiedenis(casus_id)) == 2  # nothing stored


def test_without_a_token_a_bad_header_is_a_401_first(omgeving: Omgeving) -> None:
    # Who is asking comes first, as on the reads (and in FastAPI's own order).
    antwoord = omgeving.client.post("/api/v1/signalen", json={}, headers={"X-Doel": "d" * 501})
    probleem(antwoord, 401, "niet_geauthenticeerd")


def test_a_command_without_a_token_is_a_401(omgeving: Omgeving) -> None:
    antwoord = omgeving.client.post("/api/v1/signalen", json={})
    assert antwoord.status_code == 401
