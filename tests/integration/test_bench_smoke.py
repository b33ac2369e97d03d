"""A seconds-long run of every benchmark, so the harness in bench/ never rots."""

from __future__ import annotations

import uuid

from bench.gemeenschappelijk import service_voor, settings_voor
from bench.genereer import vul
from bench.herbouw import herbouw
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
