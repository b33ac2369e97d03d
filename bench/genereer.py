"""Generate realistic care files (through the domain's own commands and the
application's own mapper) until the log holds `--events` events.

    .venv/bin/python -m bench.genereer --events 1000000
"""

from __future__ import annotations

import time

from application.synthetisch import genereer
from bench.gemeenschappelijk import argumenten, service_voor, settings_voor


def vul(service: object, doel: int, scholen: int = 8) -> tuple[int, float]:
    begin = time.perf_counter()
    # About 11 events per pupil: rounds small enough not to overshoot a small target much.
    stap = max(5, min(2000, doel // (scholen * 11)))
    ronde = 0
    while (service.recorder.max_notification_id() or 0) < doel:  # type: ignore[attr-defined]
        # Each round is a new school year of new pupils, so ids never collide.
        genereer(service, scholen=scholen, leerlingen=stap, seed=ronde, per_save=500, ronde=ronde)  # type: ignore[arg-type]
        ronde += 1
    return int(service.recorder.max_notification_id() or 0), time.perf_counter() - begin  # type: ignore[attr-defined]


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    settings = settings_voor(args.database_url, args.schema or "bench_data", nieuw=True)
    service = service_voor(settings)
    try:
        aantal, duur = vul(service, args.events)
    finally:
        service.close()
    print(f"genereer: {aantal} gebeurtenissen in {duur:.1f} s = {aantal / duur:,.0f}/s")


if __name__ == "__main__":
    main()
