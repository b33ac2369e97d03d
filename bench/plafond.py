"""The ceiling under the command figure: the same load generator (`bench.last`) against
the web stack alone — bare ASGI under uvicorn, and FastAPI with a plain `def` and with an
`async def` route (`bench/plafond_apps.py`) — none with a token, rules or a database,
next to pgbench on the same database in the same run. One uvicorn worker, as the API.

    .venv/bin/python -m bench.plafond --clients 8
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from bench.gemeenschappelijk import argumenten, settings_voor
from bench.opdrachten import WORTEL, cpu_seconden, pgbench, vrije_poort

APPS = ("kaal", "fastapi_async", "fastapi_def")


def _wacht_op_poort(poort: int, proces: subprocess.Popen[bytes]) -> None:
    einde = time.monotonic() + 30
    while time.monotonic() < einde:
        if proces.poll() is not None:
            raise RuntimeError(f"server gestopt met code {proces.returncode}")
        try:
            socket.create_connection(("127.0.0.1", poort), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"server op poort {poort} niet bereikbaar")


def meet_app(naam: str, clients: int, seconden: float) -> dict[str, Any]:
    poort = vrije_poort()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", f"bench.plafond_apps:{naam}", "--port", str(poort),
         "--log-level", "warning", "--no-access-log"],
        cwd=WORTEL, start_new_session=True,
    )  # fmt: skip
    try:
        _wacht_op_poort(poort, server)
        cpu_voor = cpu_seconden(server.pid)
        last = subprocess.run(
            [sys.executable, "-m", "bench.last", "--url", f"http://127.0.0.1:{poort}",
             "--token", "-", "--clients", str(clients), "--seconden", str(seconden)],
            cwd=WORTEL, capture_output=True, text=True, check=True,
        )  # fmt: skip
        meting: dict[str, Any] = json.loads(last.stdout.strip().splitlines()[-1])
        per = max(meting["opdrachten"], 1) / 1000
        meting["cpu_ms_per_verzoek"] = round((cpu_seconden(server.pid) - cpu_voor) / per, 3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return meting | {"app": naam, "clients": clients}


def plafond(
    database_url: str, schema: str, clients: list[int], seconden: float
) -> list[dict[str, Any]]:
    settings_voor(database_url, schema, nieuw=True)  # an empty schema for pgbench's table
    uitkomsten = []
    for aantal in clients:
        voor = pgbench(database_url, schema, aantal, seconden)
        metingen = [meet_app(naam, aantal, seconden) for naam in APPS]
        na = pgbench(database_url, schema, aantal, seconden)
        gemeten = [b for b in (voor, na) if b]
        basis = sum(gemeten) / len(gemeten) if gemeten else None
        for m in metingen:
            m["basislijn_voor_en_na"] = [voor, na]
            m["verhouding"] = round(m["per_seconde"] / basis, 3) if basis else None
        uitkomsten += metingen
    return uitkomsten


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--clients", type=int, nargs="+", default=[8])
    parser.add_argument("--seconden", type=float, default=10.0)
    args = parser.parse_args()
    for m in plafond(
        args.database_url, args.schema or "bench_plafond", args.clients, args.seconden
    ):
        basis = " / ".join(f"{b:,.0f}" for b in m["basislijn_voor_en_na"] if b)
        print(
            f"{m['clients']:>3} clients, {m['app']:<13}: {m['per_seconde']:,.0f} verzoeken/s "
            f"(p50 {m['latentie_ms']['p50']} ms); CPU {m['cpu_ms_per_verzoek']} ms/verzoek; "
            f"pgbench voor/na {basis}; verhouding {m['verhouding']}"
        )


if __name__ == "__main__":
    main()
