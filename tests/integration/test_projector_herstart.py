"""A projector killed with SIGKILL in the middle of catching up resumes without missing or
double-counting anything: after restarts at several kill points, every view equals a
rebuild from scratch, row for row (both backends)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from api.samenstelling import bouw_runner
from application.synthetisch import genereer
from infrastructure.settings import Settings
from projections import beheer
from projections.opslag import Opslag
from projections.samenstelling import alle_projecties
from tests.integration.conftest import maak_service

ROOT = Path(__file__).resolve().parents[2]


def _start_projector(settings: Settings) -> subprocess.Popen[bytes]:
    assert settings.id_sleutel is not None
    omgeving = {
        **os.environ,
        "ZORGROUTE_DATABASE_URL": settings.database_url,
        "ZORGROUTE_ID_SLEUTEL": settings.id_sleutel.get_secret_value(),
        # Small batches: many commit points, so a kill lands between commits.
        "ZORGROUTE_PROJECTIE_BATCH": "10",
        "ZORGROUTE_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "projector"],
        cwd=ROOT,
        env=omgeving,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _posities(opslag: Opslag) -> dict[str, int]:
    try:
        with opslag.lezen() as cur:
            rijen = cur.execute("SELECT naam, positie FROM projectie_status").fetchall()
    except Exception:
        return {}  # the projector has not created its tables yet
    return {r["naam"]: int(r["positie"]) for r in rijen}


def _wacht(opslag: Opslag, klaar: Any, timeout: float = 90.0) -> dict[str, int]:
    einde = time.monotonic() + timeout
    while time.monotonic() < einde:
        posities = _posities(opslag)
        if posities and klaar(posities):
            return posities
        time.sleep(0.002)
    raise AssertionError(f"projector kwam niet zo ver: {_posities(opslag)}")


def _alle_rijen(opslag: Opslag) -> dict[str, list[tuple[Any, ...]]]:
    uitkomst: dict[str, list[tuple[Any, ...]]] = {}
    with opslag.lezen() as cur:
        for projectie in alle_projecties():
            for tabel in projectie.tabellen:
                rijen = cur.execute(f"SELECT * FROM {projectie.t(tabel)}").fetchall()
                uitkomst[tabel] = sorted(tuple(sorted(r.items())) for r in rijen)
    return uitkomst


def test_a_killed_projector_resumes_and_its_views_equal_a_rebuild(settings: Settings) -> None:
    service = maak_service(settings)
    genereer(service, leerlingen=250, seed=7)
    totaal = int(service.opslag.recorder.max_notification_id() or 0)
    runner = bouw_runner(settings, service)
    opslag = runner.opslag
    try:
        for fractie in (0.15, 0.45, 0.8):
            projector = _start_projector(settings)
            try:
                posities = _wacht(opslag, lambda p, f=fractie: max(p.values()) >= f * totaal)
            finally:
                projector.send_signal(signal.SIGKILL)
                projector.wait(timeout=30)
            # Killed while catching up, not after: the kill point really was mid-stream.
            assert min(posities.values()) < totaal, posities

        projector = _start_projector(settings)
        try:
            _wacht(opslag, lambda p: len(p) == len(runner.projecties) and min(p.values()) >= totaal)
        finally:
            projector.send_signal(signal.SIGTERM)
            projector.wait(timeout=30)

        bijgehouden = _alle_rijen(opslag)
        for naam in runner.projecties:
            beheer.herbouw(runner, naam)
        assert _alle_rijen(opslag) == bijgehouden
        assert all(rijen for rijen in bijgehouden.values() if rijen is not None)
    finally:
        opslag.sluit()
        service.close()
