"""Tampering on PostgreSQL, with real roles: an owner installs the log and grants an
application role only INSERT/SELECT (and moving the head forward). The application role
cannot change or remove entries; the owner can, around the triggers, and then
`zorgroute audit verify` names the entry that was touched.

Roles and the database get names unique to this run, so parallel runs never collide."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace as vervang
from datetime import timedelta

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from api.cli import app
from application.toegangslog import ToegangslogOnbeschikbaar
from infrastructure.persistence import postgres_doel
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from tests.integration.test_toegangslog import REGEL, T0

pytestmark = pytest.mark.postgres
WACHTWOORD = "geheim-voor-de-test"


@dataclass(frozen=True)
class Omgeving:
    eigenaar_url: str
    app_url: str
    app_rol: str


def _url(basis: str, gebruiker: str, database: str) -> str:
    doel = postgres_doel(basis)
    return f"postgresql://{gebruiker}:{WACHTWOORD}@{doel.host}:{doel.port}/{database}"


@pytest.fixture
def omgeving(postgres_url: str) -> Iterator[Omgeving]:
    achtervoegsel = uuid.uuid4().hex[:12]
    eigenaar, app_rol = f"zr_eigenaar_{achtervoegsel}", f"zr_app_{achtervoegsel}"
    database = f"zr_toegangslog_{achtervoegsel}"
    with psycopg.connect(postgres_url, autocommit=True) as su:
        for rol in (eigenaar, app_rol):
            su.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(rol), sql.Literal(WACHTWOORD)
                )
            )
        su.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(eigenaar)
            )
        )
    try:
        yield Omgeving(
            _url(postgres_url, eigenaar, database), _url(postgres_url, app_rol, database), app_rol
        )
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as su:
            with contextlib.suppress(psycopg.Error):
                su.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(database)
                    )
                )
            for rol in (app_rol, eigenaar):
                with contextlib.suppress(psycopg.Error):
                    su.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(rol)))


@pytest.fixture
def gevuld(omgeving: Omgeving) -> Omgeving:
    """The owner installs and grants (`zorgroute audit installeer --verleen`); the
    application role writes five entries."""
    uitkomst = CliRunner().invoke(
        app,
        ["audit", "installeer", "--verleen", omgeving.app_rol],
        env={"ZORGROUTE_DATABASE_URL": omgeving.eigenaar_url},
    )
    assert uitkomst.exit_code == 0, uitkomst.output
    als_app = Toegangslog.van_settings(Settings(database_url=omgeving.app_url))
    try:
        als_app.installeer()  # already in place: no DDL, so no CREATE right needed
        for i in range(5):
            als_app.schrijf(vervang(REGEL, tijdstip=T0 + timedelta(minutes=i)))
        assert als_app.verifieer().ok
    finally:
        als_app.sluit()
    return omgeving


def audit_verify(url: str) -> tuple[int, str]:
    uitkomst = CliRunner().invoke(app, ["audit", "verify"], env={"ZORGROUTE_DATABASE_URL": url})
    return uitkomst.exit_code, uitkomst.output.strip()


def test_applicatierol_schrijft_maar_wijzigt_en_verwijdert_niet(gevuld: Omgeving) -> None:
    with psycopg.connect(gevuld.app_url, autocommit=True) as als_app:
        for opdracht in (
            "UPDATE toegangslog SET gebruiker_naam = 'X' WHERE volgnummer = 2",
            "DELETE FROM toegangslog WHERE volgnummer = 2",
            "TRUNCATE toegangslog",
            "DELETE FROM toegangslog_kop",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                als_app.execute(opdracht)
        # UPDATE on the head is granted, but the trigger only lets it move one entry on.
        for opdracht in (
            "UPDATE toegangslog_kop SET volgnummer = 4",
            "UPDATE toegangslog_kop SET volgnummer = 6, hash = 'x'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="kop"):
                als_app.execute(opdracht)
    assert audit_verify(gevuld.app_url) == (0, "toegangslog intact: 5 regels")


def test_eigenaar_wordt_zonder_omweg_ook_geweigerd(gevuld: Omgeving) -> None:
    with psycopg.connect(gevuld.eigenaar_url, autocommit=True) as eig:
        for opdracht in (
            "UPDATE toegangslog SET gebruiker_naam = 'X' WHERE volgnummer = 2",
            "DELETE FROM toegangslog WHERE volgnummer = 2",
            "TRUNCATE toegangslog",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="alleen-toevoegen"):
                eig.execute(opdracht)


@pytest.mark.parametrize(
    ("opdracht", "melding"),
    [
        (
            "UPDATE toegangslog SET gebruiker_id = 'iemand-anders' WHERE volgnummer = 3",
            "toegangslog gebroken bij regel 3: hash klopt niet: regel is gewijzigd",
        ),
        (
            "DELETE FROM toegangslog WHERE volgnummer = 2",
            "toegangslog gebroken bij regel 2: regel ontbreekt (gat in de volgnummers)",
        ),
        (
            "DELETE FROM toegangslog WHERE volgnummer = 5",
            "toegangslog gebroken bij regel 5: regel ontbreekt (de kop wijst naar 5)",
        ),
    ],
    ids=["wijzigen", "verwijderen", "laatste-verwijderen"],
)
def test_eigenaar_die_de_trigger_uitzet_wordt_betrapt(
    gevuld: Omgeving, opdracht: str, melding: str
) -> None:
    with psycopg.connect(gevuld.eigenaar_url, autocommit=True) as eig:
        # What an owner can always do: switch the guard off, change, switch it back on.
        eig.execute("ALTER TABLE toegangslog DISABLE TRIGGER toegangslog_alleen_toevoegen")
        eig.execute(opdracht)
        eig.execute("ALTER TABLE toegangslog ENABLE TRIGGER toegangslog_alleen_toevoegen")
    assert audit_verify(gevuld.app_url) == (1, melding)


def test_applicatierol_kan_de_log_niet_zelf_aanmaken(omgeving: Omgeving) -> None:
    als_app = Toegangslog.van_settings(Settings(database_url=omgeving.app_url))
    try:
        with pytest.raises(ToegangslogOnbeschikbaar, match="eigenaar"):
            als_app.installeer()
    finally:
        als_app.sluit()
