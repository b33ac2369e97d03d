"""Generate realistic care files (through the domain's own commands and the
application's own mapper) until the log holds `--events` events.

    .venv/bin/python -m bench.genereer --events 1000000 [--processen 2]
"""

from __future__ import annotations

import multiprocessing
import time

from application.synthetisch import genereer
from bench.gemeenschappelijk import argumenten, service_voor, settings_voor
from infrastructure.settings import Settings


def vul(
    service: object, doel: int, scholen: int = 8, *, deel: int = 0, delen: int = 1
) -> tuple[int, float]:
    """Generate rounds until the log holds `doel` events; with `delen` > 1 this process
    takes rounds deel, deel + delen, ... (another process the others)."""
    begin = time.perf_counter()
    # About 11 events per pupil: rounds small enough not to overshoot a small target much.
    stap = max(5, min(2000, doel // (scholen * 11 * delen)))
    ronde = deel
    while (service.opslag.recorder.max_notification_id() or 0) < doel:  # type: ignore[attr-defined]
        # Each round is a new school year of new pupils, so ids never collide.
        genereer(service, scholen=scholen, leerlingen=stap, seed=ronde, per_save=500, ronde=ronde)  # type: ignore[arg-type]
        ronde += delen
    return int(service.opslag.recorder.max_notification_id() or 0), time.perf_counter() - begin  # type: ignore[attr-defined]


def _vul_deel(settings: Settings, doel: int, deel: int, delen: int) -> None:
    service = service_voor(settings)
    try:
        vul(service, doel, deel=deel, delen=delen)
    finally:
        service.close()


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--processen", type=int, default=1, help="processen die rondes delen")
    args = parser.parse_args()
    settings = settings_voor(args.database_url, args.schema or "bench_data", nieuw=True)
    begin = time.perf_counter()
    # spawn: a fork would copy the parent's connection pool.
    with multiprocessing.get_context("spawn").Pool(args.processen) as pool:
        pool.starmap(
            _vul_deel, [(settings, args.events, k, args.processen) for k in range(args.processen)]
        )
    duur = time.perf_counter() - begin
    service = service_voor(settings)
    try:
        aantal = int(service.opslag.recorder.max_notification_id() or 0)
    finally:
        service.close()
    print(f"genereer: {aantal} gebeurtenissen in {duur:.1f} s = {aantal / duur:,.0f}/s")


if __name__ == "__main__":
    main()
