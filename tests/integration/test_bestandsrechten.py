"""Issue 14, item 8: every file the service writes is readable by its own user only
(0600), like the secrets in var/: the event store, the access log, the views and their
-wal/-shm files, made fresh or left world-readable by an older version. On PostgreSQL
the service writes no file at all."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from infrastructure.auth import maak_token
from infrastructure.settings import Settings
from infrastructure.sqlite_wal import open_wal
from tests.e2e.conftest import API, leerling, signaal

DATABASES = ("zorgroute.sqlite", "zorgroute.toegangslog.sqlite", "zorgroute.weergaven.sqlite")


@pytest.fixture
def ruime_umask() -> Iterator[None]:
    # The usual umask, under which a file made without care is 0644.
    vorige = os.umask(0o022)
    yield
    os.umask(vorige)


def _gebruik(settings: Settings) -> None:
    """Start the app, store a file, read it and an overview (events, log, views)."""
    assert settings.jwt_secret is not None
    token = maak_token(
        settings.jwt_secret.get_secret_value(),
        "zc-1",
        "Zorg Coördinator",
        "zorgcoordinator",
        "99XX",
    )
    kop = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings)) as client:
        antwoord = client.post(f"{API}/signalen", json=signaal(leerling()), headers=kop)
        assert antwoord.status_code == 201, antwoord.text
        casus_id = antwoord.json()["casus_id"]
        assert client.get(f"{API}/casussen/{casus_id}", headers=kop).status_code == 200
        positie = antwoord.json()["positie"]
        assert client.get(f"{API}/casussen?na={positie}", headers=kop).status_code == 200
        # Checked while the connections are open: SQLite removes -wal/-shm at the last close.
        _alles_prive(settings)
    _alles_prive(settings)


def _bestanden(settings: Settings) -> list[Path]:
    if not settings.is_sqlite:
        return []
    map_ = Path(settings.database_url.removeprefix("sqlite:///")).parent
    return [p for p in map_.rglob("*") if p.is_file()]


def _alles_prive(settings: Settings) -> None:
    bestanden = _bestanden(settings)
    namen = {p.name for p in bestanden}
    if settings.is_sqlite:
        assert set(DATABASES) <= namen, namen
    for bestand in bestanden:
        modus = stat.S_IMODE(bestand.stat().st_mode)
        assert modus & 0o077 == 0, f"{bestand.name}: {oct(modus)}"


def test_every_file_the_service_writes_is_owner_only(
    settings: Settings, ruime_umask: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # anything written next to the process shows up here too
    _gebruik(settings)
    if not settings.is_sqlite:
        assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'data' / 'zorgroute.sqlite'}",
        jwt_secret=SecretStr(secrets.token_urlsafe(32)),
        id_sleutel=SecretStr(secrets.token_urlsafe(32)),
    )


def test_the_wal_and_shm_files_are_owner_only_while_open(
    sqlite_settings: Settings, ruime_umask: None
) -> None:
    pad = Path(sqlite_settings.database_url.removeprefix("sqlite:///"))
    verbinding = open_wal(str(pad))
    try:
        verbinding.execute("CREATE TABLE t (x)")
        verbinding.execute("INSERT INTO t VALUES (1)")
        for naam in (pad.name, pad.name + "-wal", pad.name + "-shm"):
            modus = stat.S_IMODE((pad.parent / naam).stat().st_mode)
            assert modus == 0o600, f"{naam}: {oct(modus)}"
    finally:
        verbinding.close()
    assert stat.S_IMODE(pad.parent.stat().st_mode) == 0o700  # the folder it made, too


def test_files_an_older_version_left_world_readable_are_made_owner_only(
    sqlite_settings: Settings, ruime_umask: None
) -> None:
    _gebruik(sqlite_settings)
    for bestand in _bestanden(sqlite_settings):
        bestand.chmod(0o644)
    _gebruik(sqlite_settings)
