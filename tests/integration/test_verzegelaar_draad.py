"""The projector seals as it runs: the composition root hands the runner the sealer, with
the deployment's own settings (its database and ZORGROUTE_KETEN_SLEUTEL)."""

from __future__ import annotations

import threading

from pydantic import SecretStr

from api.samenstelling import bouw_runner
from domain.opdrachten import SignaalVerzoek
from infrastructure.installatie import installeer
from infrastructure.settings import Settings
from infrastructure.zegels import Zegels
from tests.integration.conftest import ZORGCOORDINATOR, maak_service, signaal


def test_a_started_runner_seals_the_events_with_the_deployments_key(settings: Settings) -> None:
    met_sleutel = settings.model_copy(update={"keten_sleutel": SecretStr("k" * 32)})
    installeer(met_sleutel)
    service = maak_service(met_sleutel)
    runner = bouw_runner(met_sleutel, service)
    try:
        service.meld_signaal(ZORGCOORDINATOR, SignaalVerzoek.model_validate(signaal()))
        runner.start()
        zegels, gezien = Zegels.van_settings(met_sleutel), threading.Event()
        for _ in range(100):  # the first round seals at once; bounded, never a fixed sleep
            if zegels.laatste("gebeurtenis_zegels")[0] >= 2:
                gezien.set()
                break
            gezien.wait(0.05)
        assert gezien.is_set(), "geen zegel gezet"
    finally:
        runner.stop()
        runner.opslag.sluit()
        service.close()


def test_without_a_key_the_runner_starts_no_sealer(settings: Settings) -> None:
    service = maak_service(settings)
    runner = bouw_runner(settings, service)
    try:
        runner.start()
        assert "zegels" not in {d.name for d in threading.enumerate()}
    finally:
        runner.stop()
        runner.opslag.sluit()
        service.close()
