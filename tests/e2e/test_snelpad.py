"""The command routes' short way in (api/snelpad.py) answers exactly as FastAPI's own
routes do: the same requests, to an app with it and to one without it on a twin
database, give the same status, headers and body, refusals included."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.opdracht import OpdrachtDep
from api.snelpad import Opdrachtroutes, Snelpad
from infrastructure.auth import maak_token
from infrastructure.settings import Settings
from tests.e2e.conftest import API, SCHOOL, leerling, signaal

ONBEKEND = "0b0e7c1e-1111-4222-8333-444455556666"


def _zonder_snelpad(app: FastAPI) -> FastAPI:
    app.user_middleware[:] = [m for m in app.user_middleware if m.cls is not Snelpad]
    return app


@pytest.fixture
def tweeling(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient, str]]:
    sleutels = {k: SecretStr(secrets.token_urlsafe(32)) for k in ("jwt_secret", "id_sleutel")}
    apps = [
        create_app(Settings(database_url=f"sqlite:///{tmp_path / 'met.sqlite'}", **sleutels)),
        _zonder_snelpad(
            create_app(Settings(database_url=f"sqlite:///{tmp_path / 'zonder.sqlite'}", **sleutels))
        ),
    ]
    token = maak_token(
        sleutels["jwt_secret"].get_secret_value(), sub="zc-1", naam="Zorgcoördinator",
        rol="zorgcoordinator", school=SCHOOL,
    )  # fmt: skip
    with TestClient(apps[0]) as met, TestClient(apps[1]) as zonder:
        yield met, zonder, token


def _zelfde(
    tweeling: tuple[TestClient, TestClient, str],
    pad: str,
    inhoud: bytes,
    koppen: dict[str, str],
) -> Any:
    """Send one request to both apps; assert the same answer; return it."""
    met, zonder, token = tweeling
    koppen = {"Authorization": f"Bearer {token}", **koppen}
    antwoorden = [
        c.post(API + pad, content=inhoud, headers=koppen, follow_redirects=False)
        for c in (met, zonder)
    ]
    a, b = ({k: v for k, v in x.headers.items() if k != "x-request-id"} for x in antwoorden)
    assert (antwoorden[0].status_code, a, antwoorden[0].content) == (
        antwoorden[1].status_code,
        b,
        antwoorden[1].content,
    ), pad
    return antwoorden[0]


def _json(waarde: Any) -> bytes:
    return orjson.dumps(waarde)


JSON = {"Content-Type": "application/json"}
GESPREK = {"met": "leerling", "datum": "2025-02-03", "samenvatting": "Gesprek."}
ZAT = {"datum": "2025-03-01", "hulpvraag": "Integraal", "ketenpartners": ["wijkteam"]}


def _logregels(tekst: str) -> list[dict[str, Any]]:
    """The access log lines, without what differs from request to request anyway."""
    regels = [orjson.loads(r) for r in tekst.splitlines() if r.startswith("{")]
    return [
        {k: v for k, v in r.items() if k not in ("request_id", "duration_ms", "timestamp")}
        for r in regels
        if r.get("event") == "verzoek_afgehandeld"
    ]


def test_commands_and_their_refusals_answer_and_log_as_fastapi_alone(
    tweeling: tuple[TestClient, TestClient, str], capsys: pytest.CaptureFixture[str]
) -> None:
    nieuw = _zelfde(tweeling, "/signalen", _json(signaal(leerling())), JSON)
    assert nieuw.status_code == 201
    casus = nieuw.json()["casus_id"]
    assert _zelfde(tweeling, "/signalen", _json(signaal(leerling())), JSON).status_code == 201
    dossier = f"/casussen/{casus}"
    gesprek = _json(GESPREK)
    for pad, inhoud, koppen in [
        (f"{dossier}/gesprekken", gesprek, JSON),
        (f"{dossier}/gesprekken", gesprek, {"Content-Type": "application/json; charset=utf-8"}),
        (f"{dossier}/gesprekken", gesprek, {"Content-Type": "APPLICATION/JSON"}),
        (f"{dossier}/gesprekken", gesprek, {"Content-Type": "text/plain"}),
        (f"{dossier}/gesprekken", gesprek, {}),
        (f"{dossier}/gesprekken", b"", JSON),
        (f"{dossier}/gesprekken", b"{niet json", JSON),
        (f"{dossier}/gesprekken", b"[1, 2]", JSON),
        (f"{dossier}/gesprekken", b'{"met": NaN}', JSON),
        (f"{dossier}/gesprekken", b'{"met": 123456789012345678901234567890}', JSON),
        (f"{dossier}/gesprekken", b"[" * 5000 + b"]" * 5000, JSON),
        (f"{dossier}/gesprekken", _json({**GESPREK, "met": "buurman"}), JSON),
        (f"{dossier}/gesprekken", _json({**GESPREK, "onbekend": 1}), JSON),
        (f"{dossier}/gesprekken", b"x" * (2 * 1024 * 1024), JSON),
        (f"/casussen/{casus.upper()}/gesprekken", gesprek, JSON),
        (f"/casussen/{casus.replace('-', '')}/gesprekken", gesprek, JSON),
        (f"/casussen/{{{casus}}}/gesprekken", gesprek, JSON),
        ("/casussen/geen-uuid/gesprekken", gesprek, JSON),
        (f"/casussen/{ONBEKEND}/gesprekken", gesprek, JSON),
        (f"{dossier}/gesprekken/", gesprek, JSON),
        (f"{dossier}/onbekende-handeling", gesprek, JSON),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "If-Match": "geen versie"}),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "If-Match": '"1"'}),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "Idempotency-Key": "k" * 300}),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "Idempotency-Key": "een"}),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "Idempotency-Key": "een"}),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "X-Namens": "x" * 500}),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "Authorization": "Bearer onzin"}),
        (f"{dossier}/gesprekken", gesprek, {**JSON, "Authorization": ""}),
        (f"{dossier}/kernteambesprekingen", _json({"datum": "2025-02-10", "advies": "A."}), JSON),
        (f"{dossier}/zat-verwijzing", _json(ZAT), JSON),
        (f"{dossier}/signalen", _json(signaal()), JSON),
        (f"{dossier}/ouders-geinformeerd", _json({"datum": "2025-02-04", "wijze": "telefoon"}), JSON),
    ]:  # fmt: skip
        _zelfde(tweeling, pad, inhoud, koppen)

    regels = _logregels(capsys.readouterr().out)
    assert len(regels) == 2 * 35
    assert regels[0::2] == regels[1::2]  # each request went to both apps in turn


def test_a_well_formed_command_does_not_pass_fastapis_dependency_solver(
    tweeling: tuple[TestClient, TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    met, _, token = tweeling
    koppen = {"Authorization": f"Bearer {token}"}
    casus = met.post(API + "/signalen", json=signaal(leerling()), headers=koppen).json()["casus_id"]

    def niet(*_: Any, **__: Any) -> None:
        raise AssertionError("FastAPI's dependency solver ran")

    monkeypatch.setattr("fastapi.routing.solve_dependencies", niet)
    antwoord = met.post(f"{API}/casussen/{casus}/gesprekken", json=GESPREK, headers=koppen)
    assert antwoord.status_code == 201, antwoord.text


def test_a_route_that_takes_more_than_a_command_is_refused_at_start_up() -> None:
    router = APIRouter()

    @router.post("/casussen/{casus_id}/iets")
    async def iets(
        casus_id: str, verzoek: dict[str, Any], request: Request, opdracht: OpdrachtDep, extra: int
    ) -> Response:
        raise NotImplementedError

    with pytest.raises(ValueError, match="geen opdrachtroute"):
        Opdrachtroutes([router])


def test_a_streamed_body_is_read_and_limited_as_by_fastapi_alone(
    tweeling: tuple[TestClient, TestClient, str],
) -> None:
    koppen = {"Authorization": f"Bearer {tweeling[2]}", **JSON}
    casus = _zelfde(tweeling, "/signalen", _json(signaal(leerling())), JSON).json()["casus_id"]
    gesprek = _json(GESPREK)
    # Without Content-Length, in pieces: under the limit it is a command, over it a 413.
    for stukken, status in (
        ([gesprek[:10], gesprek[10:]], 201),
        ([b"x" * 700_000, b"x" * 700_000], 413),
    ):
        antwoorden = [
            c.post(f"{API}/casussen/{casus}/gesprekken", content=iter(stukken), headers=koppen)
            for c in tweeling[:2]
        ]
        assert [a.status_code for a in antwoorden] == [status, status]
        assert antwoorden[0].json() == antwoorden[1].json()


def test_while_the_database_is_away_a_command_gets_the_apps_503(
    tweeling: tuple[TestClient, TestClient, str],
) -> None:
    met, zonder, _ = tweeling
    for client in (met, zonder):
        weg = threading.Event()
        weg.set()
        client.app.state.databasewacht = SimpleNamespace(weg=weg)  # type: ignore[attr-defined]
    antwoord = _zelfde(tweeling, f"/casussen/{ONBEKEND}/gesprekken", _json(GESPREK), JSON)
    assert antwoord.status_code == 503
    assert antwoord.json()["code"] == "database_onbereikbaar"
