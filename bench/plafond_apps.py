"""The web stack without Zorgroute, for `bench.plafond`: three servers that answer the
load generator's requests (`bench.last`) the way the API does, but without a token
check, rules or a database. What they reach is the ceiling for the command figure."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Response
from pydantic import BaseModel, ConfigDict
from starlette.types import Receive, Scope, Send

ANTWOORD = orjson.dumps({"casus_id": "00000000-0000-4000-8000-000000000000", "versie": 1})


async def kaal(scope: Scope, receive: Receive, send: Send) -> None:
    """Bare ASGI: read the body, answer 201. Only uvicorn's own cost."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send(
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(ANTWOORD)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": ANTWOORD})


class _Verzoek(BaseModel):
    model_config = ConfigDict(extra="allow")


def _antwoord() -> Response:
    return Response(ANTWOORD, status_code=201, media_type="application/json")


def _fastapi(synchroon: bool) -> FastAPI:
    app = FastAPI()
    # The API's command routes are plain `def` (they run in the thread pool): the
    # `async def` variant shows what that hand-off costs.
    if synchroon:

        def signaal(verzoek: _Verzoek) -> Any:
            return _antwoord()

        def handeling(casus_id: str, handeling: str, verzoek: _Verzoek) -> Any:
            return _antwoord()
    else:

        async def signaal(verzoek: _Verzoek) -> Any:  # type: ignore[misc]
            return _antwoord()

        async def handeling(casus_id: str, handeling: str, verzoek: _Verzoek) -> Any:  # type: ignore[misc]
            return _antwoord()

    app.add_api_route("/api/v1/signalen", signaal, methods=["POST"])
    app.add_api_route("/api/v1/casussen/{casus_id}/{handeling}", handeling, methods=["POST"])
    return app


fastapi_def = _fastapi(synchroon=True)
fastapi_async = _fastapi(synchroon=False)
