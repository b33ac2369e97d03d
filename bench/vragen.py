"""p50/p95 of the reads over HTTP (in-process), on the data of `bench.genereer` with
every view built. Adds one file of 500 events for the point-in-time read.

    .venv/bin/python -m bench.vragen
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.samenstelling import bouw_runner
from application.gebruiker import Gebruiker
from bench.gemeenschappelijk import argumenten, meet, service_voor, settings_voor
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.auth import maak_token

DOEL_P95_MS = 100.0
SCHOOL = "10SY"  # the first school the generator writes


def _lang_dossier(service: Any, lengte: int) -> str:
    """A file with `lengte` events (a pupil discussed very often), made once."""
    zc = Gebruiker(sub="zc-bench", naam="Bench", rol="zorgcoordinator", school=SCHOOL)
    onderwerp = {"type": "leerling", "leerlingnummer": f"lang-{lengte}", "naam": "Lang Dossier",
                 "klas": "H3A", "afdeling": "havo", "leerjaar": 3}  # fmt: skip
    signaal = {
        "onderwerp": onderwerp,
        "categorieen": ["leren"],
        "omschrijving": "x",
        "bron": "mentor",
    }
    resultaat = service.meld_signaal(zc, SignaalVerzoek.model_validate(signaal))
    gesprek = {"met": "leerling", "datum": "2025-01-10", "samenvatting": "Gesprek."}
    for _ in range(lengte - resultaat.versie):
        resultaat = service.handel(zc, resultaat.casus_id, opdracht_voor("gesprekken", gesprek))
    return str(resultaat.casus_id)


def vragen(database_url: str, schema: str, herhalingen: int = 200) -> dict[str, dict[str, float]]:
    settings = settings_voor(database_url, schema, nieuw=False).model_copy(
        update={"projecties_in_proces": False}
    )
    service = service_voor(settings)
    begin = datetime.now().astimezone()
    lang = _lang_dossier(service, 500)
    # A moment inside the file's life, so `?op=` rebuilds about half of its 500 events.
    midden = begin + (datetime.now().astimezone() - begin) / 2
    runner = bouw_runner(settings, service)
    runner.verwerk_beschikbaar()  # the views must be current before reads are timed
    with runner.opslag.lezen() as cur:
        ids = [r["casus_id"] for r in cur.execute(
            "SELECT casus_id FROM pv_casussen WHERE school = %s LIMIT 2000", [SCHOOL]
        ).fetchall()]  # fmt: skip
    runner.opslag.sluit()
    service.close()
    assert settings.jwt_secret is not None
    geheim = settings.jwt_secret.get_secret_value()

    def token(rol: str, sub: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {maak_token(geheim, sub=sub, naam=sub, rol=rol, school=SCHOOL)}"
        }

    zc, auditor = token("zorgcoordinator", "zc-bench"), token("auditor", "fg-bench")
    rng = random.Random(1)
    vandaag = date.today()
    with TestClient(create_app(settings)) as client:

        def get(pad: str, kop: dict[str, str], **params: Any) -> None:
            antwoord = client.get("/api/v1" + pad, headers=kop, params=params)
            assert antwoord.status_code == 200, (pad, antwoord.status_code, antwoord.text[:200])

        metingen = {
            "dossier": lambda: get(f"/casussen/{rng.choice(ids)}", zc),
            "dossier_op_500": lambda: get(f"/casussen/{lang}", zc, op=midden.isoformat()),
            "geschiedenis_500": lambda: get(f"/casussen/{lang}/geschiedenis", zc),
            "casuslijst": lambda: get("/casussen", zc, limit=50),
            "agenda_ozs": lambda: get("/agenda/ozs", zc, datum="2025-03-03"),
            "werkvoorraad": lambda: get("/werkvoorraad", zc, medewerker="zt-1"),
            "trends": lambda: get(
                "/trends", zc, van=str(vandaag - timedelta(days=730)), tot=str(vandaag)
            ),
            "verantwoording": lambda: get("/verantwoording", zc, schooljaar="2024-2025"),
            "audittrail": lambda: get(f"/casussen/{rng.choice(ids)}/audittrail", auditor),
            "toegangslog": lambda: get(f"/casussen/{lang}/toegangslog", auditor),
        }
        return {naam: meet(functie, herhalingen) for naam, functie in metingen.items()}


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--herhalingen", type=int, default=200)
    args = parser.parse_args()
    for naam, uitkomst in vragen(
        args.database_url, args.schema or "bench_data", args.herhalingen
    ).items():
        status = "ok" if uitkomst["p95"] < DOEL_P95_MS else "TE TRAAG"
        print(
            f"{naam:<18} p50 {uitkomst['p50']:>8.2f} ms  p95 {uitkomst['p95']:>8.2f} ms  ({status})"
        )


if __name__ == "__main__":
    main()
