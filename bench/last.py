"""Load generator (run as its own process): `--clients` concurrent clients send a
realistic mix of the route's commands over many files for `--seconden`, and print
JSON with the number of acknowledged commands and the latencies.

A minimal HTTP/1.1 client on a plain socket with keep-alive (each client one
connection, requests written as prepared bytes, answers read by Content-Length): on 2
cores the load generator shares the CPU with the API and the database, and the baseline
(pgbench, in C) pays next to nothing for its client. httpx spent ~1.4 ms of CPU per
request and `http.client` ~0.5 ms; this ~0.2 ms (bench.opdrachten reports it).
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import orjson

from bench.gemeenschappelijk import percentielen


def _route(nummer: int, teller: int) -> list[tuple[str, dict[str, Any]]]:
    onderwerp = {"type": "leerling", "leerlingnummer": f"l{nummer}-{teller}", "naam": "Last",
                 "klas": f"H{1 + teller % 4}A", "afdeling": "havo", "leerjaar": 1 + teller % 4}  # fmt: skip
    return [
        (
            "/signalen",
            {
                "onderwerp": onderwerp,
                "categorieen": ["leren"],
                "omschrijving": "Last.",
                "bron": "mentor",
            },
        ),
        ("gesprekken", {"met": "leerling", "datum": "2025-02-03", "samenvatting": "Gesprek."}),
        ("ouders-geinformeerd", {"datum": "2025-02-04", "wijze": "telefoon"}),
        ("kernteam-aanmelding", {"datum": "2025-02-10", "vraag": "Wat werkt?"}),
        ("kernteambesprekingen", {"datum": "2025-02-10", "advies": "Begeleiding."}),
        (
            "interventies",
            {
                "soort": "flexuur",
                "omschrijving": "Huiswerkklas",
                "startdatum": "2025-02-11",
                "evaluatiedatum": "2025-03-25",
            },
        ),
        ("terugkoppelingen", {"aan": "signaalgever", "datum": "2025-02-12", "inhoud": "Gedaan."}),
        (
            "evaluaties",
            {
                "datum": "2025-03-25",
                "doelen_behaald": "ja",
                "conclusie": "Goed.",
                "vervolg": "afsluiten",
            },
        ),
    ]


class Verbinding:
    """One keep-alive connection; `post` sends a JSON body and returns status and body."""

    def __init__(self, host: str, poort: int, koppen: bytes) -> None:
        self._sok = socket.create_connection((host, poort), timeout=30)
        self._sok.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._koppen = koppen
        self._rest = b""

    def post(self, pad: str, body: bytes) -> tuple[int, bytes]:
        self._sok.sendall(
            b"POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s"
            % (pad.encode(), self._koppen, len(body), body)
        )
        data = self._rest
        while (einde := data.find(b"\r\n\r\n")) < 0:
            data += self._ontvang()
        kop, data = data[:einde].lower(), data[einde + 4 :]
        if b"content-length:" not in kop:
            raise RuntimeError("antwoord zonder Content-Length")
        lengte = int(kop.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        while len(data) < lengte:
            data += self._ontvang()
        self._rest = data[lengte:]
        return int(kop[9:12]), data[:lengte]

    def _ontvang(self) -> bytes:
        deel = self._sok.recv(65536)
        if not deel:
            raise ConnectionError("verbinding gesloten")
        return deel

    def sluit(self) -> None:
        self._sok.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconden", type=float, default=10.0)
    args = parser.parse_args()
    tijden: list[float] = []
    fouten: dict[str, int] = {}
    slot = threading.Lock()
    einde = time.monotonic() + args.seconden

    doel = urlsplit(args.url)
    assert doel.hostname is not None and doel.port is not None
    koppen = (
        f"Host: {doel.hostname}:{doel.port}\r\nAuthorization: Bearer {args.token}\r\n"
        "Content-Type: application/json\r\n"
    ).encode()

    def client_lus(nummer: int) -> None:
        try:
            _client_lus(nummer)
        except (OSError, RuntimeError) as fout:
            # Counted, never lost silently: a client thread that dies would otherwise
            # only show as fewer commands (once, as a run of 0 commands and no errors).
            with slot:
                fouten[type(fout).__name__] = fouten.get(type(fout).__name__, 0) + 1

    def _client_lus(nummer: int) -> None:
        eigen: list[float] = []
        verbinding = Verbinding(doel.hostname, doel.port, koppen)  # type: ignore[arg-type]
        teller = 0
        while time.monotonic() < einde:
            teller += 1
            casus_id = None
            for pad, body in _route(nummer, teller):
                url = "/api/v1" + (pad if casus_id is None else f"/casussen/{casus_id}/{pad}")
                begin = time.perf_counter()
                status, inhoud = verbinding.post(url, orjson.dumps(body))
                if status in (200, 201):
                    eigen.append((time.perf_counter() - begin) * 1000)
                    if casus_id is None:
                        casus_id = orjson.loads(inhoud)["casus_id"]
                else:
                    with slot:
                        fouten[str(status)] = fouten.get(str(status), 0) + 1
                    break
                if time.monotonic() >= einde:
                    break
        verbinding.sluit()
        with slot:
            tijden.extend(eigen)

    draden = [threading.Thread(target=client_lus, args=(n,)) for n in range(args.clients)]
    begin = time.monotonic()
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    duur = time.monotonic() - begin
    print(json.dumps({"opdrachten": len(tijden), "seconden": duur, "per_seconde": len(tijden) / duur,
                      "latentie_ms": percentielen(tijden), "fouten": fouten}))  # fmt: skip


if __name__ == "__main__":
    main()
