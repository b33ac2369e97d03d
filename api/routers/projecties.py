"""Operations: how far each view is, and whether one has stopped."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import App, BronDep, CurrentUser, Views
from api.problemen import fout_antwoorden
from api.routers import API_PREFIX
from projections import beheer

router = APIRouter(prefix=API_PREFIX, tags=["beheer"])


@router.get(
    "/projecties",
    summary="Stand van de projecties / Projection status",
    description="Per weergave: positie, achterstand in gebeurtenissen en seconden, status "
    "(`actief` of `gestopt` met de foutpositie en de fout).",
    responses=fout_antwoorden(401, 403, 422, 503),
)
def status(runner: Views, service: App, gebruiker: CurrentUser, bron: BronDep) -> dict[str, Any]:
    service.poortwachter.overzicht(gebruiker, "projecties", bron)
    return {"items": beheer.status(runner)}
