"""Scale-out by partition: each partition (a school group) is its own application with
its own events table, so its own table lock. Measures aggregate saves/s with 1, 2 and 4
partitions, the CPU used, and how long one save holds the lock (docs/schaal.md); and
the same writers through the service's group commit (concurrent saves in one
transaction), so both levers are measured side by side.

    .venv/bin/python -m bench.partities
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date
from typing import Any

from application.service import Zorgroute
from bench.gemeenschappelijk import argumenten, percentielen, service_voor, settings_voor
from domain.casus import Casus
from domain.identiteit import casus_id_voor
from domain.opdrachten import SignaalOpDossierVerzoek
from domain.waarden import Actor, Onderwerp

ACTOR = Actor(id="m-bench", naam="Bench", rol="mentor")


def _nieuwe_casus(service: Zorgroute, partitie: int, nummer: int) -> Casus:
    onderwerp = Onderwerp(type="leerling", klas="H1A", afdeling="havo", leerjaar=1,
                          leerlingnummer=f"p{partitie}-{nummer}", naam="Bench")  # fmt: skip
    casus = Casus(
        id=casus_id_voor(service._id_sleutel, "99XX", onderwerp, date.today()),
        school="99XX", onderwerp=onderwerp, actor=ACTOR, toelichting=None,
    )  # fmt: skip
    signaal = SignaalOpDossierVerzoek(categorieen=["leren"], omschrijving="Bench.", bron="mentor")
    casus.meld_signaal(signaal, ACTOR, date.today())
    return casus


def _slot_duur(service: Zorgroute, aantal: int = 200) -> dict[str, float]:
    """One writer alone: a save's duration is the time it holds the events table lock
    (taken at the insert, held until the commit) plus its round trips."""
    tijden = []
    for nummer in range(aantal):
        casus = _nieuwe_casus(service, 99, nummer)
        begin = time.perf_counter()
        service.opslag.app.save(casus)  # type: ignore[attr-defined]
        tijden.append((time.perf_counter() - begin) * 1000)
    return percentielen(tijden)


def meet(
    database_url: str,
    partities: int,
    schrijvers: int,
    seconden: float,
    groep: bool = False,
    schema_voorvoegsel: str = "bench_partitie",
) -> dict[str, Any]:
    diensten = [
        service_voor(settings_voor(database_url, f"{schema_voorvoegsel}_{p}", nieuw=True))
        for p in range(partities)
    ]
    tellers = [0] * (partities * schrijvers)
    stop = threading.Event()

    def schrijf(index: int, service: Zorgroute, partitie: int) -> None:
        nummer = 0
        while not stop.is_set():
            nummer += 1
            casus = _nieuwe_casus(service, partitie, index * 10_000_000 + nummer)
            if groep:
                service.opslag.groepscommit.bewaar(casus.collect_events())  # type: ignore[attr-defined]
            else:
                service.opslag.app.save(casus)  # type: ignore[attr-defined]
            tellers[index] += 1

    draden = [
        threading.Thread(target=schrijf, args=(p * schrijvers + s, diensten[p], p))
        for p in range(partities)
        for s in range(schrijvers)
    ]
    cpu_begin, begin = os.times(), time.perf_counter()
    for draad in draden:
        draad.start()
    time.sleep(seconden)
    stop.set()
    for draad in draden:
        draad.join()
    duur = time.perf_counter() - begin
    cpu = os.times()
    cpu_proces = (cpu.user - cpu_begin.user) + (cpu.system - cpu_begin.system)
    transacties = sum(d.opslag.groepscommit.transacties for d in diensten)  # type: ignore[attr-defined]
    slot = _slot_duur(diensten[0])
    for service in diensten:
        service.close()
    return {
        "partities": partities,
        "schrijvers_per_partitie": schrijvers,
        "groepscommit": groep,
        "saves_per_seconde": round(sum(tellers) / duur),
        "per_transactie": round(sum(tellers) / transacties, 1) if groep and transacties else 1.0,
        "cpu_dit_proces": round(cpu_proces / duur, 2),  # cores busy in the writers' process
        "save_ms_alleen": slot,
    }


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--seconden", type=float, default=10.0)
    parser.add_argument("--schrijvers", type=int, default=4)
    args = parser.parse_args()
    for partities, groep in ((1, False), (2, False), (4, False), (1, True), (2, True)):
        m = meet(args.database_url, partities, args.schrijvers, args.seconden, groep)
        print(
            f"{partities} partitie(s) x {m['schrijvers_per_partitie']} schrijvers"
            f"{', groepscommit' if groep else ''}: {m['saves_per_seconde']:,} saves/s "
            f"({m['per_transactie']} per transactie); CPU van dit proces {m['cpu_dit_proces']} "
            f"kernen; een save alleen p50 {m['save_ms_alleen']['p50']} ms"
        )


if __name__ == "__main__":
    main()
