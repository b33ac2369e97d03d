"""Load generator (run as its own process): `--clients` concurrent clients send a
realistic mix of the route's commands over many files for `--seconden`, and print
JSON with the number of acknowledged commands and the latencies.

Plain `http.client` with keep-alive rather than httpx: on 2 cores the load generator
shares the CPU with the API and the database, and httpx spent ~1.4 ms of CPU per request
(as much as a third of what the API itself needs), which the baseline (pgbench, in C)
does not pay.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
    kop = {"Authorization": f"Bearer {args.token}", "Content-Type": "application/json"}

    def client_lus(nummer: int) -> None:
        eigen: list[float] = []
        verbinding = http.client.HTTPConnection(doel.hostname, doel.port, timeout=30)
        teller = 0
        while time.monotonic() < einde:
            teller += 1
            casus_id = None
            for pad, body in _route(nummer, teller):
                url = "/api/v1" + (pad if casus_id is None else f"/casussen/{casus_id}/{pad}")
                begin = time.perf_counter()
                verbinding.request("POST", url, body=orjson.dumps(body), headers=kop)
                antwoord = verbinding.getresponse()
                inhoud = antwoord.read()
                if antwoord.status in (200, 201):
                    eigen.append((time.perf_counter() - begin) * 1000)
                    casus_id = orjson.loads(inhoud)["casus_id"]
                else:
                    with slot:
                        fouten[str(antwoord.status)] = fouten.get(str(antwoord.status), 0) + 1
                    break
                if time.monotonic() >= einde:
                    break
        verbinding.close()
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
