"""A small load generator and server handling shared by the no-loss tests: it records
every acknowledged command (2xx with casus id and version) so that none can go missing
unnoticed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

WORTEL = Path(__file__).resolve().parents[2]


def vrije_poort() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ApiProces:
    omgeving: dict[str, str]
    poort: int
    log: Path
    proces: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.poort}"

    def start(self, timeout: float = 30.0) -> None:
        with self.log.open("ab") as uitvoer:
            self.proces = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--port", str(self.poort)],
                cwd=WORTEL,
                env=self.omgeving,
                stdout=uitvoer,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        einde = time.monotonic() + timeout
        while time.monotonic() < einde:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"API kwam niet op:\n{self.log.read_text()[-3000:]}")

    def stop(self, signum: int = signal.SIGTERM) -> None:
        if self.proces is None:
            return
        # Our own process group only (start_new_session): never anything else.
        os.killpg(self.proces.pid, signum)
        self.proces.wait(timeout=15)
        self.proces = None


def omgeving(database_url: str, jwt_secret: str, id_sleutel: str) -> dict[str, str]:
    basis = {k: v for k, v in os.environ.items() if not k.startswith("ZORGROUTE_")}
    return basis | {
        "ZORGROUTE_DATABASE_URL": database_url,
        "ZORGROUTE_JWT_SECRET": jwt_secret,
        "ZORGROUTE_ID_SLEUTEL": id_sleutel,
        "ZORGROUTE_LOG_LEVEL": "WARNING",
    }


@dataclass
class Belasting:
    """Writers that each open files and add steps, recording what was acknowledged."""

    url: str
    token: str
    schrijvers: int = 4
    bevestigd: list[dict[str, Any]] = field(default_factory=list)
    statussen: dict[int, int] = field(default_factory=dict)
    lezingen: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _draden: list[threading.Thread] = field(default_factory=list)
    _slot: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        for nummer in range(self.schrijvers):
            draad = threading.Thread(target=self._schrijf, args=(nummer,), daemon=True)
            draad.start()
            self._draden.append(draad)
        lezer = threading.Thread(target=self._lees, daemon=True)
        lezer.start()
        self._draden.append(lezer)

    def _lees(self) -> None:
        """A client that keeps asking (with a short timeout): it sees what users see."""
        kop = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=f"{self.url}/api/v1", headers=kop, timeout=3) as client:
            while not self._stop.wait(0.2):
                try:
                    status = client.get("/casussen", params={"limit": 1}).status_code
                except httpx.HTTPError:
                    status = 0
                with self._slot:
                    self.lezingen[status] = self.lezingen.get(status, 0) + 1

    def stop(self) -> None:
        self._stop.set()
        for draad in self._draden:
            draad.join(timeout=30)

    def _tel(self, status: int) -> None:
        with self._slot:
            self.statussen[status] = self.statussen.get(status, 0) + 1

    def _schrijf(self, nummer: int) -> None:
        kop = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=f"{self.url}/api/v1", headers=kop, timeout=20) as client:
            teller = 0
            while not self._stop.is_set():
                teller += 1
                onderwerp = {"type": "leerling", "leerlingnummer": f"v{nummer}-{teller}",
                             "naam": "Belasting", "klas": "H1A", "afdeling": "havo", "leerjaar": 1}  # fmt: skip
                verzoeken = [("/signalen", {"onderwerp": onderwerp, "categorieen": ["leren"],
                                            "omschrijving": "Belasting.", "bron": "mentor"})]  # fmt: skip
                casus_id = None
                for stap in range(4):
                    if stap:
                        if casus_id is None:
                            break
                        verzoeken.append((f"/casussen/{casus_id}/gesprekken",
                                          {"met": "leerling", "datum": "2025-01-01", "samenvatting": "x"}))  # fmt: skip
                    pad, body = verzoeken[-1]
                    try:
                        antwoord = client.post(pad, json=body)
                    except httpx.HTTPError:
                        self._tel(0)
                        time.sleep(0.05)
                        break
                    self._tel(antwoord.status_code)
                    if antwoord.status_code in (200, 201):
                        gegevens = antwoord.json()
                        casus_id = gegevens["casus_id"]
                        with self._slot:
                            self.bevestigd.append(gegevens)
                    else:
                        time.sleep(0.05)
                        break


def controleer_niets_kwijt(
    url: str, token: str, bevestigd: list[dict[str, Any]], beheer_token: str
) -> int:
    """Every acknowledged command is in the store, and the views caught up with all of them."""
    kop = {"Authorization": f"Bearer {token}"}
    hoogste: dict[str, int] = {}
    for b in bevestigd:
        hoogste[b["casus_id"]] = max(hoogste.get(b["casus_id"], 0), int(b["versie"]))
    with httpx.Client(base_url=f"{url}/api/v1", headers=kop, timeout=10) as client:
        for casus_id, versie in hoogste.items():
            antwoord = client.get(f"/casussen/{casus_id}/geschiedenis")
            assert antwoord.status_code == 200, (casus_id, antwoord.text)
            versies = {i["versie"] for i in antwoord.json()["items"]}
            assert set(range(1, versie + 1)) <= versies, (casus_id, versie, sorted(versies))
        positie = max(int(b.get("positie") or 0) for b in bevestigd)
        lijst = client.get("/casussen", params={"na": positie, "limit": 1})
        assert lijst.status_code == 200, lijst.text
    # Every view, not just the one read above, catches up and none has stopped.
    beheer = {"Authorization": f"Bearer {beheer_token}"}
    einde = time.monotonic() + 20
    while True:
        items = httpx.get(f"{url}/api/v1/projecties", headers=beheer, timeout=5).json()["items"]
        if all(i["status"] == "actief" and i["positie"] >= positie for i in items):
            break
        assert time.monotonic() < einde, items
        time.sleep(0.2)
    return len(hoogste)
