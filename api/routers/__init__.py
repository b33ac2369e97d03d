"""One router per resource; `api.app.create_app` mounts them under `/api/v1`."""

from api.formaten import MEDIA_TYPES
from domain.opdrachten import OPDRACHTEN

# On each router rather than at `include_router`: the route's own `path` is then the full
# template, which the access log reports (`scope["route"].path`).
API_PREFIX = "/api/v1"

# Every operation on one file, as a path template under `API_PREFIX`. Also the paths the
# command routes are made from (api/routers/commandos.py), so the links stay complete.
_LEZEN = ("", "/geschiedenis", "/audittrail", "/toegangslog")


def dossierlinks() -> dict[int | str, dict[str, object]]:
    """`responses=` for a route whose 201 names a file: OpenAPI links from its `casus_id`
    to every operation on that file, so a client (or schemathesis's stateful phase)
    learns from the document where an answer leads."""
    links: dict[str, object] = {}
    handelingen = [m.verklaring.segment for m in OPDRACHTEN]
    paden = [("get", lees) for lees in _LEZEN] + [("post", f"/{h}") for h in handelingen]
    for methode, pad in paden:
        sjabloon = f"{API_PREFIX}/casussen/{{casus_id}}{pad}".replace("~", "~0").replace("/", "~1")
        naam = f"{methode}_{pad.strip('/').replace('-', '_') or 'dossier'}"
        links[naam] = {
            "operationRef": f"#/paths/{sjabloon}/{methode}",
            "parameters": {"casus_id": "$response.body#/casus_id"},
        }
    return {201: {"description": "Verwerkt; `casus_id` noemt het dossier.", "links": links}}


def bestanden(*formaten: str) -> dict[int | str, dict[str, object]]:
    """`responses=` for a read that also answers as a file (`?formaat=` or `Accept`): the
    200 is documented in each media type it can have, beside its JSON."""
    tekst = {"schema": {"type": "string"}}
    return {200: {"content": {MEDIA_TYPES[f].split(";")[0]: tekst for f in formaten}}}
