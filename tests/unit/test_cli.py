"""The `zorgroute` CLI: refuses to serve without keys, mints tokens the API accepts."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr
from typer.testing import CliRunner

from api.cli import app
from infrastructure.auth import decodeer_token
from infrastructure.settings import Settings

runner = CliRunner()
GEHEIM = secrets.token_urlsafe(32)


@pytest.fixture(autouse=True)
def schone_omgeving(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own ZORGROUTE_* variables must not leak into what is tested here."""
    for naam in ("DATABASE_URL", "JWT_SECRET", "JWT_PUBLIC_KEY", "ID_SLEUTEL", "LOG_LEVEL"):
        monkeypatch.delenv(f"ZORGROUTE_{naam}", raising=False)


@pytest.fixture
def uvicorn_aanroepen(
    monkeypatch: pytest.MonkeyPatch,
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Record uvicorn.run instead of starting a server (the README walk test starts one)."""
    aanroepen: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: aanroepen.append((a, k)))
    return aanroepen


def test_serve_zonder_sleutels_start_niet_en_noemt_beide(uvicorn_aanroepen: list[Any]) -> None:
    resultaat = runner.invoke(app, ["serve"])

    assert resultaat.exit_code == 2
    assert "ZORGROUTE_JWT_SECRET" in resultaat.stderr
    assert "ZORGROUTE_ID_SLEUTEL" in resultaat.stderr
    assert uvicorn_aanroepen == []


def test_serve_noemt_alleen_wat_ontbreekt(
    monkeypatch: pytest.MonkeyPatch, uvicorn_aanroepen: list[Any]
) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)

    resultaat = runner.invoke(app, ["serve"])

    assert resultaat.exit_code == 2
    assert "ZORGROUTE_ID_SLEUTEL" in resultaat.stderr
    assert "ZORGROUTE_JWT_SECRET" not in resultaat.stderr
    assert uvicorn_aanroepen == []


def test_serve_met_sleutels_start_de_app_factory(
    monkeypatch: pytest.MonkeyPatch, uvicorn_aanroepen: list[Any]
) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)
    monkeypatch.setenv("ZORGROUTE_ID_SLEUTEL", secrets.token_urlsafe(32))

    resultaat = runner.invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123"])

    assert resultaat.exit_code == 0, resultaat.output
    [(args, kwargs)] = uvicorn_aanroepen
    assert args == ("api.app:create_app",)
    assert kwargs["factory"] is True
    assert (kwargs["host"], kwargs["port"]) == ("127.0.0.1", 8123)
    # No forwarded header is trusted unless a proxy is named.
    assert (kwargs["proxy_headers"], kwargs["forwarded_allow_ips"]) == (False, "")


def test_serve_achter_een_proxy_vertrouwt_alleen_die_proxy(
    monkeypatch: pytest.MonkeyPatch, uvicorn_aanroepen: list[Any]
) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)
    monkeypatch.setenv("ZORGROUTE_ID_SLEUTEL", secrets.token_urlsafe(32))

    resultaat = runner.invoke(app, ["serve", "--proxy", "127.0.0.2"])

    assert resultaat.exit_code == 0, resultaat.output
    [(_, kwargs)] = uvicorn_aanroepen
    assert (kwargs["proxy_headers"], kwargs["forwarded_allow_ips"]) == (True, "127.0.0.2")


def test_serve_met_ongeldige_database_url_zegt_waarom(
    monkeypatch: pytest.MonkeyPatch, uvicorn_aanroepen: list[Any]
) -> None:
    monkeypatch.setenv("ZORGROUTE_DATABASE_URL", "mysql://ergens/db")

    resultaat = runner.invoke(app, ["serve"])

    assert resultaat.exit_code == 2
    assert "ZORGROUTE_DATABASE_URL" in resultaat.stderr
    assert uvicorn_aanroepen == []


def test_token_wordt_door_de_api_geaccepteerd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)
    opties = ["--sub", "m-jansen", "--naam", "J. Jansen", "--rol", "mentor", "--school", "99XX"]

    resultaat = runner.invoke(app, ["token", *opties, "--klassen", "H3A,H3B", "--klassen", "V1A"])

    assert resultaat.exit_code == 0, resultaat.output
    token = resultaat.stdout.strip()
    assert resultaat.stdout.count("\n") == 1, "alleen het token, zodat $(...) het vangt"
    claims = decodeer_token(token, Settings(jwt_secret=SecretStr(GEHEIM)))
    assert claims["sub"] == "m-jansen"
    assert claims["naam"] == "J. Jansen"
    assert claims["rol"] == "mentor"
    assert claims["school"] == "99XX"
    assert claims["klassen"] == ["H3A", "H3B", "V1A"]
    assert 479 * 60 <= claims["exp"] - claims["iat"] <= 480 * 60


def test_token_voor_swv_en_teamleider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)
    settings = Settings(jwt_secret=SecretStr(GEHEIM))

    swv = runner.invoke(
        app, ["token", "--sub", "s1", "--naam", "SWV", "--rol", "swv", "--scholen", "99XX,11AA"]
    )
    teamleider = ["--sub", "t1", "--naam", "TL", "--rol", "teamleider", "--school", "99XX"]
    tl = runner.invoke(app, ["token", *teamleider, "--afdeling", "havo", "--geldig-minuten", "5"])

    assert decodeer_token(swv.stdout.strip(), settings)["scholen"] == ["99XX", "11AA"]
    claims = decodeer_token(tl.stdout.strip(), settings)
    assert claims["afdeling"] == "havo"
    assert claims["exp"] - claims["iat"] == 300


def test_token_zonder_geheim_weigert_duidelijk() -> None:
    resultaat = runner.invoke(
        app, ["token", "--sub", "m", "--naam", "M", "--rol", "mentor", "--school", "99XX"]
    )

    assert resultaat.exit_code == 2
    assert "ZORGROUTE_JWT_SECRET" in resultaat.stderr
    assert resultaat.stdout == ""


@pytest.mark.parametrize(
    ("opties", "verwacht"),
    [
        (["--rol", "directeur", "--school", "99XX"], "onbekende rol"),
        (["--rol", "mentor"], "--school"),
        (["--rol", "swv"], "--scholen"),
    ],
)
def test_token_weigert_onvolledige_claims(
    monkeypatch: pytest.MonkeyPatch, opties: list[str], verwacht: str
) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)

    resultaat = runner.invoke(app, ["token", "--sub", "x", "--naam", "X", *opties])

    assert resultaat.exit_code == 2
    assert verwacht in resultaat.stderr
    assert resultaat.stdout == ""


def test_seed_demo_zonder_id_sleutel_weigert() -> None:
    resultaat = runner.invoke(app, ["seed-demo"])

    assert resultaat.exit_code == 2
    assert "ZORGROUTE_ID_SLEUTEL" in resultaat.stderr
