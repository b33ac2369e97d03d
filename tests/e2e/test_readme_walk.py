"""The README's curl walk, run as written (bash, curl, python3) against `zorgroute serve`.

The block after `<!-- walk -->` in README.md is executed unchanged with `set -euo pipefail`
against a real server process on a free loopback port, with a temp SQLite database and fresh
keys, so a README that drifts from the API fails the build.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from infrastructure.auth import maak_token
from infrastructure.settings import Settings

WORTEL = Path(__file__).resolve().parents[2]
STARTTIJD_SECONDEN = 30
ROUTE = [
    "SignaalGemeld",
    "OudersGeinformeerd",
    "AangemeldVoorKernteam",
    "BesprokenInKernteam",
    "BesprokenMetContactpersoonZorg",
    "ToestemmingGegeven",
    "IngebrachtInOZS",
    "RegiehouderBenoemd",
    "HandelingsplanVastgesteld",
    "EvaluatieUitgevoerd",
    "CasusAfgesloten",
]


def walk_blok() -> str:
    tekst = (WORTEL / "README.md").read_text(encoding="utf-8")
    gevonden = re.search(r"<!-- walk -->\s*```bash\n(.*?)```", tekst, re.DOTALL)
    assert gevonden, "README.md mist het blok na <!-- walk --> (```bash ... ```)"
    return gevonden.group(1)


def _vrije_poort() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    omgeving: dict[str, str]
    settings: Settings


def _wacht_op_healthz(proces: subprocess.Popen[bytes], url: str, log: Path) -> None:
    grens = time.monotonic() + STARTTIJD_SECONDEN
    while time.monotonic() < grens:
        if proces.poll() is not None:
            pytest.fail(f"server stopte meteen (code {proces.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as antwoord:
                if antwoord.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server antwoordde niet binnen {STARTTIJD_SECONDEN} s:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if shutil.which("curl") is None:
        pytest.fail("curl is nodig voor de README-wandeling (apt-get install curl)")
    jwt_secret, id_sleutel = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    omgeving = {k: v for k, v in os.environ.items() if not k.startswith("ZORGROUTE_")}
    omgeving |= {
        "ZORGROUTE_DATABASE_URL": f"sqlite:///{tmp_path / 'walk.sqlite'}",
        "ZORGROUTE_JWT_SECRET": jwt_secret,
        "ZORGROUTE_ID_SLEUTEL": id_sleutel,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(WORTEL), os.environ.get("PYTHONPATH")])),
    }
    # `zorgroute` as the README calls it, whether or not the project is pip-installed.
    bin_map = tmp_path / "bin"
    bin_map.mkdir()
    shim = bin_map / "zorgroute"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m api.cli "$@"\n')
    shim.chmod(0o755)
    omgeving["PATH"] = f"{bin_map}{os.pathsep}{os.environ.get('PATH', '')}"

    poort = _vrije_poort()
    url = f"http://127.0.0.1:{poort}"
    log = tmp_path / "server.log"
    with log.open("wb") as uitvoer:
        proces = subprocess.Popen(
            [str(shim), "serve", "--host", "127.0.0.1", "--port", str(poort)],
            cwd=tmp_path,
            env=omgeving,
            stdout=uitvoer,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wacht_op_healthz(proces, url, log)
        settings = Settings(jwt_secret=SecretStr(jwt_secret), id_sleutel=SecretStr(id_sleutel))
        yield Server(url, omgeving | {"ZORGROUTE_URL": url}, settings)
    finally:
        # Our own process group only (start_new_session): never anything else on the machine.
        os.killpg(proces.pid, signal.SIGTERM)
        try:
            proces.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proces.pid, signal.SIGKILL)
            proces.wait(timeout=10)


def loop_de_wandeling(server: Server, cwd: Path) -> str:
    resultaat = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + walk_blok()],
        cwd=cwd,
        env=server.omgeving,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert resultaat.returncode == 0, (
        f"de wandeling faalde (code {resultaat.returncode})\n"
        f"--- stdout ---\n{resultaat.stdout}\n--- stderr ---\n{resultaat.stderr}"
    )
    return resultaat.stdout


def geschiedenis(server: Server, uitvoer: str) -> list[str]:
    gevonden = re.search(r"^casus_id: ([0-9a-f-]{36})$", uitvoer, re.MULTILINE)
    assert gevonden, f"geen 'casus_id: ...' in de uitvoer:\n{uitvoer}"
    geheim = server.settings.jwt_secret
    assert geheim is not None
    token = maak_token(
        geheim.get_secret_value(), "zc-devries", "A. de Vries", "zorgcoordinator", "99XX"
    )
    verzoek = urllib.request.Request(
        f"{server.url}/api/v1/casussen/{gevonden.group(1)}/geschiedenis",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(verzoek, timeout=10) as antwoord:
        items = json.load(antwoord)["items"]
    return [item["type"] for item in items]


def test_readme_walk_runs_as_written(server: Server, tmp_path: Path) -> None:
    uitvoer = loop_de_wandeling(server, tmp_path)

    assert geschiedenis(server, uitvoer) == ["CasusGeopend", *ROUTE]
    # What the README promises the reader sees at the end.
    assert "12 CasusAfgesloten door zc-devries" in uitvoer
    # The last step shows access control at work on the same tokens.
    assert uitvoer.rstrip().endswith("mentor van H3A opent een dossier van V2A: HTTP 403")
    assert '"status": "gesloten"' in uitvoer
    assert '"versie": 3' in uitvoer


def test_readme_walk_can_be_pasted_twice(server: Server, tmp_path: Path) -> None:
    loop_de_wandeling(server, tmp_path)
    tweede = loop_de_wandeling(server, tmp_path)

    # The second signal reopens the closed file as traject 2; the route then runs again.
    assert geschiedenis(server, tweede) == ["CasusGeopend", *ROUTE, "CasusHeropend", *ROUTE]
    assert '"traject": 2' in tweede


def test_readme_documents_every_setting() -> None:
    tekst = (WORTEL / "README.md").read_text(encoding="utf-8")
    gedocumenteerd = set(re.findall(r"^\| `(ZORGROUTE_[A-Z_]+)` \|", tekst, re.MULTILINE))

    assert gedocumenteerd == {f"ZORGROUTE_{naam.upper()}" for naam in Settings.model_fields}
