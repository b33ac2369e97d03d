"""Issue 14, item 5 over HTTP: Dutch text in the NEN 7513 headers arrives as sent
(percent-encoded UTF-8, api/koppen.py), a header that is no text is a 422 naming it,
oversized headers are a 431 before any token is read, and a token is trusted only when
its claims are typed, bounded, short-lived and (when configured) from the right issuer
for the right audience. On SQLite and PostgreSQL: the access log stores what was sent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.koppen import tekst_uit_kop
from infrastructure.settings import Settings
from tests.e2e.conftest import API, SCHOOL, Medewerker, Omgeving, leerling, probleem

DOEL = "suïcidale gedachten"
DOEL_GECODEERD = "su%C3%AFcidale%20gedachten"
GESPREK = {"met": "leerling", "datum": "2025-10-01", "samenvatting": "Kort gesprek."}


def _regels(zc: Medewerker, casus_id: str, antwoord: httpx.Response) -> list[dict[str, Any]]:
    """The access-log entries the request behind `antwoord` left on this file."""
    log = zc.get(f"/casussen/{casus_id}/toegangslog")
    assert log.status_code == 200, log.text
    request_id = antwoord.headers["X-Request-ID"]
    return [r for r in log.json()["items"] if r["bron"]["request_id"] == request_id]


@pytest.mark.parametrize(
    "waarde", [DOEL_GECODEERD, DOEL.encode("utf-8")], ids=["procent-gecodeerd", "ruwe-utf8"]
)
def test_dutch_text_in_a_header_is_stored_as_sent(zc: Medewerker, waarde: str | bytes) -> None:
    casus_id = zc.meld(leerling())
    antwoord = zc.get(f"/casussen/{casus_id}", headers={"X-Doel": waarde, "X-Namens": "Zo%C3%AB"})  # type: ignore[dict-item]
    assert antwoord.status_code == 200, antwoord.text
    [regel] = _regels(zc, casus_id, antwoord)
    assert regel["doel"] == DOEL
    assert regel["namens"] == "Zoë"


def test_a_break_glass_reason_in_dutch_is_stored_as_sent(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    casus_id = zc.meld(leerling())
    zorgteam = omgeving.als("zorgteam", sub="zt-1")
    antwoord = zorgteam.get(
        f"/casussen/{casus_id}", headers={"X-Noodtoegang": "Leerling%20in%20crisis%3A%20z%C3%B3"}
    )
    assert antwoord.status_code == 200, antwoord.text
    [regel] = _regels(zc, casus_id, antwoord)
    assert regel["actie"] == "noodtoegang"
    assert regel["reden_noodtoegang"] == "Leerling in crisis: zó"


def test_a_command_takes_the_same_encoding(zc: Medewerker) -> None:
    casus_id = zc.meld(leerling())
    # A command that stores nothing (a stale If-Match) is logged as an attempt, with its doel.
    koppen = {"X-Doel": DOEL_GECODEERD, "If-Match": '"1"'}
    antwoord = zc.doe(casus_id, "gesprekken", GESPREK, headers=koppen)
    assert antwoord.status_code == 412, antwoord.text
    [regel] = _regels(zc, casus_id, antwoord)
    assert regel["resultaat"] == "mislukt"
    assert regel["doel"] == DOEL


@pytest.mark.parametrize(
    ("kop", "waarde"),
    [
        ("X-Doel", "%FF%FE"),  # not UTF-8 once decoded
        ("X-Doel", "nul%00byte"),
        ("X-Namens", "bel%07"),
        ("X-Noodtoegang", "%E9t%E9"),  # latin-1, percent-encoded: not UTF-8
        ("X-Doel", "%C3%AF" * 501),  # 501 characters once decoded
    ],
)
@pytest.mark.parametrize("soort", ["lezen", "opdracht"])
def test_a_header_that_is_no_text_is_a_422_naming_it(
    zc: Medewerker, kop: str, waarde: str | bytes, soort: str
) -> None:
    casus_id = zc.meld(leerling())
    voor = len(zc.geschiedenis(casus_id))
    headers: Any = {kop: waarde}
    if soort == "lezen":
        antwoord = zc.get(f"/casussen/{casus_id}", headers=headers)
    else:
        antwoord = zc.doe(casus_id, "gesprekken", GESPREK, headers=headers)
    assert [f["veld"] for f in probleem(antwoord, 422, "ongeldige_invoer")["fouten"]] == [kop]
    assert len(zc.geschiedenis(casus_id)) == voor  # nothing stored


def test_raw_bytes_that_are_no_utf8_are_refused() -> None:
    # The test client re-encodes raw header bytes, so this one is asked of the decoder
    # itself: "été" as latin-1 bytes, as a server hands them to the app.
    with pytest.raises(ValueError, match="geen geldige UTF-8"):
        tekst_uit_kop(b"\xe9t\xe9".decode("latin-1"), 500)
    assert tekst_uit_kop("50% kans, 100%25 zeker", 500) == "50% kans, 100% zeker"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Opvulling": "x" * 9000},  # one header over 8 KiB
        {f"X-Opvulling-{i}": "x" * 4000 for i in range(9)},  # together over 32 KiB
        {f"X-Kop-{i}": "x" for i in range(120)},  # too many
    ],
    ids=["een", "samen", "aantal"],
)
def test_oversized_headers_are_a_431_before_the_token_is_read(
    omgeving: Omgeving, headers: dict[str, str]
) -> None:
    # No token at all: without the limit this would be a 401.
    antwoord = omgeving.client.get(f"{API}/casussen", headers=headers)
    assert probleem(antwoord, 431, "koppen_te_groot")
    antwoord = omgeving.client.post(f"{API}/signalen", json={}, headers=headers)
    assert probleem(antwoord, 431, "koppen_te_groot")


def _token(omgeving: Omgeving, **claims: Any) -> str:
    secret = omgeving.settings.jwt_secret
    assert secret is not None
    nu = int(time.time())
    basis: dict[str, Any] = {
        "sub": "zc-1",
        "naam": "Zorgcoördinator Zus",
        "rol": "zorgcoordinator",
        "school": SCHOOL,
        "iat": nu,
        "exp": nu + 600,
    }
    basis.update(claims)
    return jwt.encode({k: v for k, v in basis.items() if v is not None}, secret.get_secret_value())


def _status(client: TestClient, token: str) -> httpx.Response:
    return client.get(f"{API}/casussen", headers={"Authorization": f"Bearer {token}"})


NU = "nu"  # in a claim below: replaced by the time the test runs (plus the number after it)


def _op_tijd(claims: dict[str, Any]) -> dict[str, Any]:
    nu = int(time.time())
    return {k: (nu + v[1] if isinstance(v, tuple) and v[0] == NU else v) for k, v in claims.items()}


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": "9999999999"},  # a string
        {"exp": 10**12},  # far beyond the longest lifetime
        {"iat": (NU, -3600 * 24), "exp": (NU, 600)},  # lived too long
        {"iat": None},
        {"iat": "nu"},
        {"exp": True},
        {"naam": "n" * 201},
        {"naam": "Nul\u0000Byte"},
        {"sub": 42},
        {"sub": "s" * 129},
        {"rol": ["zorgcoordinator"]},
        {"rol": "directeur"},
        {"school": {"brin": SCHOOL}},
        {"klassen": ["2A"] * 51},
        {"klassen": ["k" * 33]},
        {"klassen": "2A"},
        {"afdeling": 3},
    ],
)
def test_an_ill_typed_or_unbounded_claim_is_a_401(
    omgeving: Omgeving, claims: dict[str, Any]
) -> None:
    antwoord = _status(omgeving.client, _token(omgeving, **_op_tijd(claims)))
    body = probleem(antwoord, 401, "niet_geauthenticeerd")
    assert "Niet aangemeld" in body["detail"]


def test_without_a_configured_audience_a_token_with_one_is_accepted(omgeving: Omgeving) -> None:
    assert _status(omgeving.client, _token(omgeving)).status_code == 200
    assert (
        _status(omgeving.client, _token(omgeving, aud="https://idp/andere-app")).status_code == 200
    )


@pytest.fixture
def streng(settings: Settings) -> Iterator[Omgeving]:
    """An app that checks issuer and audience and allows tokens of at most 60 minutes."""
    instellingen = settings.model_copy(
        update={
            "jwt_issuer": "https://login.school.nl",
            "jwt_audience": "zorgroute",
            "token_max_minuten": 60,
        }
    )
    with TestClient(create_app(instellingen)) as client:
        yield Omgeving(client, instellingen)


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"iss": "https://login.school.nl", "aud": "zorgroute"}, 200),
        ({"iss": "https://login.school.nl", "aud": ["andere-app", "zorgroute"]}, 200),
        ({"aud": "zorgroute"}, 401),
        ({"iss": "https://elders.nl", "aud": "zorgroute"}, 401),
        ({"iss": "https://login.school.nl"}, 401),
        ({"iss": "https://login.school.nl", "aud": "andere-app"}, 401),
        ({"iss": "https://login.school.nl", "aud": "zorgroute", "exp": (NU, 7200)}, 401),
    ],
)
def test_issuer_audience_and_lifetime_are_checked_when_configured(
    streng: Omgeving, claims: dict[str, Any], status: int
) -> None:
    antwoord = _status(streng.client, _token(streng, **_op_tijd(claims)))
    assert antwoord.status_code == status, antwoord.text
