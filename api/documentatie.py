"""`/docs`: Swagger UI from the files of the pinned `swagger-ui-bundle-v2` package, never
from a CDN (so it works offline and behind a school's proxy), with a Content-Security-Policy
that allows exactly those files, the page's own start script and calls to this API.
Switched off with ZORGROUTE_DOCS=false (production); `/openapi.json` stays, it is the contract.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from swagger_ui_bundle import swagger_ui_path

DOCS_URL = "/docs"
BESTANDEN_URL = DOCS_URL + "/bestanden"
# Only what the page loads; the package's other files (maps, its own index) stay unserved.
BESTANDEN = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def _csp(html: bytes) -> str:
    # The start script by its hash rather than 'unsafe-inline': nothing else inline runs.
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def voeg_docs_toe(app: FastAPI) -> None:
    """The page and its three files, outside the OpenAPI document."""

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        basis = str(request.scope.get("root_path", ""))
        antwoord = get_swagger_ui_html(
            openapi_url=basis + str(app.openapi_url),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{basis}{BESTANDEN_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{basis}{BESTANDEN_URL}/swagger-ui.css",
            swagger_favicon_url=f"{basis}{BESTANDEN_URL}/favicon-32x32.png",
        )
        antwoord.headers["Content-Security-Policy"] = _csp(bytes(antwoord.body))
        return antwoord

    @app.get(BESTANDEN_URL + "/{naam}", include_in_schema=False)
    async def bestand(naam: str) -> FileResponse:
        soort = BESTANDEN.get(naam)
        if soort is None:
            raise StarletteHTTPException(status_code=404)
        # Public code of a pinned version, no care data: a browser may keep it a day.
        return FileResponse(
            swagger_ui_path / naam,
            media_type=soort,
            headers={"Cache-Control": "public, max-age=86400"},
        )
