"""Load generator (run as its own process): `--clients` concurrent clients send a
realistic mix of the route's commands over many files for `--seconden`, and print
JSON with the number of acknowledged commands and the latencies."""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

import httpx

from bench.gemeenschappelijk import percentielen


def _route(client: httpx.Client, nummer: int, teller: int) -> list[tuple[str, dict[str, Any]]]:
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
    kop = {"Authorization": f"Bearer {args.token}"}
    tijden: list[float] = []
    fouten: dict[str, int] = {}
    slot = threading.Lock()
    einde = time.monotonic() + args.seconden

    def client_lus(nummer: int) -> None:
        eigen: list[float] = []
        with httpx.Client(base_url=f"{args.url}/api/v1", headers=kop, timeout=30) as client:
            teller = 0
            while time.monotonic() < einde:
                teller += 1
                casus_id = None
                for pad, body in _route(client, nummer, teller):
                    url = pad if casus_id is None else f"/casussen/{casus_id}/{pad}"
                    begin = time.perf_counter()
                    antwoord = client.post(url, json=body)
                    if antwoord.status_code in (200, 201):
                        eigen.append((time.perf_counter() - begin) * 1000)
                        casus_id = antwoord.json()["casus_id"]
                    else:
                        with slot:
                            fouten[str(antwoord.status_code)] = (
                                fouten.get(str(antwoord.status_code), 0) + 1
                            )
                        break
                    if time.monotonic() >= einde:
                        break
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
