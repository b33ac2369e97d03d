"""The same events give the same views on SQLite and on PostgreSQL, row for row."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from api.samenstelling import bouw_runner
from application.synthetisch import genereer
from infrastructure.settings import Settings
from projections.samenstelling import alle_projecties
from tests.conftest import _tijdelijk_schema
from tests.integration.conftest import maak_service


def _bouw_en_lees(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    service = maak_service(settings)
    runner = bouw_runner(settings, service)
    try:
        genereer(service, leerlingen=120, seed=3)
        runner.verwerk_beschikbaar()
        uitkomst = {}
        with runner.opslag.lezen() as cur:
            for projectie in alle_projecties():
                for tabel in projectie.tabellen:
                    rijen = cur.execute(f"SELECT * FROM {projectie.t(tabel)}").fetchall()
                    uitkomst[tabel] = sorted(tuple(sorted(r.items())) for r in rijen)
        return uitkomst
    finally:
        runner.opslag.sluit()
        service.close()


def test_sqlite_and_postgres_build_identical_views(postgres_url: str, tmp_path: Path) -> None:
    sleutels = {
        "jwt_secret": SecretStr(secrets.token_urlsafe(32)),
        "id_sleutel": SecretStr(secrets.token_urlsafe(32)),
    }
    op_sqlite = _bouw_en_lees(
        Settings(database_url=f"sqlite:///{tmp_path / 'z.sqlite'}", **sleutels)
    )
    with _tijdelijk_schema(postgres_url) as schema:
        op_postgres = _bouw_en_lees(
            Settings(database_url=f"{postgres_url}?schema={schema}", **sleutels)
        )

    assert op_sqlite.keys() == op_postgres.keys()
    for tabel, rijen in op_sqlite.items():
        assert rijen, tabel
        assert rijen == op_postgres[tabel], tabel
