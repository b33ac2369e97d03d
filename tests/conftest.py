"""Shared fixtures: a PostgreSQL server for the session and a database per test on both backends.

``database_url`` runs each test that uses it twice, on SQLite (a file in ``tmp_path``) and on
PostgreSQL (a fresh schema, passed as ``?schema=``). PostgreSQL comes from
``ZORGROUTE_TEST_DATABASE_URL`` when set; otherwise a throwaway server is started from the
machine's binaries. Without PostgreSQL the run fails: a suite that silently skipped half its
backends would report green for code that was never exercised on the production database.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from pydantic import SecretStr

from infrastructure.settings import Settings

# The access tests' built school (`scenario`), a fixture shared by several e2e modules.
pytest_plugins = ["tests.e2e.toegang_bouw"]

INSTALLATIE_HULP = (
    "PostgreSQL is nodig voor de tests. Installeer het (Debian/Ubuntu: "
    "`apt-get install postgresql`) zodat initdb/pg_ctl in /usr/lib/postgresql/*/bin staan, "
    "of wijs een bestaande server aan met "
    "ZORGROUTE_TEST_DATABASE_URL=postgresql://gebruiker:wachtwoord@host:5432/database"
)


def _pg_bin_map() -> Path | None:
    """The newest installed server's bin directory (Debian layout first, then PATH)."""

    def versie(pad: str) -> tuple[int, ...]:
        naam = Path(pad).parent.name
        return tuple(int(d) for d in naam.split(".") if d.isdigit())

    kandidaten = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=versie, reverse=True)
    for kandidaat in kandidaten:
        if (Path(kandidaat) / "initdb").exists() and (Path(kandidaat) / "pg_ctl").exists():
            return Path(kandidaat)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


def _vrije_poort() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_gebruiker() -> str | None:
    """initdb and postgres refuse to run as root; pick an unprivileged account to run them."""
    if os.geteuid() != 0:
        return None
    for naam in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(naam)
            return naam
    pytest.fail(
        "Tests draaien als root, maar er is geen gebruiker 'postgres' of 'nobody' om "
        "PostgreSQL onder te starten. " + INSTALLATIE_HULP,
        pytrace=False,
    )


class _TijdelijkeServer:
    """A PostgreSQL cluster in a temp dir, tuned for speed (durability is irrelevant here)."""

    def __init__(self, bin_map: Path) -> None:
        self.bin_map = bin_map
        self.gebruiker = _server_gebruiker()
        # Not under pytest's tmp dir: that is 0700 and owned by root, so an unprivileged
        # server process could not reach its own data directory there.
        self.map = Path(tempfile.mkdtemp(prefix="zorgroute-pg-"))
        self.data = self.map / "data"
        self.log = self.map / "server.log"
        self.poort = _vrije_poort()
        if self.gebruiker is not None:
            info = pwd.getpwnam(self.gebruiker)
            os.chown(self.map, info.pw_uid, info.pw_gid)

    def _run(self, *args: str) -> None:
        extra: dict[str, Any] = {}
        if self.gebruiker is not None:
            extra = {"user": self.gebruiker, "group": pwd.getpwnam(self.gebruiker).pw_gid}
        resultaat = subprocess.run(
            args,
            cwd=self.map,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            **extra,
        )
        if resultaat.returncode != 0:
            logtekst = self.log.read_text() if self.log.exists() else ""
            pytest.fail(
                f"Starten van tijdelijke PostgreSQL mislukt ({' '.join(args[:2])}):\n"
                f"{resultaat.stdout}\n{resultaat.stderr}\n{logtekst}\n{INSTALLATIE_HULP}",
                pytrace=False,
            )

    def start(self) -> str:
        self._run(
            str(self.bin_map / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        opties = " ".join(
            [
                f"-p {self.poort}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.map}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300",
            ]
        )
        self._run(
            str(self.bin_map / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            opties,
            "-w",
            "-t",
            "60",
            "start",
        )
        return f"postgresql://postgres@127.0.0.1:{self.poort}/postgres"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            extra: dict[str, Any] = {}
            if self.gebruiker is not None:
                extra = {"user": self.gebruiker}
            subprocess.run(
                [str(self.bin_map / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=30,
                check=False,
                **extra,
            )
        shutil.rmtree(self.map, ignore_errors=True)


def _controleer_bereikbaar(url: str, herkomst: str) -> None:
    try:
        with psycopg.connect(url, connect_timeout=5) as verbinding:
            verbinding.execute("SELECT 1")
    except psycopg.Error as fout:
        pytest.fail(f"PostgreSQL uit {herkomst} is niet bereikbaar: {fout}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a PostgreSQL database the session may create schemas in (no ``?schema``)."""
    gegeven = os.environ.get("ZORGROUTE_TEST_DATABASE_URL", "").strip()
    if gegeven:
        _controleer_bereikbaar(gegeven, "ZORGROUTE_TEST_DATABASE_URL")
        yield gegeven
        return
    bin_map = _pg_bin_map()
    if bin_map is None:
        pytest.fail("Geen PostgreSQL-binaries gevonden. " + INSTALLATIE_HULP, pytrace=False)
    server = _TijdelijkeServer(bin_map)
    try:
        url = server.start()
        _controleer_bereikbaar(url, "de tijdelijke testserver")
        yield url
    finally:
        server.stop()


@contextlib.contextmanager
def _tijdelijk_schema(postgres_url: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(postgres_url, autocommit=True) as verbinding:
        verbinding.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield schema
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as verbinding:
            # A test that leaked an open transaction must not hang the whole session here.
            verbinding.execute("SET lock_timeout = '5s'")
            with contextlib.suppress(psycopg.Error):
                verbinding.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A ZORGROUTE_DATABASE_URL for an empty database, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zorgroute.sqlite'}"
        return
    basis: str = request.getfixturevalue("postgres_url")
    with _tijdelijk_schema(basis) as schema:
        scheidingsteken = "&" if "?" in basis else "?"
        yield f"{basis}{scheidingsteken}schema={schema}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for ``database_url`` with fresh random keys (HS256 secret and id key)."""
    return Settings(
        database_url=database_url,
        jwt_secret=SecretStr(secrets.token_urlsafe(32)),
        id_sleutel=SecretStr(secrets.token_urlsafe(32)),
    )
