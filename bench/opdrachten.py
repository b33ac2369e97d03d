"""Command throughput over HTTP on PostgreSQL: the API started the way users run it
(`zorgroute serve`, plus `zorgroute projector`), load from a separate process, next to
a raw one-row-insert baseline (pgbench) on the same database in the same run.

    .venv/bin/python -m bench.opdrachten --workers 1 --clients 8 32
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.gemeenschappelijk import argumenten, schema_van, settings_voor
from bench.profiel import profileer, samenvatting
from infrastructure.auth import maak_token
from infrastructure.persistence import postgres_doel

WORTEL = Path(__file__).resolve().parents[1]


def vrije_poort() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(args: list[str], omgeving: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as uit:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", *args], cwd=WORTEL, env=omgeving,
            stdout=uit, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _rss_mb(pid: int) -> float:
    """Peak RSS of a process and its children (uvicorn workers), in MB."""
    totaal = 0
    for kandidaat in [pid, *_kinderen(pid)]:
        try:
            for regel in Path(f"/proc/{kandidaat}/status").read_text().splitlines():
                if regel.startswith("VmHWM:"):
                    totaal = max(totaal, int(regel.split()[1]))
        except OSError:
            continue
    return round(totaal / 1024, 1)


def _proc_cpu(stat: Path) -> tuple[str, float] | None:
    """Name and user + system CPU seconds so far of the process behind a /proc/N/stat
    file, or None when it is gone."""
    try:
        tekst = stat.read_text()
    except OSError:
        return None
    naam, rest = tekst.split("(", 1)[1].rsplit(")", 1)
    velden = rest.split()
    # utime and stime: fields 14 and 15 of the whole line, 12 and 13 after the name.
    return naam, (int(velden[11]) + int(velden[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconden(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn workers) so far."""
    gelezen = (_proc_cpu(Path(f"/proc/{k}/stat")) for k in [pid, *_kinderen(pid)])
    return sum(cpu for _, cpu in filter(None, gelezen))


def _postgres_cpu() -> float | None:
    """User + system CPU so far of every process named `postgres` on this machine (the
    server's backends and helpers), or None where /proc cannot show them. Only meaningful
    while nothing else uses a local PostgreSQL: a backend that exits in between takes its
    CPU with it, so pgbench runs outside the window this is read around."""
    gelezen = filter(None, map(_proc_cpu, Path("/proc").glob("[0-9]*/stat")))
    cpu = [c for naam, c in gelezen if naam == "postgres"]
    return sum(cpu) if cpu else None


def _kinderen(pid: int) -> list[int]:
    try:
        tekst = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in tekst.split()]


def _logpositie(database_url: str) -> int:
    with psycopg.connect(_zonder_schema(database_url)) as verbinding:
        verbinding.execute(f"SET search_path TO {_schema(database_url)}")
        rij = verbinding.execute(
            "SELECT COALESCE(MAX(notification_id), 0) FROM zorgroute_events"
        ).fetchone()
    return int(rij[0]) if rij else 0


def _per_transactie(database_url: str, na: int, opdrachten: int) -> float | None:
    """Acknowledged commands per transaction that stored them: the group commit at work.
    Rows written by one transaction share its id (`xmin`), so counting the distinct ids
    of the new rows counts the transactions."""
    with psycopg.connect(_zonder_schema(database_url)) as verbinding:
        verbinding.execute(f"SET search_path TO {_schema(database_url)}")
        rij = verbinding.execute(
            "SELECT COUNT(DISTINCT xmin::text) FROM zorgroute_events WHERE notification_id > %s",
            [na],
        ).fetchone()
    transacties = int(rij[0]) if rij else 0
    return round(opdrachten / transacties, 2) if transacties else None


def _schema(database_url: str) -> str:
    return schema_van(database_url) or "public"


def _zonder_schema(database_url: str) -> str:
    return database_url.split("?", 1)[0]


def pgbench(database_url: str, schema: str, clients: int, seconden: float) -> float | None:
    """Raw one-row INSERT + commit per transaction; None when pgbench is not installed."""
    uitvoerbaar = shutil.which("pgbench") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    if uitvoerbaar is None:
        return None
    with psycopg.connect(database_url, autocommit=True) as verbinding:
        verbinding.execute(f'CREATE TABLE IF NOT EXISTS "{schema}".basislijn (x int)')
    doel = postgres_doel(database_url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(f'INSERT INTO "{schema}".basislijn (x) VALUES (1);\n')
    uit = subprocess.run(
        [str(uitvoerbaar), "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(int(seconden)),
         "-f", script.name, "-h", doel.host, "-p", str(doel.port), "-U", doel.user or "postgres", doel.dbname],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    os.unlink(script.name)
    for regel in uit.stdout.splitlines():
        if regel.startswith("tps ="):
            return float(regel.split()[2])
    return None


def opdrachten(
    database_url: str,
    schema: str,
    clients: list[int],
    workers: int,
    seconden: float,
    profiel: Path | None = None,
    logniveau: str = "INFO",
) -> list[dict[str, Any]]:
    settings = settings_voor(database_url, schema, nieuw=True)
    assert settings.jwt_secret is not None and settings.id_sleutel is not None
    poort = vrije_poort()
    omgeving = {k: v for k, v in os.environ.items() if not k.startswith("ZORGROUTE_")} | {
        "ZORGROUTE_DATABASE_URL": settings.database_url,
        "ZORGROUTE_JWT_SECRET": settings.jwt_secret.get_secret_value(),
        "ZORGROUTE_ID_SLEUTEL": settings.id_sleutel.get_secret_value(),
        # INFO, as docker-compose.yml runs it: an access-log line per request (written to
        # a file here). Until the end of the third session of 2026-11-23 this was WARNING.
        "ZORGROUTE_LOG_LEVEL": logniveau,
        "ZORGROUTE_PROJECTIES_IN_PROCES": "false",
    }
    logmap = Path(tempfile.mkdtemp(prefix="zorgroute-bench-"))
    api = _start(
        ["serve", "--port", str(poort), "--workers", str(workers)], omgeving, logmap / "api.log"
    )
    projector = _start(["projector"], omgeving, logmap / "projector.log")
    url = f"http://127.0.0.1:{poort}"
    token = maak_token(settings.jwt_secret.get_secret_value(), sub="zc-bench", naam="Bench",
                       rol="zorgcoordinator", school="99XX")  # fmt: skip
    uitkomsten = []
    try:
        einde = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
            if time.monotonic() > einde or api.poll() is not None:
                # Measuring a server that is not there only gives a run of 0 commands.
                staart = (logmap / "api.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"de API kwam niet op; api.log eindigt met:\n{staart}")
        for aantal in clients:
            # pgbench before and after the load: on this machine it moves by 2x from run
            # to run, so the ratio is taken against the mean of the two that frame it.
            basis_voor = pgbench(database_url, schema, aantal, seconden)
            cpu_voor = {p.pid: cpu_seconden(p.pid) for p in (api, projector)}
            log_voor = _logpositie(settings.database_url)
            pg_voor = _postgres_cpu()  # after the query above: its backend is gone again
            last_voor = resource.getrusage(resource.RUSAGE_CHILDREN)
            opnames = profileer(profiel, aantal, seconden, api=api.pid, projector=projector.pid)
            last = subprocess.run(
                [sys.executable, "-m", "bench.last", "--url", url, "--token", token,
                 "--clients", str(aantal), "--seconden", str(seconden)],
                cwd=WORTEL, capture_output=True, text=True, check=True,
            )  # fmt: skip
            meting = json.loads(last.stdout.strip().splitlines()[-1])
            last_na = resource.getrusage(resource.RUSAGE_CHILDREN)
            pg_na = _postgres_cpu()
            # Waited for after the load generator's CPU was read: py-spy is a child too.
            for opname, raw in opnames:
                opname.wait(timeout=60)
                if raw.exists():
                    raw.with_suffix(".txt").write_text(samenvatting(raw))
            # CPU per acknowledged command: unlike commands/s, this hardly moves when
            # something else runs on the machine at the same time.
            per = max(meting["opdrachten"], 1) / 1000
            meting["cpu_ms_per_opdracht"] = {
                "api": round((cpu_seconden(api.pid) - cpu_voor[api.pid]) / per, 2),
                "projector": round((cpu_seconden(projector.pid) - cpu_voor[projector.pid]) / per, 2),
                "last": round((last_na.ru_utime + last_na.ru_stime - last_voor.ru_utime - last_voor.ru_stime) / per, 2),
            }  # fmt: skip
            if pg_voor is not None and pg_na is not None:
                meting["cpu_ms_per_opdracht"]["postgres"] = round((pg_na - pg_voor) / per, 2)
            meting["per_transactie"] = _per_transactie(
                settings.database_url, log_voor, meting["opdrachten"]
            )
            basis_na = pgbench(database_url, schema, aantal, seconden)
            gemeten = [b for b in (basis_voor, basis_na) if b]
            basis = sum(gemeten) / len(gemeten) if gemeten else None
            meting |= {
                "clients": aantal,
                "workers": workers,
                "basislijn_per_seconde": basis,
                "basislijn_voor_en_na": [basis_voor, basis_na],
                "verhouding": round(meting["per_seconde"] / basis, 3) if basis else None,
                "api_piek_rss_mb": _rss_mb(api.pid),
            }
            uitkomsten.append(meting)
    finally:
        for proces in (api, projector):
            os.killpg(proces.pid, signal.SIGTERM)
            proces.wait(timeout=30)
        shutil.rmtree(logmap, ignore_errors=True)
    return uitkomsten


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconden", type=float, default=15.0)
    parser.add_argument(
        "--profiel",
        type=Path,
        default=None,
        help="map: py-spy-profielen van API en projector onder last (raw + samenvatting)",
    )
    parser.add_argument(
        "--logniveau",
        default="INFO",
        choices=["INFO", "WARNING"],
        help="logniveau van de API (INFO: een toegangslogregel per verzoek, zoals in productie)",
    )
    args = parser.parse_args()
    for m in opdrachten(
        args.database_url,
        args.schema or "bench_opdrachten",
        args.clients,
        args.workers,
        args.seconden,
        args.profiel,
        args.logniveau,
    ):
        lat = m["latentie_ms"]
        print(
            f"{m['clients']:>3} clients, {m['workers']} worker(s): {m['per_seconde']:,.0f} opdrachten/s "
            f"(p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms); "
            f"basislijn {m['basislijn_per_seconde']:,.0f}/s "
            f"(voor/na {' / '.join(f'{b:,.0f}' for b in m['basislijn_voor_en_na'] if b)}); "
            f"verhouding {m['verhouding']}; "
            f"{m['per_transactie']} opdrachten per transactie; "
            f"API-RSS {m['api_piek_rss_mb']} MB; CPU ms/opdracht {m['cpu_ms_per_opdracht']}; "
            f"fouten {m['fouten']}"
        )


if __name__ == "__main__":
    main()
