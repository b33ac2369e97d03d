"""Schemathesis over `/openapi.json` with all its checks: never a 500, and every answer
as the document says (status, content type, headers, body schema).

Two phases: fuzzing every operation (valid and invalid input), and the stateful phase,
which follows the document's OpenAPI links from a command's 201 to the operations on
the file it names, so real files are read and changed. SQLite only, one app for the
module: the question is whether any input breaks the server, not the backend, and a
shared file keeps it fast. In the fuzzing phase valid UUIDs in the path are swapped for
real files too, so generated bodies reach the domain rules, not just a 404.

    ./.venv/bin/python -m pytest tests/e2e/test_schemathesis.py
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.config import SchemathesisConfig

from api.app import create_app
from application.service import Zorgroute
from infrastructure.auth import maak_token
from infrastructure.opslag import bouw_opslag
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from tests.e2e.conftest import klas, leerling, signaal


@pytest.fixture(scope="module")
def omgeving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    pad: Path = tmp_path_factory.mktemp("schemathesis") / "zorgroute.sqlite"
    instellingen = _sleutels().model_copy(update={"database_url": f"sqlite:///{pad}"})
    toegangslog = Toegangslog.van_settings(instellingen)
    toegangslog.installeer()
    service = Zorgroute(
        bouw_opslag(instellingen),
        id_sleutel=instellingen.id_sleutel_bytes(),
        toegangslog=toegangslog,
    )
    app = create_app(instellingen, service=service)
    token = maak_token(
        instellingen.jwt_secret.get_secret_value(),  # type: ignore[union-attr]
        sub="zc-fuzz",
        naam="Fuzz",
        rol="zorgcoordinator",
        school="99XX",
    )
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        dossiers = [
            client.post("/api/v1/signalen", json=signaal(o), headers=headers).json()["casus_id"]
            for o in (leerling(), klas())
        ]
    # Checks that send again (without the token, say) go through the schema's transport:
    # to this app, not over the network.
    schema.app = app
    yield {"app": app, "headers": headers, "dossiers": dossiers}
    service.close()
    toegangslog.sluit()


def _sleutels() -> Settings:
    return Settings(
        database_url="sqlite:///unused.sqlite",
        jwt_secret=SecretStr(secrets.token_urlsafe(32)),
        id_sleutel=SecretStr(secrets.token_urlsafe(32)),
        # The checks send requests without the token on purpose; the limit on failed
        # authentication (tested on its own) would shut the run out after twenty.
        auth_max_mislukt=0,
    )


# The document is read at collection time from an app that never starts (so touches no
# database); the calls go to the module's real app. (`schemathesis.pytest.from_fixture`
# would be neater but breaks on pytest 9: it writes the removed `Node._nodeid`.)
# A schema-valid request may still be refused by what no JSON Schema can state: a date
# of what happened after today, an opaque cursor, `op` beside `versie` (422), a broken
# rule of the route (409) or a stale If-Match (412). Everything else keeps its default.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422"]
            }
        }
    }
)
schema = schemathesis.openapi.from_dict(create_app(_sleutels()).openapi(), config=CONFIG)


def _is_uuid(waarde: Any) -> bool:
    try:
        uuid.UUID(str(waarde))
    except ValueError:
        return False
    return True


TRAAG = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=TRAAG)
def test_geen_enkele_invoer_geeft_een_serverfout(case: Any, omgeving: dict[str, Any]) -> None:
    pad = case.path_parameters or {}
    if _is_uuid(pad.get("casus_id")):
        pad["casus_id"] = omgeving["dossiers"][uuid.UUID(str(pad["casus_id"])).int % 2]
    # `parametrize` works on its own copy of the schema: point that one at the app too.
    case.operation.schema.app = omgeving["app"]
    antwoord = case.call(app=omgeving["app"], headers=omgeving["headers"])
    # All checks; the ones that send again (e.g. without the token) reach the same app.
    # Every check, also those that send again (e.g. without the token).
    case.validate_response(
        antwoord, headers=omgeving["headers"], transport_kwargs={"app": omgeving["app"]}
    )


class Dossierroute(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls along the document's links: a signal's `casus_id` into reads
    and commands on that file, and on from their answers."""

    omgeving: dict[str, Any]

    def before_call(self, case: Any) -> None:
        # The token is the run's own (a generated one is refused, which the fuzzing phase
        # covers). A generated If-Match is a random string and would stop every step;
        # a version read from an answer is not something links can carry.
        koppen = dict(case.headers or {})
        koppen.pop("If-Match", None)
        case.headers = {**koppen, **self.omgeving["headers"]}

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"app": self.omgeving["app"], "headers": self.omgeving["headers"]}


def test_de_links_leiden_naar_echte_dossiers(omgeving: dict[str, Any]) -> None:
    links = schema.raw_schema["paths"]["/api/v1/signalen"]["post"]["responses"]["201"]["links"]
    assert {"get_dossier", "post_gesprekken", "post_evaluaties"} <= set(links)
    Dossierroute.omgeving = omgeving
    Dossierroute.run(
        settings=settings(
            max_examples=25, stateful_step_count=6, deadline=None, suppress_health_check=TRAAG
        )
    )
