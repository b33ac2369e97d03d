"""The service as shipped on PostgreSQL, with the roles docker-compose.yml uses: an owner
installs (`zorgroute audit installeer --verleen APP --projector PROJECTOR`), the API runs
as the application role and the projector as its own, neither able to change history.

Roles and the database get names unique to this run, so parallel runs never collide."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from pydantic import SecretStr
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.samenstelling import bouw_runner
from application.service import Zorgroute
from infrastructure.auth import maak_token
from infrastructure.opslag import bouw_opslag
from infrastructure.persistence import postgres_doel
from infrastructure.settings import Settings

pytestmark = pytest.mark.postgres
WACHTWOORD = "geheim-voor-de-test"
SLEUTEL = "sleutel-die-de-database-niet-heeft"


@dataclass(frozen=True)
class Rollen:
    eigenaar: str
    app: str
    projector: str
    database: str
    basis: str

    def url(self, rol: str) -> str:
        doel = postgres_doel(self.basis)
        return f"postgresql://{rol}:{WACHTWOORD}@{doel.host}:{doel.port}/{self.database}"

    def settings(self, rol: str, **extra: object) -> Settings:
        return Settings(
            database_url=self.url(rol),
            jwt_secret=SecretStr("j" * 32),
            id_sleutel=SecretStr("i" * 32),
            maak_tabellen=False,
            **extra,  # type: ignore[arg-type]
        )


@pytest.fixture
def rollen(postgres_url: str) -> Iterator[Rollen]:
    staart = uuid.uuid4().hex[:10]
    r = Rollen(
        f"zr_eig_{staart}", f"zr_app_{staart}", f"zr_proj_{staart}", f"zr_{staart}", postgres_url
    )
    with psycopg.connect(postgres_url, autocommit=True) as su:
        for rol in (r.eigenaar, r.app, r.projector):
            su.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(rol), sql.Literal(WACHTWOORD)
                )
            )
        # Default privileges on the projector's tables: the owner must act for it.
        su.execute(
            sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(r.projector), sql.Identifier(r.eigenaar)
            )
        )
        su.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(r.database), sql.Identifier(r.eigenaar)
            )
        )
    try:
        uitkomst = CliRunner().invoke(
            cli,
            ["audit", "installeer", "--verleen", r.app, "--projector", r.projector],
            env={"ZORGROUTE_DATABASE_URL": r.url(r.eigenaar)},
        )
        assert uitkomst.exit_code == 0, uitkomst.output
        yield r
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as su:
            with contextlib.suppress(psycopg.Error):
                su.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(r.database)
                    )
                )
            for rol in (r.app, r.projector, r.eigenaar):
                with contextlib.suppress(psycopg.Error):
                    su.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(rol)))


def test_api_en_projector_draaien_met_alleen_hun_eigen_rechten(rollen: Rollen) -> None:
    api = rollen.settings(rollen.app, projecties_in_proces=False)
    token = maak_token(
        "j" * 32, sub="zc-devries", naam="A. de Vries", rol="zorgcoordinator", school="99XX"
    )
    kop = {"Authorization": f"Bearer {token}"}
    onderwerp = {"type": "leerling", "leerlingnummer": "401234", "naam": "Noor", "klas": "H3A",
                 "afdeling": "havo", "leerjaar": 3}  # fmt: skip
    with TestClient(create_app(api)) as client:
        # A signal (the events: INSERT under the library's EXCLUSIVE lock) and a read
        # (the access log) as the application role.
        antwoord = client.post(
            "/api/v1/signalen",
            headers=kop,
            json={
                "onderwerp": onderwerp,
                "categorieen": ["verzuim"],
                "omschrijving": "Mist vaak het eerste uur.",
                "bron": "mentor",
            },
        )
        assert antwoord.status_code == 201, antwoord.text
        casus_id = antwoord.json()["casus_id"]
        assert client.get(f"/api/v1/casussen/{casus_id}", headers=kop).status_code == 200
        # The save stored its request key too: a lost reply cannot store it twice.
        with psycopg.connect(rollen.url(rollen.app), autocommit=True) as als_app:
            rij = als_app.execute("SELECT count(*) FROM zorgroute_events_verzoeken").fetchone()
            assert rij is not None and rij[0] >= 1

        # The projector as its own role: makes its views, follows the events, seals them.
        projector = rollen.settings(rollen.projector, keten_sleutel=SecretStr(SLEUTEL))
        service = Zorgroute(bouw_opslag(projector), id_sleutel=projector.id_sleutel_bytes())
        runner = bouw_runner(projector, service)
        try:
            assert runner.verwerk_beschikbaar() >= 2
            from infrastructure.verzegelen import Verzegelaar
            from infrastructure.zegels import Zegels

            Verzegelaar(
                SLEUTEL.encode(), service.opslag.recorder, Zegels.van_settings(projector)
            ).verzegel()
        finally:
            runner.opslag.sluit()
            service.close()
        # The API reads the projector's view (SELECT by default privileges), once its own
        # retry found the views the projector made (it started before they existed).
        for _ in range(100):
            lijst = client.get(
                "/api/v1/casussen", headers=kop, params={"na": antwoord.json()["positie"]}
            )
            if lijst.json().get("code") != "niet_gereed":
                break
            time.sleep(0.1)
        assert lijst.status_code == 200, lijst.text
        assert [c["casus_id"] for c in lijst.json()["items"]] == [casus_id]

    # Neither role can change history; the owner's verify (with the key) finds it whole.
    with psycopg.connect(rollen.url(rollen.app), autocommit=True) as als_app:
        for opdracht in (
            "UPDATE zorgroute_events SET topic = 'x'",
            "DELETE FROM zorgroute_events",
            "TRUNCATE zorgroute_events",
            "UPDATE toegangslog SET gebruiker_id = 'x'",
            "DELETE FROM toegangslog",
            "DELETE FROM gebeurtenis_zegels",
            "INSERT INTO gebeurtenis_zegels VALUES (99, 'x', 'nu')",
            "CREATE TABLE eigen (a int)",
            "DROP TABLE pv_casussen",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                als_app.execute(opdracht)
    with psycopg.connect(rollen.url(rollen.projector), autocommit=True) as als_projector:
        for opdracht in (
            "INSERT INTO zorgroute_events (originator_id, originator_version) VALUES (gen_random_uuid(), 1)",
            "UPDATE zorgroute_events SET topic = 'x'",
            "DELETE FROM gebeurtenis_zegels",
            "UPDATE gebeurtenis_zegels SET mac = 'x'",
            "INSERT INTO toegangslog_kop VALUES (2, 0, 'x')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                als_projector.execute(opdracht)
    verify = CliRunner().invoke(
        cli,
        ["audit", "verify"],
        env={"ZORGROUTE_DATABASE_URL": rollen.url(rollen.app), "ZORGROUTE_KETEN_SLEUTEL": SLEUTEL},
    )
    assert verify.exit_code == 0, verify.output
    assert "gebeurtenissen intact: 2 verzegeld, 0 nog niet verzegeld" in verify.output
