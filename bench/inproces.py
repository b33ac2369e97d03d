"""The command load of `bench.last`, in-process: `--clients` concurrent clients send the
same route of commands through the real app's ASGI interface (no sockets, no HTTP server,
no projector), on PostgreSQL; prints the API's CPU per command for a few rounds.

Over HTTP the figures move by 20 % from run to run on this machine; here they move less,
and under valgrind not at all: instructions per command are exact to ~1 %, which is how
the command path's changes of the fourth session of 2026-11-23 were measured:

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
        .venv/bin/python -m bench.inproces --opdrachten N

run for two values of N; (I refs at N2 - I refs at N1) / (4 × (N2 - N1)) is the
instructions per command (a warm-up and three rounds of N each; start-up cancels out).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson

from api.app import create_app
from bench.gemeenschappelijk import argumenten, settings_voor
from bench.last import _route
from infrastructure.auth import maak_token


def _zender(app: Any, koppen: list[tuple[bytes, bytes]]) -> Any:
    async def post(pad: str, body: dict[str, Any]) -> tuple[int, bytes]:
        data = orjson.dumps(body)
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": pad, "raw_path": pad.encode(),
            "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "headers": [*koppen, (b"content-length", str(len(data)).encode())],
        }  # fmt: skip
        gelezen = False
        antwoord: dict[str, Any] = {"delen": []}

        async def receive() -> dict[str, Any]:
            nonlocal gelezen
            if not gelezen:
                gelezen = True
                return {"type": "http.request", "body": data, "more_body": False}
            await asyncio.Event().wait()  # a client that stays: never disconnects
            raise AssertionError

        async def send(bericht: dict[str, Any]) -> None:
            if bericht["type"] == "http.response.start":
                antwoord["status"] = bericht["status"]
            else:
                antwoord["delen"].append(bericht.get("body", b""))

        await app(scope, receive, send)
        return int(antwoord["status"]), b"".join(antwoord["delen"])

    return post


async def _ronde(post: Any, clients: int, aantal: int, ronde: int) -> int:
    gedaan = 0

    async def client(nummer: int) -> None:
        nonlocal gedaan
        teller = 0
        while gedaan < aantal:
            teller += 1
            casus_id = None
            for pad, body in _route(nummer, teller):
                url = "/api/v1" + (pad if casus_id is None else f"/casussen/{casus_id}/{pad}")
                status, inhoud = await post(url, body)
                if status not in (200, 201):
                    raise RuntimeError(f"{url}: {status} {inhoud[:200]!r}")
                gedaan += 1
                if casus_id is None:
                    casus_id = orjson.loads(inhoud)["casus_id"]

    await asyncio.gather(*(client(ronde * 1000 + k) for k in range(clients)))
    return gedaan


async def inproces(
    database_url: str, schema: str, opdrachten: int, clients: int = 8, logniveau: str = "INFO"
) -> list[float]:
    """CPU ms per command in three rounds of `opdrachten` (after a warm-up round)."""
    settings = settings_voor(database_url, schema, nieuw=True).model_copy(
        update={"projecties_in_proces": False, "log_level": logniveau}
    )
    assert settings.jwt_secret is not None
    app = create_app(settings)
    token = maak_token(settings.jwt_secret.get_secret_value(), sub="zc-bench", naam="Bench",
                       rol="zorgcoordinator", school="99XX")  # fmt: skip
    koppen = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode()),
              (b"content-type", b"application/json")]  # fmt: skip
    post = _zender(app, koppen)
    uitkomst = []
    async with app.router.lifespan_context(app):
        await _ronde(post, clients, opdrachten, 0)
        for ronde in (1, 2, 3):
            begin = time.process_time()
            gedaan = await _ronde(post, clients, opdrachten, ronde)
            uitkomst.append((time.process_time() - begin) * 1000 / gedaan)
    return uitkomst


def main() -> None:
    parser = argumenten(__doc__ or "")
    parser.add_argument("--opdrachten", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--logniveau", default="INFO", choices=["INFO", "WARNING"])
    args = parser.parse_args()
    for cpu in asyncio.run(
        inproces(args.database_url, args.schema or "bench_inproces", args.opdrachten,
                 args.clients, args.logniveau)
    ):  # fmt: skip
        print(f"CPU {cpu:.3f} ms per opdracht")


if __name__ == "__main__":
    main()
