"""Issue 14, item 7 over HTTP: every answer carries the security headers (reads,
commands, every error), `/docs` is served from local files under a CSP that allows only
those and can be switched off, and repeated failed authentication from one address is
answered 429 with Retry-After."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.middleware import Pogingen
from infrastructure.settings import Settings
from tests.e2e.conftest import API, Medewerker, Omgeving, leerling, probleem, signaal

VAST = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}
GESPREK = {"met": "leerling", "datum": "2025-10-01", "samenvatting": "Kort gesprek."}


def _beveiligd(antwoord: httpx.Response) -> None:
    for naam, waarde in VAST.items():
        assert antwoord.headers.get(naam) == waarde, (naam, antwoord.status_code)
        assert len(antwoord.headers.get_list(naam)) == 1, naam


def test_every_kind_of_answer_carries_the_security_headers(
    omgeving: Omgeving, zc: Medewerker, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = omgeving.client
    casus_id = zc.meld(leerling())
    antwoorden = {
        "signaal": zc.post("/signalen", signaal(leerling("100999"))),
        "opdracht": zc.doe(casus_id, "gesprekken", GESPREK),
        "lezen": zc.get(f"/casussen/{casus_id}"),
        "overzicht": zc.get("/casussen"),
        "healthz": client.get("/healthz"),
        "openapi": client.get("/openapi.json"),
        "401": client.get(f"{API}/casussen"),
        "401 opdracht": client.post(f"{API}/signalen", json=signaal(leerling())),
        "404": zc.get("/bestaat-niet"),
        "404 dossier": zc.get("/casussen/00000000-0000-0000-0000-000000000000"),
        "405": client.delete("/healthz"),
        "412": zc.doe(casus_id, "gesprekken", GESPREK, headers={"If-Match": '"1"'}),
        "413": zc.post("/signalen", content=b"x" * (2 * 1024 * 1024)),
        "422": zc.post("/signalen", {"onderwerp": {}}),
        "431": client.get("/healthz", headers={"X-Groot": "x" * 9000}),
    }
    service: Any = client.app.state.service  # type: ignore[attr-defined]

    def kapot(*_: Any, **__: Any) -> Any:
        raise RuntimeError("stuk")

    monkeypatch.setattr(service, "dossier", kapot)
    antwoorden["500"] = zc.get(f"/casussen/{casus_id}")
    verwacht = {"signaal": 201, "opdracht": 201, "500": 500, "431": 431}
    for wat, antwoord in antwoorden.items():
        if wat in verwacht:
            assert antwoord.status_code == verwacht[wat], (wat, antwoord.text)
        elif wat[:3].isdigit():
            assert antwoord.status_code == int(wat[:3]), (wat, antwoord.text)
        _beveiligd(antwoord)


def test_docs_are_served_from_local_files_under_a_csp_that_allows_only_them(
    omgeving: Omgeving,
) -> None:
    pagina = omgeving.client.get("/docs")
    assert pagina.status_code == 200
    html = pagina.text
    bronnen = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert bronnen and all(b.startswith("/docs/bestanden/") for b in bronnen), bronnen
    assert "http" not in "".join(bronnen)  # no CDN, no other host
    for bron in bronnen:
        bestand = omgeving.client.get(bron)
        assert bestand.status_code == 200, bron
        assert bestand.headers["x-content-type-options"] == "nosniff"
        assert len(bestand.content) > 100
    assert "SwaggerUIBundle" in omgeving.client.get("/docs/bestanden/swagger-ui-bundle.js").text
    csp = pagina.headers["content-security-policy"]
    assert len(pagina.headers.get_list("content-security-policy")) == 1
    [script] = re.findall(r"<script>(.*?)</script>", html, re.S)
    hash_ = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{hash_}';" in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert pagina.headers["x-frame-options"] == "DENY"
    # Only the files the page needs; FastAPI's own CDN pages are gone.
    assert omgeving.client.get("/docs/bestanden/index.html").status_code == 404
    assert omgeving.client.get("/redoc").status_code == 404


def test_docs_can_be_switched_off(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"docs": False}))) as client:
        for pad in ("/docs", "/docs/bestanden/swagger-ui-bundle.js", "/redoc"):
            antwoord = client.get(pad)
            assert probleem(antwoord, 404, "niet_gevonden")
            _beveiligd(antwoord)
        assert client.get("/openapi.json").status_code == 200  # the contract stays


@pytest.fixture
def streng(settings: Settings) -> Iterator[Omgeving]:
    instellingen = settings.model_copy(update={"auth_max_mislukt": 5})
    with TestClient(create_app(instellingen)) as client:
        yield Omgeving(client, instellingen)


def test_repeated_failed_authentication_is_answered_429_with_retry_after(
    streng: Omgeving,
) -> None:
    client = streng.client
    goed = {"Authorization": f"Bearer {streng.token()}"}
    # Successful requests do not count.
    for _ in range(20):
        assert client.get(f"{API}/casussen", headers=goed).status_code == 200
    slecht = {"Authorization": "Bearer geen.geldig.token"}
    for _ in range(5):
        assert client.get(f"{API}/casussen", headers=slecht).status_code == 401
    for pad, headers in ((f"{API}/casussen", slecht), (f"{API}/casussen", goed)):
        antwoord = client.get(pad, headers=headers)
        probleem(antwoord, 429, "te_veel_pogingen")
        assert 1 <= int(antwoord.headers["Retry-After"]) <= 60
        _beveiligd(antwoord)
    antwoord = client.post(f"{API}/signalen", json=signaal(leerling()), headers=slecht)
    probleem(antwoord, 429, "te_veel_pogingen")
    assert client.get("/healthz").status_code == 200  # probes keep answering


def test_the_default_limit_is_twenty_refused_tokens_a_minute(omgeving: Omgeving) -> None:
    # Without a token nothing is guessed (nor is a signature checked): that does not count.
    zonder = [omgeving.client.get(f"{API}/casussen").status_code for _ in range(25)]
    assert zonder == [401] * 25
    slecht = {"Authorization": "Bearer geen.geldig.token"}
    statussen = [
        omgeving.client.get(f"{API}/casussen", headers=slecht).status_code for _ in range(25)
    ]
    assert statussen == [401] * 20 + [429] * 5


def test_the_window_slides_and_memory_stays_bounded() -> None:
    pogingen = Pogingen(3, venster=60.0, adressen=100)
    for t in (0.0, 10.0, 20.0):
        assert pogingen.wacht("a", t) == 0
        pogingen.mislukt("a", t)
    assert pogingen.wacht("a", 30.0) == pytest.approx(30.0)
    assert pogingen.wacht("b", 30.0) == 0  # per address
    assert pogingen.wacht("a", 60.0) == 0  # the first failure left the window
    pogingen.mislukt("a", 60.0)
    assert pogingen.wacht("a", 61.0) == pytest.approx(9.0)
    for i in range(1000):
        pogingen.mislukt(f"10.0.{i // 256}.{i % 256}", 70.0)
    assert len(pogingen.mislukte) == 100
    assert all(len(t) <= 3 for t in pogingen.mislukte.values())
