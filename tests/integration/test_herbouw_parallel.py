"""A rebuild shared out over several processes gives the same rows as one process."""

from __future__ import annotations

from api.samenstelling import bouw_runner
from application.synthetisch import genereer
from infrastructure.settings import Settings
from projections import beheer
from tests.integration.conftest import maak_service
from tests.integration.test_projector_herstart import _alle_rijen


def test_a_rebuild_in_three_processes_equals_one_in_a_single_process(settings: Settings) -> None:
    service = maak_service(settings)
    genereer(service, leerlingen=120, seed=11)
    runner = bouw_runner(settings, service)
    try:
        totaal = int(service.opslag.recorder.max_notification_id() or 0)
        assert beheer.herbouw_alle(runner) == totaal
        enkel = _alle_rijen(runner.opslag)

        # Three, so that a share is not simply "the odd files"; on SQLite this falls
        # back to one process (one writer at a time), and must still be right.
        gemeld: list[tuple[int, int]] = []
        positie = beheer.herbouw_alle(
            runner, voortgang=lambda p, e: gemeld.append((p, e)), processen=3
        )

        assert positie == totaal
        assert _alle_rijen(runner.opslag) == enkel
        assert all(rijen for rijen in enkel.values())
        assert gemeld and gemeld[-1][0] == totaal
    finally:
        runner.opslag.sluit()
        service.close()
