"""The database c48706c wrote (tests/fixtures/c48706c), its answers of then, and the means
to compare: what `test_opslag_van_c48706c` checks with."""

from __future__ import annotations

import gzip
import json
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli_app
from infrastructure.auth import maak_token
from infrastructure.persistence import postgres_doel
from infrastructure.settings import Settings

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "c48706c"
BESTANDEN = ("zorgroute.sqlite", "zorgroute.toegangslog.sqlite")
# The fixture's own keys (README): the file ids are derived with the id key.
ID_SLEUTEL = "fixture-id-sleutel-c48706c"
JWT_GEHEIM = "fixture-jwt-geheim-c48706c-0123456789"
KETEN_SLEUTEL = "fixture-ketensleutel-na-c48706c"
API = "/api/v1"
SCHOOL = "99XX"


@cache
def antwoorden() -> dict[str, Any]:
    with gzip.open(FIXTURE / "antwoorden.json.gz", "rt", encoding="utf-8") as f:
        return dict(json.load(f))


def verschillen(toen: Any, nu: Any, pad: str = "") -> list[str]:
    """Where `nu` does not hold `toen`: a key gone, a value changed, a list of another
    length. Keys only `nu` has are no difference."""
    if isinstance(toen, dict):
        if not isinstance(nu, dict):
            return [f"{pad}: {toen!r} werd {nu!r}"]
        return [
            fout
            for sleutel, waarde in toen.items()
            for fout in (
                verschillen(waarde, nu[sleutel], f"{pad}.{sleutel}")
                if sleutel in nu
                else [f"{pad}.{sleutel}: ontbreekt"]
            )
        ]
    if isinstance(toen, list):
        if not isinstance(nu, list) or len(nu) != len(toen):
            return [f"{pad}: {toen!r} werd {nu!r}"]
        return [
            fout
            for i, (a, b) in enumerate(zip(toen, nu, strict=True))
            for fout in verschillen(a, b, f"{pad}[{i}]")
        ]
    return [] if toen == nu else [f"{pad}: {toen!r} werd {nu!r}"]


def gelijk_aan_toen(toen: Any, nu: Any, wat: str) -> None:
    fouten = verschillen(toen, nu)
    assert not fouten, f"{wat} anders dan c48706c antwoordde:\n" + "\n".join(fouten[:20])


def lijst_zoals_nu_bedoeld(toen: dict[str, Any]) -> dict[str, Any]:
    """The case list of c48706c with the one change made on purpose since: an anonymous
    file is listed under its pseudonym alone, without its class, department or year
    (issue 13, docs/toegang.md "Anonieme dossiers")."""
    verborgen = dict.fromkeys(("naam", "klas", "afdeling", "leerjaar"))
    items = [{**i, **verborgen} if i["anoniem"] else i for i in toen["items"]]
    assert len(items) - sum(i is j for i, j in zip(items, toen["items"], strict=True)) == 1
    return {**toen, "items": items}


def zet_over(map: Path, basis: str, schema: str) -> None:
    with (
        sqlite3.connect(map / "zorgroute.sqlite") as gebeurtenissen,
        sqlite3.connect(map / "zorgroute.toegangslog.sqlite") as log,
        psycopg.connect(basis, options=f"-c search_path={schema}") as pg,
        pg.cursor() as cur,
    ):
        # As a restore by the owner does: past the trigger that lets the log's head move
        # only one entry at a time.
        cur.execute("SET session_replication_role = replica")
        cur.executemany(
            "INSERT INTO zorgroute_events (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)",
            gebeurtenissen.execute(
                "SELECT originator_id, originator_version, topic, state FROM stored_events "
                "ORDER BY rowid"
            ).fetchall(),
        )
        rijen = log.execute("SELECT * FROM toegangslog ORDER BY volgnummer").fetchall()
        plekken = ", ".join(["%s"] * len(rijen[0]))
        cur.executemany(f"INSERT INTO toegangslog VALUES ({plekken})", rijen)
        volgnummer, kop = log.execute("SELECT volgnummer, hash FROM toegangslog_kop").fetchone()
        cur.execute("UPDATE toegangslog_kop SET volgnummer = %s, hash = %s", (volgnummer, kop))


def gebeurtenissen(settings: Settings) -> list[tuple[str, int, str]]:
    """(originator_id, version, topic) of every stored event in log order, read past the
    library."""
    if settings.is_sqlite:
        pad = settings.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(pad) as verbinding:
            rijen = verbinding.execute(
                "SELECT originator_id, originator_version, topic FROM stored_events ORDER BY rowid"
            ).fetchall()
    else:
        doel = postgres_doel(settings.database_url)
        with psycopg.connect(**doel.verbinding(options=f"-c search_path={doel.schema}")) as pg:
            rijen = pg.execute(
                "SELECT originator_id, originator_version, topic FROM zorgroute_events "
                "ORDER BY notification_id"
            ).fetchall()
    return [(str(UUID(str(i))), int(v), str(t)) for i, v, t in rijen]


def cli(settings: Settings, *args: str) -> tuple[int, str]:
    assert settings.keten_sleutel is not None
    env = {
        "ZORGROUTE_DATABASE_URL": settings.database_url,
        "ZORGROUTE_ID_SLEUTEL": ID_SLEUTEL,
        "ZORGROUTE_JWT_SECRET": JWT_GEHEIM,
        "ZORGROUTE_KETEN_SLEUTEL": settings.keten_sleutel.get_secret_value(),
        "ZORGROUTE_LOG_LEVEL": "WARNING",
    }
    uitkomst = CliRunner().invoke(cli_app, list(args), env=env)
    return uitkomst.exit_code, uitkomst.output.strip()


class Medewerker:
    def __init__(self, client: TestClient, rol: str, sub: str, naam: str, **kw: Any) -> None:
        token = maak_token(JWT_GEHEIM, sub=sub, naam=naam, rol=rol, school=SCHOOL, **kw)
        self.client, self.koppen = client, {"Authorization": f"Bearer {token}"}

    def get(self, pad: str, status: int = 200, **kw: Any) -> httpx.Response:
        antwoord = self.client.get(
            API + pad, headers={**self.koppen, **kw.pop("headers", {})}, **kw
        )
        assert antwoord.status_code == status, (pad, antwoord.status_code, antwoord.text)
        return antwoord

    def post(self, pad: str, body: Any, koppen: dict[str, str]) -> httpx.Response:
        return self.client.post(API + pad, json=body, headers={**self.koppen, **koppen})


def zc(client: TestClient) -> Medewerker:
    # The demo's coordinator, who made the idempotent requests of the fixture.
    return Medewerker(client, "zorgcoordinator", "zc-devries", "A. de Vries")
