"""Liveness and readiness, without a token (for the orchestrator, not for people)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.problemen import fout_antwoorden, probleem
from api.schemas.antwoorden import Gezondheid
from infrastructure.persistence import database_bereikbaar

router = APIRouter(tags=["gezondheid"])


@router.get("/healthz", summary="Draait het proces? / Is the process alive?")
async def healthz() -> Gezondheid:
    return Gezondheid()


@router.get(
    "/readyz",
    summary="Is de database bereikbaar? / Is the database reachable?",
    response_model=Gezondheid,
    responses=fout_antwoorden(503),
)
def readyz(request: Request) -> JSONResponse | Gezondheid:
    service = getattr(request.app.state, "service", None)
    gereed = (
        service.gereed() if service is not None else database_bereikbaar(request.app.state.settings)
    )
    if not gereed:
        return probleem(503, "niet_gereed", "De database is niet bereikbaar.")
    return Gezondheid()
