"""A seconds-long run of every benchmark, so the harness in bench/ never rots."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

from bench import partities
from bench.gemeenschappelijk import service_voor, settings_voor
from bench.genereer import vul
from bench.herbouw import herbouw
from bench.inproces import inproces
from bench.opdrachten import opdrachten
from bench.plafond import APPS, plafond
from bench.toegang import toegang
from bench.vragen import vragen


def test_every_benchmark_runs_on_a_small_data_set(postgres_url: str) -> None:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    service = service_voor(settings_voor(postgres_url, schema, nieuw=True))
    try:
        aantal, _ = vul(service, 400, scholen=1)
    finally:
        service.close()
    assert aantal >= 400

    assert herbouw(postgres_url, schema)["gebeurtenissen"] == aantal
    uitkomst = vragen(postgres_url, schema, herhalingen=3)
    assert set(uitkomst) >= {"dossier", "agenda_ozs", "werkvoorraad", "trends", "verantwoording"}
    assert all(m["p50"] > 0 for m in uitkomst.values())
    verschil = toegang(postgres_url, schema, herhalingen=5)
    assert {"met_log", "zonder_log"} <= set(verschil)


def test_the_command_benchmark_runs_against_a_served_api(postgres_url: str, tmp_path: Path) -> None:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    (meting,) = opdrachten(
        postgres_url, schema, clients=[2], workers=1, seconden=2, profiel=tmp_path
    )

    assert meting["opdrachten"] > 0 and meting["fouten"] == {}
    assert meting["latentie_ms"]["p50"] > 0
    assert meting["cpu_ms_per_opdracht"]["api"] > 0
    assert meting["per_transactie"] >= 1  # never more transactions than commands
    assert meting["api_piek_rss_mb"] > 0
    # A profile of each process under the load (too short here to say much more).
    for naam in ("api", "projector"):
        assert re.match(
            rf"{naam}-2\.raw: [1-9]\d* monsters", (tmp_path / f"{naam}-2.txt").read_text()
        )


def test_the_partition_benchmark_runs_with_and_without_group_commit(postgres_url: str) -> None:
    for groep in (False, True):
        meting = partities.meet(
            postgres_url, 1, 2, 0.5, groep, schema_voorvoegsel=f"bench_{uuid.uuid4().hex[:12]}"
        )
        assert meting["saves_per_seconde"] > 0
        assert meting["save_ms_alleen"]["p50"] > 0


def test_the_ceiling_benchmark_loads_every_bare_web_stack(postgres_url: str) -> None:
    metingen = plafond(postgres_url, f"bench_{uuid.uuid4().hex[:12]}", clients=[2], seconden=1)
    assert [m["app"] for m in metingen] == list(APPS)
    for meting in metingen:
        assert meting["opdrachten"] > 0 and meting["fouten"] == {}
        assert meting["cpu_ms_per_verzoek"] > 0


def test_the_in_process_command_load_runs(postgres_url: str) -> None:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    rondes = asyncio.run(inproces(postgres_url, schema, opdrachten=30, clients=2))
    assert len(rondes) == 3 and all(cpu > 0 for cpu in rondes)
