"""Configuration of a Zorgroute deployment, read from ``ZORGROUTE_*`` environment variables.

Nothing here opens a connection: settings are validated at start-up so that a typo in a URL
stops the process with a clear message instead of failing on the first request.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

STANDAARD_DATABASE_URL = "sqlite:///./var/zorgroute.sqlite"
MIN_LENGTE_ID_SLEUTEL = 16
TOEGESTANE_POSTGRES_PARAMETERS = frozenset({"schema"})


class ConfiguratieFout(RuntimeError):
    """The deployment lacks something it cannot run without; the message says what."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZORGROUTE_",
        extra="ignore",
        frozen=True,
    )

    database_url: str = STANDAARD_DATABASE_URL
    jwt_secret: SecretStr | None = None
    jwt_public_key: str | None = None
    id_sleutel: SecretStr | None = None
    # HMAC key of the seals over the events and the access log (infrastructure/zegels.py).
    # Kept out of the database: whoever holds only the database cannot forge a seal.
    keten_sleutel: SecretStr | None = None
    # Create the event store's tables at start-up. False when `zorgroute audit installeer`
    # made them as the owner and this process runs as a role without DDL rights.
    maak_tabellen: bool = True
    pool_size: int = Field(default=10, ge=1, le=100)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # `zorgroute serve` keeps the views up to date itself unless a separate
    # `zorgroute projector` process does (then set this to false for the API).
    projecties_in_proces: bool = True
    # Log entries a projection takes per transaction: larger is faster to rebuild,
    # smaller keeps each view transaction (and its locks) short.
    projectie_batch: int = Field(default=1000, ge=1, le=100_000)
    # Smallest count the accountability report publishes (CBS-style cell suppression).
    min_cel: int = Field(default=5, ge=1, le=100)
    # Checked when set: a token must carry exactly this `iss`, and this among its `aud`.
    jwt_issuer: str | None = Field(default=None, max_length=500)
    jwt_audience: str | None = Field(default=None, max_length=500)
    # Longest a token may live (`exp - iat`, and `exp` from now): a leaked token is
    # worth this long at most. 480 = a school day, what `zorgroute token` gives.
    token_max_minuten: int = Field(default=480, ge=1, le=7 * 24 * 60)
    # All request headers together, refused with 431 before a token is looked at.
    max_header_bytes: int = Field(default=32 * 1024, ge=1024, le=1024 * 1024)
    # Refused tokens (401 invalid_token) per client address per minute before 429; 0 = off.
    auth_max_mislukt: int = Field(default=20, ge=0, le=100_000)
    # Swagger UI on /docs (served from local files); off in production.
    docs: bool = True

    @field_validator("database_url")
    @classmethod
    def _controleer_database_url(cls, waarde: str) -> str:
        waarde = waarde.strip()
        delen = urlsplit(waarde)
        if delen.scheme == "sqlite":
            # sqlite:///relatief/pad of sqlite:////absoluut/pad; een host is nooit bedoeld.
            if delen.netloc or not delen.path.lstrip("/"):
                raise ValueError(
                    "ZORGROUTE_DATABASE_URL: gebruik sqlite:///pad/naar/bestand.sqlite"
                )
            return waarde
        if delen.scheme in ("postgresql", "postgres"):
            if not delen.hostname or not delen.path.lstrip("/"):
                raise ValueError(
                    "ZORGROUTE_DATABASE_URL: gebruik postgresql://gebruiker:wachtwoord@host:poort/database"
                )
            try:
                _ = delen.port
            except ValueError as fout:
                raise ValueError("ZORGROUTE_DATABASE_URL: ongeldige poort") from fout
            onbekend = set(parse_qs(delen.query)) - TOEGESTANE_POSTGRES_PARAMETERS
            if onbekend:
                # Silently dropping e.g. sslmode would give a weaker connection than asked for.
                raise ValueError(
                    "ZORGROUTE_DATABASE_URL: onbekende parameter(s) "
                    + ", ".join(sorted(onbekend))
                    + "; alleen ?schema=naam wordt ondersteund"
                )
            return waarde
        raise ValueError(
            "ZORGROUTE_DATABASE_URL moet beginnen met sqlite:/// of postgresql:// "
            f"(gekregen: {delen.scheme or 'geen schema'}://...)"
        )

    @field_validator("id_sleutel")
    @classmethod
    def _controleer_id_sleutel(cls, waarde: SecretStr | None) -> SecretStr | None:
        if waarde is not None and len(waarde.get_secret_value()) < MIN_LENGTE_ID_SLEUTEL:
            raise ValueError(
                f"ZORGROUTE_ID_SLEUTEL moet minstens {MIN_LENGTE_ID_SLEUTEL} tekens lang zijn"
            )
        return waarde

    @field_validator("keten_sleutel")
    @classmethod
    def _controleer_keten_sleutel(cls, waarde: SecretStr | None) -> SecretStr | None:
        if waarde is not None and len(waarde.get_secret_value()) < MIN_LENGTE_ID_SLEUTEL:
            raise ValueError(
                f"ZORGROUTE_KETEN_SLEUTEL moet minstens {MIN_LENGTE_ID_SLEUTEL} tekens lang zijn"
            )
        return waarde

    @field_validator(
        "jwt_secret",
        "jwt_public_key",
        "id_sleutel",
        "keten_sleutel",
        "jwt_issuer",
        "jwt_audience",
        mode="before",
    )
    @classmethod
    def _leeg_is_afwezig(cls, waarde: object) -> object:
        # An empty variable in a compose file or shell means "not set", not "empty key".
        if isinstance(waarde, str) and not waarde.strip():
            return None
        return waarde

    @property
    def is_sqlite(self) -> bool:
        return urlsplit(self.database_url).scheme == "sqlite"

    def vereist_sleutels(self) -> None:
        """Refuse to serve without the keys that protect tokens and case ids."""
        ontbrekend: list[str] = []
        if self.jwt_secret is None and self.jwt_public_key is None:
            ontbrekend.append("ZORGROUTE_JWT_SECRET of ZORGROUTE_JWT_PUBLIC_KEY ontbreekt")
        if self.id_sleutel is None:
            ontbrekend.append("ZORGROUTE_ID_SLEUTEL ontbreekt")
        if ontbrekend:
            raise ConfiguratieFout("; ".join(ontbrekend))

    def keten_sleutel_bytes(self) -> bytes | None:
        """The seals' HMAC key, or None when it is not configured."""
        if self.keten_sleutel is None:
            return None
        return self.keten_sleutel.get_secret_value().encode("utf-8")

    def id_sleutel_bytes(self) -> bytes:
        """The HMAC key for case ids, as the application service expects it."""
        if self.id_sleutel is None:
            raise ConfiguratieFout("ZORGROUTE_ID_SLEUTEL ontbreekt")
        return self.id_sleutel.get_secret_value().encode("utf-8")
