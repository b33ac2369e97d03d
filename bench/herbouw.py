"""Rebuild every view from the whole log (data from `bench.genereer`) and report events/s.

.venv/bin/python -m bench.herbouw [--processen 2]
"""

from __future__ import annotations

import resource
import time

from api.samenstelling import bouw_runner
from bench.gemeenschappelijk import argumenten, service_voor, settings_voor
from projections import beheer

DOEL_MINIMUM = 20_000  # issue 3
DOEL = 50_000  # issues 3 and 5


def herbouw(database_url: str, schema: str, processen: int = 1) -> dict[str, float]:
    settings = settings_voor(database_url, schema, nieuw=False)
    service = service_voor(settings)
    runner = bouw_runner(settings, service)
    try:
        aantal = int(service.opslag.recorder.max_notification_id() or 0)
        begin = time.perf_counter()
        beheer.herbouw_alle(runner, processen=processen)
        duur = time.perf_counter() - begin
    finally:
        runner.opslag.sluit()
        service.close()
    return {
        "gebeurtenissen": aantal,
        "seconden": round(duur, 2),
        "per_seconde": round(aantal / duur),
        "processen": processen,
        # The largest of this process and its worker processes (ru_maxrss is a maximum).
        "piek_rss_mb": round(
            max(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            )
            / 1024
        ),
    }


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--processen", type=int, default=1, help="processen die de bestanden delen")
    args = parser.parse_args()
    uitkomst = herbouw(args.database_url, args.schema or "bench_data", args.processen)
    snelheid = uitkomst["per_seconde"]
    print(
        f"herbouw ({uitkomst['processen']} proces(sen)): {uitkomst['gebeurtenissen']} gebeurtenissen in {uitkomst['seconden']} s = "
        f"{snelheid:,.0f}/s (minimum {DOEL_MINIMUM:,}: {snelheid / DOEL_MINIMUM:.2f}x, "
        f"doel {DOEL:,}: {snelheid / DOEL:.2f}x); piek-RSS {uitkomst['piek_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
