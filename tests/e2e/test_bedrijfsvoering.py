"""Operations: health checks, request ids, the access log line, and the last-resort 500."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from unittest.mock import MagicMock

import pytest
import structlog
from fastapi.testclient import TestClient

from api.app import create_app
from application.service import Zorgroute
from infrastructure.settings import Settings
from tests.e2e.conftest import Omgeving, leerling, probleem, signaal


def test_healthz_en_readyz_antwoorden_zonder_token(omgeving: Omgeving) -> None:
    assert omgeving.client.get("/healthz").json() == {"status": "ok"}
    gereed = omgeving.client.get("/readyz")
    assert (gereed.status_code, gereed.json()) == (200, {"status": "ok"})


def test_readyz_is_503_als_de_database_niet_antwoordt(settings: Settings) -> None:
    service = MagicMock(spec=Zorgroute)
    service.gereed.return_value = False
    with TestClient(create_app(settings, service=service)) as client:
        probleem(client.get("/readyz"), 503, "niet_gereed")
        assert client.get("/healthz").status_code == 200


def test_een_onverwachte_fout_is_een_500_probleem_zonder_interne_details(
    settings: Settings,
) -> None:
    service = MagicMock(spec=Zorgroute)
    service.lees.side_effect = RuntimeError("geheim: Sanne de Vries 100234")
    omgeving = Omgeving(TestClient(create_app(settings, service=service)), settings)
    with omgeving.client:
        antwoord = omgeving.als().get("/casussen/0b0b0b0b-0000-4000-8000-000000000000")
    body = probleem(antwoord, 500, "interne_fout")
    assert "Sanne" not in antwoord.text and "RuntimeError" not in antwoord.text
    assert antwoord.headers["X-Request-ID"] in body["detail"] or "X-Request-ID" in body["detail"]


def test_de_request_id_wordt_overgenomen_als_hij_netjes_is_en_anders_gemaakt(
    omgeving: Omgeving,
) -> None:
    client = omgeving.client
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc.123_x-Y"}).headers["X-Request-ID"]
        == "abc.123_x-Y"
    )
    for onnet in ("met spatie", "x" * 129, "<script>", ""):
        gemaakt = client.get("/healthz", headers={"X-Request-ID": onnet}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", gemaakt)
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz").headers["X-Request-ID"])


@pytest.fixture
def logregels(capsys: pytest.CaptureFixture[str]) -> Any:
    """The JSON log lines written while the test ran (the app logs to stdout)."""
    # create_app points structlog at the stdout of that moment (capsys's here); put the
    # previous configuration back so later apps do not write into a closed capture.
    vorige = structlog.get_config()
    handlers = logging.getLogger().handlers[:]

    def lees() -> list[dict[str, Any]]:
        uitvoer = capsys.readouterr().out
        return [json.loads(r) for r in uitvoer.splitlines() if r.startswith("{")]

    yield lees
    structlog.configure(**vorige)
    logging.getLogger().handlers[:] = handlers


def test_elk_verzoek_geeft_een_logregel_met_velden_maar_zonder_leerlinggegevens(
    settings: Settings, logregels: Any
) -> None:
    naam, nummer = "Xander Geheimnaam", "987654321"
    omschrijving = "Vertelde over problemen thuis met zijn stiefvader"
    with TestClient(create_app(settings)) as client:
        omgeving = Omgeving(client, settings)
        mentor = omgeving.als("mentor", sub="m-42", klassen=["2A"])
        antwoord = mentor.post(
            "/signalen",
            signaal(leerling(nummer, naam), omschrijving=omschrijving),
            headers={"X-Request-ID": "req-1"},
        )
        cid = antwoord.json()["casus_id"]
        mentor.post("/signalen", signaal(leerling(nummer, naam), bron="onzin"))
        mentor.get(f"/casussen/{cid}")
    regels = logregels()
    tekst = json.dumps(regels)
    for geheim in (naam, nummer, "stiefvader", "Xander"):
        assert geheim not in tekst

    verzoeken = [r for r in regels if r.get("event") == "verzoek_afgehandeld"]
    assert len(verzoeken) == 3
    eerste = verzoeken[0]
    assert eerste["method"] == "POST"
    assert eerste["path"] == "/api/v1/signalen"
    assert eerste["status"] == 201
    assert eerste["request_id"] == "req-1"
    assert eerste["actor_id"] == "m-42"
    assert eerste["casus_id"] == cid
    assert isinstance(eerste["duration_ms"], float)
    assert verzoeken[1]["status"] == 422
    assert verzoeken[2]["path"] == "/api/v1/casussen/{casus_id}"
    assert verzoeken[2]["casus_id"] == cid
