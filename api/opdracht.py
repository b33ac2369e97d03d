"""What a command endpoint takes from its request besides its body and file: the service,
the actor (from the token, never from the body), `If-Match`, `Idempotency-Key` and the
NEN 7513 headers.

Read in one dependency whose only parameter is the request: declared as FastAPI
parameters (a security scheme and five headers), each would be one more parameter for
FastAPI to resolve on every command (bench/README.md). They are checked as FastAPI would
check them (api/koppen.py) and listed in the OpenAPI document as FastAPI would list them,
through the route's `openapi_extra` (`OPENAPI`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from api.deps import bearer_token, bron_van, gebruiker_van, service_van, versie_van
from api.koppen import IDEMPOTENCY_KEY, IF_MATCH, X_DOEL, X_NAMENS, X_NOODTOEGANG, koppen_van
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from application.toegangslog import Bron

KOPPEN = (IF_MATCH, IDEMPOTENCY_KEY, X_NAMENS, X_DOEL, X_NOODTOEGANG)
OPENAPI: dict[str, Any] = {
    "security": [{"HTTPBearer": []}],
    "parameters": [kop.openapi() for kop in KOPPEN],
}


@dataclass(frozen=True)
class Opdracht:
    service: Zorgroute
    actor: Gebruiker
    verwachte_versie: int | None
    idempotentie_sleutel: str | None
    bron: Bron

    def opties(self) -> dict[str, Any]:
        """The service's keyword arguments for a command."""
        return {
            "verwachte_versie": self.verwachte_versie,
            "idempotentie_sleutel": self.idempotentie_sleutel,
            "bron": self.bron,
        }


async def opdracht_van(request: Request) -> Opdracht:
    fouten: list[dict[str, Any]] = []
    koppen = koppen_van(request.scope)
    # Who is asking comes first, as on every read: without a valid token the answer is
    # 401, whatever else the request holds; then a header that breaks its limits is 422.
    actor = gebruiker_van(request, bearer_token(koppen.get("authorization")))
    if_match, sleutel, namens, doel, noodtoegang = (kop.lees(koppen, fouten) for kop in KOPPEN)
    if fouten:
        raise RequestValidationError(fouten)
    return Opdracht(
        await service_van(request),
        actor,
        versie_van(if_match),
        sleutel,
        bron_van(request, namens, doel, noodtoegang),
    )


OpdrachtDep = Annotated[Opdracht, Depends(opdracht_van)]
