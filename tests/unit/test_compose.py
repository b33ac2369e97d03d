"""docker-compose.yml cannot be run here (no Docker engine), so check it against the code."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from infrastructure.settings import Settings

WORTEL = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    inhoud = yaml.safe_load((WORTEL / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(inhoud, dict)
    return inhoud


def _cli_commandos() -> set[str]:
    try:
        module = importlib.import_module("api.cli")
    except ImportError as fout:
        pytest.fail(f"api.cli is niet importeerbaar ({fout}); de CLI hoort daar te staan")
    app = getattr(module, "app", None)
    assert isinstance(app, typer.Typer), "api.cli.app moet een typer.Typer zijn"
    commando = typer.main.get_command(app)
    # typer vendors its own click, so check for the group's behaviour, not click's class.
    onderliggend = getattr(commando, "commands", None)
    if isinstance(onderliggend, dict):
        return set(onderliggend)
    return {commando.name or ""}


def _omgeving(dienst: dict[str, Any]) -> dict[str, str]:
    omgeving = dienst.get("environment", {})
    if isinstance(omgeving, list):
        return dict(regel.split("=", 1) for regel in omgeving)
    return {str(k): str(v) for k, v in omgeving.items()}


def test_zorgroute_variabelen_bestaan_in_settings(compose: dict[str, Any]) -> None:
    velden = {f"ZORGROUTE_{naam.upper()}" for naam in Settings.model_fields}
    gebruikt = {
        naam
        for dienst in compose["services"].values()
        for naam in _omgeving(dienst)
        if naam.startswith("ZORGROUTE_")
    }
    assert gebruikt, "de api-dienst hoort ZORGROUTE_*-variabelen te zetten"
    assert gebruikt <= velden, f"onbekend in Settings: {sorted(gebruikt - velden)}"


def test_api_gebruikt_postgres_zonder_vaste_geheimen(compose: dict[str, Any]) -> None:
    omgeving = _omgeving(compose["services"]["api"])
    assert omgeving["ZORGROUTE_DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in omgeving["ZORGROUTE_DATABASE_URL"]
    for naam in ("ZORGROUTE_JWT_SECRET", "ZORGROUTE_ID_SLEUTEL"):
        assert re.fullmatch(r"\$\{" + naam + r":\?[^}]+\}", omgeving[naam]), naam


def test_api_commando_bestaat_in_cli(compose: dict[str, Any]) -> None:
    for naam in ("api", "projector"):
        commando = compose["services"][naam]["command"]
        argumenten = commando if isinstance(commando, list) else commando.split()
        assert argumenten[0] == "zorgroute"
        assert argumenten[1] in _cli_commandos(), naam


def test_the_api_leaves_the_views_to_the_projector_service(compose: dict[str, Any]) -> None:
    api = _omgeving(compose["services"]["api"])
    assert api["ZORGROUTE_PROJECTIES_IN_PROCES"] == "false"
    assert compose["services"]["projector"]["depends_on"]["postgres"] == {
        "condition": "service_healthy"
    }


def test_cli_kent_de_gedocumenteerde_commandos() -> None:
    assert {"serve", "token", "seed-demo", "projector", "projecties"} <= _cli_commandos()


def test_dockerfile_start_hetzelfde_commando(compose: dict[str, Any]) -> None:
    dockerfile = (WORTEL / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["zorgroute", "serve", "--host", "0.0.0.0", "--port", "8000"]' in dockerfile
    assert "\nUSER " in dockerfile


def test_postgres_gezond_en_persistent(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volumes = [str(v) for v in postgres["volumes"]]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in volumes)
    naam = volumes[0].split(":", 1)[0]
    assert naam in compose.get("volumes", {}), "het volume hoort een benoemd volume te zijn"


def test_api_wacht_op_gezonde_postgres(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert api["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert api["build"] in (".", {"context": "."})
    assert any(str(p).endswith("8000") for p in api["ports"])


# The one-shot services that install as the superuser; nothing else may connect as it.
INSTALLATIE = {"rollen", "installeer"}


def _verbindt_als(dienst: dict[str, Any]) -> set[str]:
    """Every database user a service connects as: from URLs in its environment and
    libpq's PGUSER."""
    gebruikers = set()
    for naam, waarde in _omgeving(dienst).items():
        if naam == "PGUSER":
            gebruikers.add(waarde)
        for url in re.findall(r"postgres(?:ql)?://[^\s\"']+", waarde):
            gebruikers.add(re.sub(r"[:@].*", "", url.split("://", 1)[1]))
    return gebruikers


def test_geen_dienst_behalve_de_installatie_verbindt_als_superuser(compose: dict[str, Any]) -> None:
    diensten = compose["services"]
    superuser = _omgeving(diensten["postgres"]).get("POSTGRES_USER", "postgres")
    for naam, dienst in diensten.items():
        if naam in INSTALLATIE or naam == "postgres":
            continue
        gebruikers = _verbindt_als(dienst)
        assert not gebruikers & {superuser, "postgres"}, f"{naam} verbindt als superuser"
    # The app and the projector each connect, as exactly the role the installer grants.
    installeer = diensten["installeer"]["command"]
    assert installeer[:3] == ["zorgroute", "audit", "installeer"]
    assert _verbindt_als(diensten["installeer"]) == {superuser}
    for naam, optie in (("api", "--verleen"), ("projector", "--projector")):
        (rol,) = _verbindt_als(diensten[naam])
        assert installeer[installeer.index(optie) + 1] == rol, naam
        # Without DDL rights the tables must be there already: made by the installer.
        assert _omgeving(diensten[naam])["ZORGROUTE_MAAK_TABELLEN"] == "false"
        assert diensten[naam]["depends_on"]["installeer"] == {
            "condition": "service_completed_successfully"
        }
    assert {"zorgroute_app", "zorgroute_projector"} <= set(
        re.findall(r"CREATE ROLE (\w+) LOGIN", diensten["rollen"]["command"][0])
    )


def test_de_sleutel_van_de_zegels_komt_niet_bij_de_database(compose: dict[str, Any]) -> None:
    diensten = compose["services"]
    projector = _omgeving(diensten["projector"])
    assert re.fullmatch(
        r"\$\{ZORGROUTE_KETEN_SLEUTEL:\?[^}]+\}", projector["ZORGROUTE_KETEN_SLEUTEL"]
    )
    for naam in ("postgres", "rollen", "installeer", "api"):
        assert "ZORGROUTE_KETEN_SLEUTEL" not in _omgeving(diensten[naam]), naam
