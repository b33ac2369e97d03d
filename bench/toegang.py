"""What logging a read costs: median `GET /api/v1/casussen/{id}` with the access log
against the same request without it (issue 4: at most 2 ms more), on the same data.

    .venv/bin/python -m bench.toegang
"""

from __future__ import annotations

import random
import time
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.samenstelling import sluit_service
from bench.gemeenschappelijk import argumenten, percentielen, service_voor, settings_voor
from infrastructure.auth import maak_token

DOEL_MS = 2.0
SCHOOL = "10SY"


def toegang(database_url: str, schema: str, herhalingen: int = 300) -> dict[str, Any]:
    settings = settings_voor(database_url, schema, nieuw=False).model_copy(
        update={"projecties_in_proces": False}
    )
    met = service_voor(settings, toegangslog=True)
    zonder = service_voor(settings)
    geopend = met.opslag.recorder.select_notifications(
        start=1, limit=2000, topics=["zorgroute:CasusGeopend"]
    )
    ids = [str(n.originator_id) for n in geopend]
    assert settings.jwt_secret is not None
    token = maak_token(settings.jwt_secret.get_secret_value(), sub="zc-bench", naam="Bench",
                       rol="zorgcoordinator", school=SCHOOL)  # fmt: skip
    kop = {"Authorization": f"Bearer {token}"}
    rng = random.Random(2)
    tijden: dict[str, list[float]] = {"zonder_log": [], "met_log": []}
    try:
        with (
            TestClient(create_app(settings, service=zonder)) as zonder_client,
            TestClient(create_app(settings, service=met)) as met_client,
        ):
            # Files of the one school the token belongs to.
            mogelijk = [
                i for i in ids[:300]
                if zonder_client.get(f"/api/v1/casussen/{i}", headers=kop).status_code == 200
            ]  # fmt: skip
            clients = {"zonder_log": zonder_client, "met_log": met_client}
            # Interleaved, so drift in the machine's load hits both sides alike.
            for ronde in range(herhalingen + 5):
                casus = rng.choice(mogelijk)
                for naam, client in clients.items():
                    begin = time.perf_counter()
                    client.get(f"/api/v1/casussen/{casus}", headers=kop)
                    if ronde >= 5:
                        tijden[naam].append((time.perf_counter() - begin) * 1000)
    finally:
        sluit_service(met)
        sluit_service(zonder)
    uitkomst: dict[str, Any] = {naam: percentielen(t) for naam, t in tijden.items()}
    uitkomst["verschil_p50_ms"] = round(
        uitkomst["met_log"]["p50"] - uitkomst["zonder_log"]["p50"], 2
    )
    return uitkomst


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--herhalingen", type=int, default=500)
    args = parser.parse_args()
    u = toegang(args.database_url, args.schema or "bench_data", args.herhalingen)
    print(
        f"dossier lezen p50 zonder log {u['zonder_log']['p50']} ms, met log {u['met_log']['p50']} ms: "
        f"+{u['verschil_p50_ms']} ms (doel ≤ {DOEL_MS} ms)"
    )


if __name__ == "__main__":
    main()
