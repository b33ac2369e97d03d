"""decodeer_token accepts exactly the tokens Zorgroute can trust, and says why it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from typer.testing import CliRunner

from api.cli import app
from infrastructure.auth import OngeldigToken, decodeer_token, maak_token
from infrastructure.settings import Settings

GEHEIM = "een-geheim-van-minstens-tweeendertig-tekens!"


@pytest.fixture
def hs_settings() -> Settings:
    return Settings(jwt_secret=SecretStr(GEHEIM), id_sleutel=SecretStr("x" * 16))


def _claims(**extra: Any) -> dict[str, Any]:
    basis: dict[str, Any] = {
        "sub": "m1",
        "naam": "Demo Mentor",
        "rol": "mentor",
        "school": "99XX",
        "iat": datetime.now(UTC),
        "exp": datetime.now(UTC) + timedelta(minutes=5),
    }
    basis.update(extra)
    return {k: v for k, v in basis.items() if v is not None}


def test_maak_en_decodeer(hs_settings: Settings) -> None:
    token = maak_token(GEHEIM, "m1", "Demo Mentor", "mentor", "99XX", klassen=["2A", "2B"])
    claims = decodeer_token(token, hs_settings)
    assert claims["sub"] == "m1"
    assert claims["rol"] == "mentor"
    assert claims["school"] == "99XX"
    assert claims["klassen"] == ["2A", "2B"]


def test_swv_met_scholen(hs_settings: Settings) -> None:
    token = maak_token(GEHEIM, "s1", "SWV", "swv", None, scholen=["99XX", "98YY"])
    assert decodeer_token(token, hs_settings)["scholen"] == ["99XX", "98YY"]


def test_swv_zonder_scholen_geweigerd(hs_settings: Settings) -> None:
    token = maak_token(GEHEIM, "s1", "SWV", "swv", "99XX")
    with pytest.raises(OngeldigToken, match="scholen"):
        decodeer_token(token, hs_settings)


def test_verlopen(hs_settings: Settings) -> None:
    token = jwt.encode(_claims(exp=datetime.now(UTC) - timedelta(minutes=5)), GEHEIM)
    with pytest.raises(OngeldigToken, match="verlopen"):
        decodeer_token(token, hs_settings)


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "rol", "naam", "school"])
def test_ontbrekende_claim(hs_settings: Settings, claim: str) -> None:
    claims = _claims()
    del claims[claim]
    with pytest.raises(OngeldigToken, match=claim):
        decodeer_token(jwt.encode(claims, GEHEIM), hs_settings)


def test_onbekende_rol(hs_settings: Settings) -> None:
    with pytest.raises(OngeldigToken, match="rol"):
        decodeer_token(jwt.encode(_claims(rol="directeur"), GEHEIM), hs_settings)


def test_klassen_moet_lijst_zijn(hs_settings: Settings) -> None:
    with pytest.raises(OngeldigToken, match="klassen"):
        decodeer_token(jwt.encode(_claims(klassen="2A"), GEHEIM), hs_settings)


def test_verkeerde_handtekening(hs_settings: Settings) -> None:
    token = jwt.encode(_claims(), "een-ander-geheim-van-minstens-32-tekens")
    with pytest.raises(OngeldigToken, match="handtekening"):
        decodeer_token(token, hs_settings)


@pytest.mark.parametrize("token", ["", "geen.jwt", "a.b.c"])
def test_onzin(hs_settings: Settings, token: str) -> None:
    with pytest.raises(OngeldigToken):
        decodeer_token(token, hs_settings)


def test_alg_none_geweigerd(hs_settings: Settings) -> None:
    token = jwt.encode(_claims(), key="", algorithm="none")
    with pytest.raises(OngeldigToken):
        decodeer_token(token, hs_settings)


def test_rs256_met_publieke_sleutel() -> None:
    privé = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    publiek = (
        privé.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = Settings(jwt_public_key=publiek, id_sleutel=SecretStr("x" * 16))
    token = jwt.encode(_claims(), privé, algorithm="RS256")
    assert decodeer_token(token, settings)["sub"] == "m1"

    # An HS256 token signed with the public key as secret is the classic confusion attack.
    with pytest.raises(OngeldigToken):
        decodeer_token(jwt.encode(_claims(), GEHEIM, algorithm="HS256"), settings)


def test_zonder_sleutel_geweigerd() -> None:
    with pytest.raises(OngeldigToken, match="sleutel"):
        decodeer_token(jwt.encode(_claims(), GEHEIM), Settings())


def test_maak_token_weigert_onbekende_rol() -> None:
    with pytest.raises(ValueError, match="rol"):
        maak_token(GEHEIM, "x", "X", "koning", "99XX")


def test_a_remembered_token_is_still_refused_once_it_expires(
    hs_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import infrastructure.auth as auth

    exp = datetime.now(UTC) + timedelta(seconds=5)
    token = jwt.encode(_claims(exp=exp), GEHEIM)
    assert decodeer_token(token, hs_settings)["sub"] == "m1"  # checked and remembered

    later = exp.timestamp() + auth.KLOKSPELING.total_seconds() + 1
    monkeypatch.setattr(auth.time, "time", lambda: later)
    with pytest.raises(OngeldigToken, match="verlopen"):
        decodeer_token(token, hs_settings)


def test_a_remembered_token_is_not_trusted_under_another_key(hs_settings: Settings) -> None:
    token = maak_token(GEHEIM, "m1", "Demo Mentor", "mentor", "99XX")
    decodeer_token(token, hs_settings)
    ander = Settings(jwt_secret=SecretStr("een-ander-geheim-van-tweeendertig-tekens"))

    with pytest.raises(OngeldigToken, match="handtekening"):
        decodeer_token(token, ander)


def test_an_external_partner_carries_its_organisation(hs_settings: Settings) -> None:
    token = maak_token(GEHEIM, "ex1", "Jeugdarts", "extern", "99XX", organisatie="jeugdarts-ggd")
    assert decodeer_token(token, hs_settings)["organisatie"] == "jeugdarts-ggd"


def test_an_external_partner_without_organisation_is_refused(hs_settings: Settings) -> None:
    # Without it the partner would belong to no organisation, or (as before) to all of them.
    token = jwt.encode(_claims(rol="extern"), GEHEIM)
    with pytest.raises(OngeldigToken, match=r"claim 'organisatie' ontbreekt .*rol extern"):
        decodeer_token(token, hs_settings)


@pytest.mark.parametrize(
    "organisatie", ["", "Wijkteam", "wijkteam noord", "-wijkteam", "a" * 64, ["wijkteam"], 7]
)
def test_an_organisation_that_is_no_code_is_refused(
    hs_settings: Settings, organisatie: Any
) -> None:
    token = jwt.encode(_claims(rol="extern", organisatie=organisatie), GEHEIM)
    with pytest.raises(OngeldigToken, match="claim 'organisatie' moet een code zijn"):
        decodeer_token(token, hs_settings)


def test_maak_token_refuses_an_organisation_that_is_no_code() -> None:
    with pytest.raises(ValueError, match="geen code"):
        maak_token(GEHEIM, "ex1", "X", "extern", "99XX", organisatie="Wijkteam Noord")


def test_the_token_command_gives_an_external_partner_its_organisation(
    monkeypatch: pytest.MonkeyPatch, hs_settings: Settings
) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)
    monkeypatch.delenv("ZORGROUTE_JWT_PUBLIC_KEY", raising=False)
    opties = ["token", "--sub", "ex-1", "--naam", "J. Arts", "--rol", "extern", "--school", "99XX"]
    runner = CliRunner()

    zonder = runner.invoke(app, opties)
    met = runner.invoke(app, [*opties, "--organisatie", "jeugdarts-ggd"])
    fout = runner.invoke(app, [*opties, "--organisatie", "Jeugdarts GGD"])

    assert zonder.exit_code == 2 and "--organisatie" in zonder.stderr and zonder.stdout == ""
    assert met.exit_code == 0, met.output
    assert decodeer_token(met.stdout.strip(), hs_settings)["organisatie"] == "jeugdarts-ggd"
    assert fout.exit_code == 2 and "geen code" in fout.stderr and fout.stdout == ""


# ---- issue 14, item 5: typed, bounded, short-lived, from the right issuer -------------


def _nu() -> int:
    return int(datetime.now(UTC).timestamp())


@pytest.mark.parametrize(
    ("extra", "reden"),
    [
        ({"exp": "9999999999"}, "'exp' moet een getal"),
        ({"exp": True}, "verlopen|'exp' moet een getal"),
        ({"exp": float("inf")}, "ongeldig"),
        ({"exp": 10**12}, "te lang geldig"),
        ({"iat": "gisteren"}, "'iat' moet een getal"),
        ({"iat": 0}, "te lang geldig"),
        ({"nbf": "straks"}, "nbf|ongeldig"),
        ({"naam": "n" * 201}, "'naam' is te lang"),
        ({"naam": "Nul\u0000Byte"}, "'naam' bevat stuurtekens"),
        ({"naam": "\ud800"}, "'naam' bevat stuurtekens"),
        ({"sub": 7}, "'sub'"),
        ({"sub": "s" * 129}, "'sub' is te lang"),
        ({"rol": {"naam": "mentor"}}, "'rol'"),
        ({"school": ["99XX"]}, "'school'"),
        ({"klassen": ["2A"] * 51}, "'klassen' moet een lijst van hoogstens 50"),
        ({"klassen": ["k" * 33]}, "'klassen': een waarde is te lang"),
        ({"afdeling": ""}, "'afdeling'"),
    ],
)
def test_an_ill_typed_or_unbounded_claim_is_refused(
    hs_settings: Settings, extra: dict[str, Any], reden: str
) -> None:
    claims = {**_claims(), "iat": _nu(), "exp": _nu() + 300, **extra}
    with pytest.raises(OngeldigToken, match=reden):
        decodeer_token(jwt.encode(claims, GEHEIM), hs_settings)


def test_the_longest_lifetime_is_configurable(hs_settings: Settings) -> None:
    kort = hs_settings.model_copy(update={"token_max_minuten": 60})
    precies = maak_token(GEHEIM, "m1", "M", "mentor", "99XX", geldig_minuten=60)
    te_lang = maak_token(GEHEIM, "m1", "M", "mentor", "99XX", geldig_minuten=61)
    assert decodeer_token(precies, kort)["sub"] == "m1"
    with pytest.raises(OngeldigToken, match="hoogstens 60 minuten"):
        decodeer_token(te_lang, kort)
    assert decodeer_token(te_lang, hs_settings)["sub"] == "m1"  # 480 by default


def test_issuer_and_audience_are_checked_only_when_configured(hs_settings: Settings) -> None:
    streng = hs_settings.model_copy(
        update={"jwt_issuer": "https://idp.school.nl", "jwt_audience": "zorgroute"}
    )
    goed = maak_token(
        GEHEIM, "m1", "M", "mentor", "99XX", uitgever="https://idp.school.nl", publiek="zorgroute"
    )
    ander_publiek = maak_token(
        GEHEIM, "m1", "M", "mentor", "99XX", uitgever="https://idp.school.nl", publiek="lms"
    )
    zonder = maak_token(GEHEIM, "m1", "M", "mentor", "99XX")
    # Not configured: an identity provider's token (which has an `aud`) works.
    assert decodeer_token(ander_publiek, hs_settings)["sub"] == "m1"
    assert decodeer_token(goed, streng)["sub"] == "m1"
    # Remembered under the loose settings, still refused under the strict ones.
    with pytest.raises(OngeldigToken, match=r"niet voor deze dienst bedoeld \(aud\)"):
        decodeer_token(ander_publiek, streng)
    with pytest.raises(OngeldigToken, match="'iss' ontbreekt"):
        decodeer_token(zonder, streng)
    elders = maak_token(
        GEHEIM, "m1", "M", "mentor", "99XX", uitgever="https://x", publiek="zorgroute"
    )
    with pytest.raises(OngeldigToken, match="uitgever"):
        decodeer_token(elders, streng)


def test_the_token_command_stays_within_the_api_limits(
    monkeypatch: pytest.MonkeyPatch, hs_settings: Settings
) -> None:
    monkeypatch.setenv("ZORGROUTE_JWT_SECRET", GEHEIM)
    monkeypatch.delenv("ZORGROUTE_JWT_PUBLIC_KEY", raising=False)
    monkeypatch.setenv("ZORGROUTE_TOKEN_MAX_MINUTEN", "60")
    monkeypatch.setenv("ZORGROUTE_JWT_ISSUER", "https://idp.school.nl")
    monkeypatch.setenv("ZORGROUTE_JWT_AUDIENCE", "zorgroute")
    opties = ["token", "--sub", "m-1", "--naam", "J. Jansen", "--rol", "mentor", "--school", "99XX"]
    runner = CliRunner()

    standaard = runner.invoke(app, opties)
    te_lang = runner.invoke(app, [*opties, "--geldig-minuten", "61"])
    lange_naam = runner.invoke(app, [*opties[:4], "n" * 201, *opties[5:]])

    assert standaard.exit_code == 0, standaard.output
    claims = decodeer_token(standaard.stdout.strip(), Settings())
    assert claims["exp"] - claims["iat"] == 60 * 60
    assert claims["iss"] == "https://idp.school.nl" and claims["aud"] == "zorgroute"
    assert te_lang.exit_code == 2 and "ZORGROUTE_TOKEN_MAX_MINUTEN=60" in te_lang.stderr
    assert lange_naam.exit_code == 2 and "weigeren" in lange_naam.stderr
    assert te_lang.stdout == lange_naam.stdout == ""
