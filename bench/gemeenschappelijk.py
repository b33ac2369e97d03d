"""What every benchmark shares: a database to measure on, the service (from the
composition root, api/samenstelling.py), and percentiles."""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg
from pydantic import SecretStr

from api.samenstelling import bouw_service
from application.service import Zorgroute
from infrastructure.settings import Settings

STANDAARD_URL = "postgresql://postgres@127.0.0.1:5432/test"


def argumenten(beschrijving: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=beschrijving)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("ZORGROUTE_BENCH_DATABASE_URL", STANDAARD_URL),
        help="PostgreSQL (of sqlite:///pad) om op te meten; een schema per benchmark",
    )
    parser.add_argument("--schema", default=None, help="schema (standaard: bench_<naam>)")
    return parser


def settings_voor(database_url: str, schema: str | None, *, nieuw: bool) -> Settings:
    """Settings on a schema of its own; `nieuw` empties it first."""
    url = database_url
    if url.startswith("postgres") and schema:
        if nieuw:
            with psycopg.connect(url, autocommit=True) as verbinding:
                verbinding.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                verbinding.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{url}{'&' if urlsplit(url).query else '?'}schema={schema}"
    return Settings(
        database_url=url,
        jwt_secret=SecretStr(os.environ.get("ZORGROUTE_JWT_SECRET") or secrets.token_urlsafe(32)),
        # A fixed key: a later benchmark on the same data must derive the same file ids.
        id_sleutel=SecretStr(os.environ.get("ZORGROUTE_ID_SLEUTEL") or "bench-sleutel-" + "x" * 32),
    )


def service_voor(settings: Settings, *, toegangslog: bool = False, **extra: Any) -> Zorgroute:
    """The service as the app builds it; without its access log unless asked, so that a
    benchmark of something else does not measure the log's writes."""
    return bouw_service(settings, toegangslog=toegangslog, **extra)


def schema_van(url: str) -> str | None:
    waarden = parse_qs(urlsplit(url).query).get("schema")
    return waarden[-1] if waarden else None


def meet(functie: Callable[[], Any], herhalingen: int, opwarmen: int = 3) -> dict[str, float]:
    """p50/p95/p99 in milliseconds of `herhalingen` calls (after a warm-up)."""
    for _ in range(opwarmen):
        functie()
    tijden = []
    for _ in range(herhalingen):
        begin = time.perf_counter()
        functie()
        tijden.append((time.perf_counter() - begin) * 1000)
    return percentielen(tijden)


def percentielen(tijden: list[float]) -> dict[str, float]:
    tijden = sorted(tijden)
    if len(tijden) < 2:
        waarde = tijden[0] if tijden else 0.0
        return {"p50": waarde, "p95": waarde, "p99": waarde, "n": len(tijden)}
    kwantielen = statistics.quantiles(tijden, n=100, method="inclusive")
    return {
        "p50": round(kwantielen[49], 2),
        "p95": round(kwantielen[94], 2),
        "p99": round(kwantielen[98], 2),
        "n": len(tijden),
    }
