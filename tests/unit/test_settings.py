"""Settings: env prefix, URL validation at start-up, and which key is missing."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import ConfiguratieFout, Settings


@pytest.fixture(autouse=True)
def _schone_omgeving(monkeypatch: pytest.MonkeyPatch) -> None:
    for naam in (
        "DATABASE_URL",
        "JWT_SECRET",
        "JWT_PUBLIC_KEY",
        "ID_SLEUTEL",
        "POOL_SIZE",
        "LOG_LEVEL",
        "MAX_BODY_BYTES",
    ):
        monkeypatch.delenv(f"ZORGROUTE_{naam}", raising=False)


def test_standaardwaarden() -> None:
    s = Settings()
    assert s.database_url == "sqlite:///./var/zorgroute.sqlite"
    assert s.is_sqlite
    assert s.pool_size == 10
    assert s.log_level == "INFO"
    assert s.max_body_bytes == 1024 * 1024
    assert s.jwt_secret is None and s.id_sleutel is None


def test_leest_omgeving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZORGROUTE_DATABASE_URL", "postgresql://u:p@db:5433/zorg")
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", "geheim")
    monkeypatch.setenv("ZORGROUTE_ID_SLEUTEL", "0123456789abcdef")
    monkeypatch.setenv("ZORGROUTE_POOL_SIZE", "3")
    monkeypatch.setenv("ZORGROUTE_LOG_LEVEL", "DEBUG")
    s = Settings()
    assert not s.is_sqlite
    assert s.jwt_secret is not None and s.jwt_secret.get_secret_value() == "geheim"
    assert s.pool_size == 3 and s.log_level == "DEBUG"
    s.vereist_sleutels()
    assert "geheim" not in repr(s)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///./var/z.sqlite",
        "sqlite:////tmp/z.sqlite",
        "postgresql://u:p@localhost:5432/db",
        "postgresql://u@localhost/db?schema=t_1",
    ],
)
def test_geldige_urls(url: str) -> None:
    assert Settings(database_url=url).database_url == url


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u:p@h/db",
        "sqlite://host/pad",
        "sqlite:///",
        "postgresql://u:p@/db",
        "postgresql://u:p@host:5432/",
        "postgresql://u:p@host:poort/db",
        "postgresql://u:p@host/db?sslmode=disable",
        "zorgroute.sqlite",
    ],
)
def test_ongeldige_urls_geweigerd(url: str) -> None:
    with pytest.raises(ValidationError, match="ZORGROUTE_DATABASE_URL"):
        Settings(database_url=url)


@pytest.mark.parametrize("pool_size", [0, 101])
def test_pool_size_begrensd(pool_size: int) -> None:
    with pytest.raises(ValidationError):
        Settings(pool_size=pool_size)


def test_log_level_gesloten() -> None:
    with pytest.raises(ValidationError):
        Settings(log_level="TRACE")  # type: ignore[arg-type]


def test_id_sleutel_te_kort() -> None:
    with pytest.raises(ValidationError, match="16"):
        Settings(id_sleutel=SecretStr("kort"))


def test_vereist_sleutels_noemt_wat_ontbreekt() -> None:
    with pytest.raises(ConfiguratieFout) as fout:
        Settings().vereist_sleutels()
    assert "ZORGROUTE_JWT_SECRET of ZORGROUTE_JWT_PUBLIC_KEY ontbreekt" in str(fout.value)
    assert "ZORGROUTE_ID_SLEUTEL ontbreekt" in str(fout.value)

    with pytest.raises(ConfiguratieFout, match=r"^ZORGROUTE_ID_SLEUTEL ontbreekt$"):
        Settings(jwt_secret=SecretStr("geheim")).vereist_sleutels()

    with pytest.raises(ConfiguratieFout, match=r"^ZORGROUTE_JWT_SECRET of"):
        Settings(id_sleutel=SecretStr("x" * 16)).vereist_sleutels()

    Settings(
        jwt_public_key="-----BEGIN PUBLIC KEY-----", id_sleutel=SecretStr("x" * 16)
    ).vereist_sleutels()


def test_lege_variabele_telt_als_afwezig(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", "")
    monkeypatch.setenv("ZORGROUTE_ID_SLEUTEL", "")
    with pytest.raises(ConfiguratieFout, match="ZORGROUTE_ID_SLEUTEL ontbreekt"):
        Settings().vereist_sleutels()


def test_env_sqlite(tmp_path: object) -> None:
    from pathlib import Path

    pad = Path(str(tmp_path)) / "sub" / "map" / "z.sqlite"
    env = eventsourcing_env(Settings(database_url=f"sqlite:///{pad}"))
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(pad)
    assert pad.parent.is_dir()
    assert env["MAPPER_TOPIC"] == "infrastructure.transcoding:PydanticMapper"
    assert env["TRANSCODER_TOPIC"] == "infrastructure.transcoding:OrjsonTranscoder"


def test_env_postgres() -> None:
    s = Settings(
        database_url="postgresql://gebr:w%40cht@db.local:5433/zorg?schema=t_abc", pool_size=7
    )
    env = eventsourcing_env(s)
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert env["POSTGRES_HOST"] == "db.local"
    assert env["POSTGRES_PORT"] == "5433"
    assert env["POSTGRES_DBNAME"] == "zorg"
    assert env["POSTGRES_USER"] == "gebr"
    assert env["POSTGRES_PASSWORD"] == "w@cht"
    assert env["POSTGRES_POOL_SIZE"] == "7"
    assert env["POSTGRES_PRE_PING"] == "n"
    assert env["POSTGRES_SCHEMA"] == "t_abc"
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in env
