"""Installing as the database owner, so that the service can run without it.

`zorgroute audit installeer` makes, as the owner, every table the service needs (the event
store, the access log, the seals), puts append-only triggers on the events, and grants:

- the application role (`--verleen`, the API): on the events SELECT and INSERT, and
  UPDATE only because the library's save takes `LOCK … IN EXCLUSIVE MODE`, which
  PostgreSQL allows only with UPDATE, DELETE or TRUNCATE; the trigger refuses every
  UPDATE and DELETE. The access log as `Toegangslog.verleen`; SELECT on the seals and on
  the views;
- the projector role (`--projector`): SELECT on the events and the access log, INSERT on
  the seals (it runs the sealer), and CREATE in the schema: it owns the views' tables,
  which it makes and rebuilds itself; what it makes, the application roles may read
  (default privileges, hence: run this as a superuser, or as an owner who is a member of
  the projector role).
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment
from psycopg import sql

from infrastructure.opslag.adapter import Gebeurtenislog
from infrastructure.persistence import eventsourcing_env, postgres_doel
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from infrastructure.zegels import SOORTEN, Zegels

_EVENTS_TRIGGERS = """
CREATE OR REPLACE FUNCTION gebeurtenissen_weiger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'gebeurtenissen zijn alleen-toevoegen: % is niet toegestaan', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER {rij} BEFORE UPDATE OR DELETE ON {tabel}
  FOR EACH ROW EXECUTE FUNCTION gebeurtenissen_weiger();
CREATE OR REPLACE TRIGGER {truncate} BEFORE TRUNCATE ON {tabel}
  FOR EACH STATEMENT EXECUTE FUNCTION gebeurtenissen_weiger();
REVOKE UPDATE, DELETE, TRUNCATE ON {tabel} FROM PUBLIC;
"""
# The views' tables (projections/basis.py names them pv_…) and the runner's positions.
_WEERGAVEN = """SELECT quote_ident(tablename) FROM pg_tables
    WHERE schemaname = current_schema() AND (tablename LIKE 'pv\\_%' OR tablename = 'projectie_status')"""


class InstallatieFout(RuntimeError):
    """The message says what failed, in Dutch, without values from the data."""


def installeer(
    settings: Settings, *, app_rollen: Sequence[str] = (), projector_rollen: Sequence[str] = ()
) -> None:
    """Make everything (idempotent) and, on PostgreSQL, grant the roles."""
    env = {**eventsourcing_env(settings), "CREATE_TABLE": "y"}
    fabriek = InfrastructureFactory.construct(Environment(Gebeurtenislog.name, env))
    try:
        tabel = str(getattr(fabriek.application_recorder(), "events_table_name", ""))
    finally:
        fabriek.close()
    logboek = Toegangslog.van_settings(settings)
    try:
        logboek.installeer()
        for rol in app_rollen:
            logboek.verleen(rol)
    finally:
        logboek.sluit()
    Zegels.van_settings(settings).installeer()
    if not settings.is_sqlite:
        _pg(settings, tabel, app_rollen, projector_rollen)


def _pg(settings: Settings, tabel: str, app: Sequence[str], projector: Sequence[str]) -> None:
    doel = postgres_doel(settings.database_url)
    opties = f"-c search_path={doel.schema}" if doel.schema else ""
    try:
        with psycopg.connect(**doel.verbinding(options=opties)) as pg, pg.transaction():
            rij = pg.execute(
                "SELECT current_schema(), pg_get_serial_sequence("
                "quote_ident(current_schema()) || '.' || quote_ident(%s), 'notification_id')",
                [tabel],
            ).fetchone()
            assert rij is not None
            schema, t = sql.Identifier(str(rij[0])), sql.Identifier(tabel)
            pg.execute(
                sql.SQL(_EVENTS_TRIGGERS).format(
                    tabel=t,
                    rij=sql.Identifier(f"{tabel}_alleen_toevoegen"),
                    truncate=sql.Identifier(f"{tabel}_geen_truncate"),
                )
            )
            weergaven = [str(r[0]) for r in pg.execute(_WEERGAVEN).fetchall()]

            def verleen(opdracht: str, rol: str, **extra: sql.Composable) -> None:
                pg.execute(
                    sql.SQL(opdracht).format(
                        rol=sql.Identifier(rol), schema=schema, tabel=t, **extra
                    )
                )

            for rol in app:
                verleen("GRANT USAGE ON SCHEMA {schema} TO {rol}", rol)
                # UPDATE only for the library's LOCK … IN EXCLUSIVE MODE: the trigger
                # refuses every UPDATE itself.
                verleen("GRANT SELECT, INSERT, UPDATE ON {tabel} TO {rol}", rol)
                if rij[1]:
                    verleen("GRANT USAGE ON SEQUENCE {reeks} TO {rol}", rol, reeks=sql.SQL(rij[1]))
                # The request keys saved with the events (infrastructure/pg_recorder.py):
                # without them a lost reply could store a command twice. DELETE for the
                # expiry of old keys, which is all the app removes.
                verleen(
                    "GRANT SELECT, INSERT, DELETE ON {verzoeken} TO {rol}",
                    rol,
                    verzoeken=sql.Identifier(f"{tabel}_verzoeken"),
                )
                for naam in (*SOORTEN, *weergaven):
                    verleen("GRANT SELECT ON {naam} TO {rol}", rol, naam=sql.Identifier(naam))
                for eigenaar in projector:
                    # The views' tables the projector makes (and remakes) later.
                    verleen(
                        "ALTER DEFAULT PRIVILEGES FOR ROLE {eigenaar} IN SCHEMA {schema} "
                        "GRANT SELECT ON TABLES TO {rol}",
                        rol,
                        eigenaar=sql.Identifier(eigenaar),
                    )
            for rol in projector:
                verleen("GRANT USAGE, CREATE ON SCHEMA {schema} TO {rol}", rol)
                verleen("GRANT SELECT ON {tabel}, toegangslog, toegangslog_kop TO {rol}", rol)
                for naam in SOORTEN:
                    verleen(
                        "GRANT SELECT, INSERT ON {naam} TO {rol}", rol, naam=sql.Identifier(naam)
                    )
    except psycopg.errors.InsufficientPrivilege as fout:
        raise InstallatieFout(
            "deze databaserol mag niet alles installeren of verlenen; draai dit als "
            f"superuser of als eigenaar van de database ({fout.diag.message_primary})"
        ) from fout
    except psycopg.errors.UndefinedObject as fout:
        raise InstallatieFout(f"rol ontbreekt ({fout.diag.message_primary})") from fout
