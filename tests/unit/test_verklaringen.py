"""Every command is declared once (domain/opdrachten/), and everything that names a command
agrees with its declaration: the aggregate's typed method and events, the rules, the
routes and the OpenAPI document, the policy's write table, the audit trail's labels."""

from __future__ import annotations

import inspect
import re
import secrets
import typing
from typing import Any, get_args

import pytest
from pydantic import SecretStr

from api.app import create_app
from application.toegang import RELATIES, SCHRIJVEN
from domain.casus import Casus
from domain.fouten import REGEL_VOORRANG
from domain.invoer import Verzoek
from domain.opdrachten import HANDELINGEN, OPDRACHTEN, PER_SEGMENT, SignaalVerzoek
from domain.verklaring import UITVOERING
from domain.waarden import Rol
from infrastructure.settings import Settings
from projections.audittrail import ACTIES

# Every event class on the aggregate, by name (the library's own bases excluded).
GEBEURTENISSEN = {
    naam
    for naam, waarde in vars(Casus).items()
    if isinstance(waarde, type) and issubclass(waarde, Casus.Event)
} - {"Event", "Created"}


def test_segments_are_unique_and_each_command_is_one_class() -> None:
    segmenten = [m.verklaring.segment for m in OPDRACHTEN]
    assert len(segmenten) == len(set(segmenten))
    assert len(set(OPDRACHTEN)) == len(OPDRACHTEN)
    assert set(PER_SEGMENT) == {m.verklaring.segment for m in HANDELINGEN}


@pytest.mark.parametrize("model", HANDELINGEN, ids=lambda m: m.verklaring.segment)
def test_each_command_on_a_file_has_one_typed_method_taking_its_own_model(
    model: type[Verzoek],
) -> None:
    methode = UITVOERING[model]
    assert getattr(Casus, methode.__name__) is methode
    hints = typing.get_type_hints(methode)
    assert hints["verzoek"] is model
    assert list(inspect.signature(methode).parameters)[:4] == [
        "self",
        "verzoek",
        "actor",
        "vandaag",
    ]


def test_no_method_is_marked_for_an_input_that_is_not_declared() -> None:
    assert set(UITVOERING) == set(HANDELINGEN)


def test_every_event_of_the_aggregate_is_declared_by_exactly_one_command() -> None:
    verklaard = [g for m in OPDRACHTEN for g in m.verklaring.gebeurtenissen]
    assert sorted(verklaard) == sorted(set(verklaard)), "een gebeurtenis is twee keer verklaard"
    assert set(verklaard) == GEBEURTENISSEN


def test_the_audit_trail_labels_every_event_by_its_declaration() -> None:
    assert set(ACTIES) == GEBEURTENISSEN
    for model in OPDRACHTEN:
        for soort, label in model.verklaring.gebeurtenissen.items():
            assert ACTIES[soort] == label and label.strip()


def test_the_policy_writes_exactly_the_declared_commands_with_known_roles_and_relations() -> None:
    assert {m.verklaring.segment: m.verklaring.schrijven for m in OPDRACHTEN} == SCHRIJVEN
    rollen = set(get_args(Rol))
    for segment, regels in SCHRIJVEN.items():
        assert regels, segment
        for rol, relaties in regels:
            assert rol in rollen, (segment, rol)
            assert set(relaties) <= set(RELATIES), (segment, relaties)


def test_every_rule_of_a_declaration_refuses_only_with_a_code_of_the_precedence() -> None:
    # The codes a rule can give are in its source (Overtreding("<code>", ...)).
    for model in OPDRACHTEN:
        assert model.verklaring.regels, model.__name__
        for regel in model.verklaring.regels:
            bron = inspect.getsource(regel) if inspect.isfunction(regel) else ""
            for code in _codes_in(bron):
                assert code in REGEL_VOORRANG, (model.__name__, code)


def _codes_in(bron: str) -> list[str]:
    return re.findall(r'Overtreding\(\s*"([a-z_]+)"', bron)


def _document() -> dict[str, Any]:
    # An app that never starts (no lifespan), so it touches no database.
    instellingen = Settings(
        database_url="sqlite:///unused.sqlite",
        jwt_secret=SecretStr(secrets.token_urlsafe(32)),
        id_sleutel=SecretStr(secrets.token_urlsafe(32)),
    )
    return create_app(instellingen).openapi()


def test_routes_and_the_openapi_document_come_from_the_declarations() -> None:
    document = _document()
    paden = document["paths"]
    for model in HANDELINGEN:
        v = model.verklaring
        operatie = paden[f"/api/v1/casussen/{{casus_id}}/{v.segment}"]["post"]
        assert operatie["summary"] == v.samenvatting
        schema = operatie["requestBody"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{model.__name__}"}
    commandoroutes = {
        p.rsplit("/", 1)[-1]
        for p, ops in paden.items()
        if p.startswith("/api/v1/casussen/{casus_id}/") and "post" in ops
    }
    assert commandoroutes == {m.verklaring.segment for m in OPDRACHTEN}
    signaal = paden["/api/v1/signalen"]["post"]["requestBody"]["content"]["application/json"]
    assert signaal["schema"] == {"$ref": f"#/components/schemas/{SignaalVerzoek.__name__}"}
