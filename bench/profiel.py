"""Profiles behind the figures: py-spy samples of a running process, summed per function.

    .venv/bin/python -m bench.profiel bench/profielen/api.raw     # print a summary

`neem_op` attaches py-spy to a process for some seconds (`bench.opdrachten --profiel MAP`
does this for the API and the projector under load). Only samples in which the thread
holds the GIL are taken (`--gil`): idle threads waiting on a socket or a lock are not
CPU. The summary gives, per function, the share of samples in which it is on the stack
(inclusive) and on top of it (self); native code (pydantic's validator, psycopg's C
parts) counts as self time of the Python function that called it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

_REGEL = re.compile(r":\d+\)$")


def py_spy() -> str | None:
    """py-spy next to this Python (the dev install has it), else on PATH."""
    naast = Path(sys.executable).with_name("py-spy")
    return str(naast) if naast.exists() else shutil.which("py-spy")


def neem_op(pid: int, seconden: float, uit: Path) -> subprocess.Popen[bytes] | None:
    """Start recording `pid` (and its children) into `uit` (raw, folded stacks); None
    when py-spy is not installed. Without pausing the process (`--nonblocking`), so
    the load it is under is hardly changed."""
    uitvoerbaar = py_spy()
    if uitvoerbaar is None:
        return None
    return subprocess.Popen(
        [uitvoerbaar, "record", "--pid", str(pid), "--duration", str(max(1, int(seconden))),
         "--rate", "250", "--gil", "--nonblocking", "--subprocesses", "--format", "raw",
         "--output", str(uit)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


# Seconds the load generator may take to start sending (a new interpreter and its imports).
_OPSTART = 3.0


def profileer(
    map_: Path | None, clients: int, seconden: float, **pids: int
) -> list[tuple[subprocess.Popen[bytes], Path]]:
    """py-spy on each process for the whole load (bench.profiel). It starts with the
    load generator, whose start-up takes a while on a busy machine: a recording as long
    as the load alone could end before the first command (no samples: only a thread
    holding the GIL is sampled, so the idle seconds around the load add hardly any)."""
    if map_ is None:
        return []
    map_.mkdir(parents=True, exist_ok=True)
    opnames = []
    for naam, pid in pids.items():
        raw = map_ / f"{naam}-{clients}.raw"
        opname = neem_op(pid, seconden + _OPSTART, raw)
        if opname is not None:
            opnames.append((opname, raw))
    return opnames


def samenvatting(raw: Path, aantal: int = 40) -> str:
    """Inclusive and self share per function (file and name, not line) of a raw profile."""
    inclusief: Counter[str] = Counter()
    eigen: Counter[str] = Counter()
    totaal = 0
    for regel in raw.read_text().splitlines():
        stapel, _, getal = regel.rpartition(" ")
        if not stapel or not getal.isdigit():
            continue
        n = int(getal)
        totaal += n
        # `--subprocesses` puts the process ("process 123:...") under every stack.
        frames = [_REGEL.sub(")", f) for f in stapel.split(";") if not f.startswith("process ")]
        if not frames:
            continue
        for frame in set(frames):
            inclusief[frame] += n
        eigen[frames[-1]] += n
    if totaal == 0:
        return f"{raw.name}: geen monsters\n"
    regels = [f"{raw.name}: {totaal} monsters (draad houdt de GIL)", "", "inclusief:"]
    regels += [f"{100 * v / totaal:5.1f}%  {k[:140]}" for k, v in inclusief.most_common(aantal)]
    regels += ["", "eigen tijd:"]
    regels += [f"{100 * v / totaal:5.1f}%  {k[:140]}" for k, v in eigen.most_common(aantal // 2)]
    return "\n".join(regels) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw", type=Path, nargs="+")
    parser.add_argument("--aantal", type=int, default=40)
    args = parser.parse_args()
    for raw in args.raw:
        print(samenvatting(raw, args.aantal))


if __name__ == "__main__":
    main()
