"""JWT verification (HS256 with a shared secret, or RS256 with a public key) and minting."""

from __future__ import annotations

import math
import threading
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import jwt

from domain.invoer import ORGANISATIE_UITLEG, is_organisatie
from domain.waarden import Rol
from infrastructure.settings import Settings

# The roles of the domain brief, from the one place they are listed.
ROLLEN = frozenset(get_args(Rol))
VERPLICHTE_CLAIMS = ("exp", "iat", "sub", "rol", "naam")
# Small allowance for clocks of token issuer and server that drift apart.
KLOKSPELING = timedelta(seconds=30)
# Longest text per claim: a claim lands in events and in every access-log row.
MAX_TEKST = {"sub": 128, "naam": 200, "school": 32, "afdeling": 64}
# Longest list, longest item: a mentor's classes, a samenwerkingsverband's schools.
MAX_LIJST = {"klassen": (50, 32), "scholen": (200, 32)}
# Control characters and lone surrogates (which JSON allows) never belong in a claim.
_VERBODEN_CATEGORIEEN = frozenset({"Cc", "Cs"})
# A client sends the same token with every request, and checking its signature and
# claims costs more CPU than the rest of a command's HTTP handling; a token that passed is
# remembered (by its exact text and what checked it) until it expires, never longer than
# a minute, so a key rotation takes effect within that minute.
_ONTHOUD_SECONDEN = 60.0
_MAX_ONTHOUDEN = 4096
_onthouden: dict[tuple[Any, ...], tuple[float, float, dict[str, Any]]] = {}
_onthouden_slot = threading.Lock()


class OngeldigToken(Exception):
    """The token cannot be trusted; ``reden`` is a Dutch explanation safe to show the caller."""

    def __init__(self, reden: str) -> None:
        super().__init__(reden)
        self.reden = reden


def _tekstfout(waarde: object, maximaal: int) -> str | None:
    """Why `waarde` is no usable claim text, or None."""
    if not isinstance(waarde, str) or not waarde.strip():
        return "ontbreekt of is geen (niet-lege) tekst"
    if len(waarde) > maximaal:
        return f"is te lang (hoogstens {maximaal} tekens)"
    if any(unicodedata.category(teken) in _VERBODEN_CATEGORIEEN for teken in waarde):
        return "bevat stuurtekens"
    return None


def _is_tijdstip(waarde: object) -> bool:
    # PyJWT reads "exp": "9999999999" with int(); a NumericDate is a JSON number.
    if isinstance(waarde, bool):
        return False
    return isinstance(waarde, int) or (isinstance(waarde, float) and math.isfinite(waarde))


def decodeer_token(token: str, settings: Settings) -> dict[str, Any]:
    """Verify signature, lifetime, issuer, audience and the claims Zorgroute relies on
    (typed and bounded); return the claims."""
    if not token:
        raise OngeldigToken("token ontbreekt")
    if settings.jwt_public_key:
        sleutel: str = settings.jwt_public_key
        algoritme = "RS256"
    elif settings.jwt_secret is not None:
        sleutel = settings.jwt_secret.get_secret_value()
        algoritme = "HS256"
    else:
        raise OngeldigToken("server heeft geen sleutel om tokens te controleren")

    sleutel_id = (
        token,
        sleutel,
        algoritme,
        settings.jwt_issuer,
        settings.jwt_audience,
        settings.token_max_minuten,
    )
    nu = time.time()
    eerder = _onthouden.get(sleutel_id)
    if eerder is not None:
        vergeten_op, verloopt_op, claims = eerder
        if nu < vergeten_op:
            if nu >= verloopt_op:
                raise OngeldigToken("token is verlopen")
            return dict(claims)
    claims = _controleer(token, sleutel, algoritme, settings)
    _controleer_levensduur(claims, nu, settings.token_max_minuten)
    verloopt_op = float(claims["exp"]) + KLOKSPELING.total_seconds()
    with _onthouden_slot:
        if len(_onthouden) >= _MAX_ONTHOUDEN:
            _onthouden.clear()
        _onthouden[sleutel_id] = (nu + _ONTHOUD_SECONDEN, verloopt_op, claims)
    return dict(claims)


def _controleer_levensduur(claims: dict[str, Any], nu: float, max_minuten: int) -> None:
    for claim in ("exp", "iat", "nbf"):
        if claim in claims and not _is_tijdstip(claims[claim]):
            raise OngeldigToken(f"claim '{claim}' moet een getal zijn (seconden sinds 1970)")
    langst = max_minuten * 60
    # Both: an `iat` set back does not stretch a token, nor does an `exp` far ahead.
    if (
        claims["exp"] - claims["iat"] > langst
        or claims["exp"] - nu > langst + KLOKSPELING.total_seconds()
    ):
        raise OngeldigToken(f"token is te lang geldig (hoogstens {max_minuten} minuten)")


def _controleer(token: str, sleutel: str, algoritme: str, settings: Settings) -> dict[str, Any]:
    verplicht = list(VERPLICHTE_CLAIMS)
    if settings.jwt_issuer is not None:
        verplicht.append("iss")
    if settings.jwt_audience is not None:
        verplicht.append("aud")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            sleutel,
            # Exactly one algorithm: accepting several would open algorithm-confusion attacks.
            algorithms=[algoritme],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            # Without a configured audience `aud` is not checked (PyJWT would refuse every
            # token that has one); README: set ZORGROUTE_JWT_AUDIENCE when the identity
            # provider signs tokens for other applications with the same key.
            options={"require": verplicht, "verify_aud": settings.jwt_audience is not None},
            leeway=KLOKSPELING,
        )
    except jwt.ExpiredSignatureError as fout:
        raise OngeldigToken("token is verlopen") from fout
    except jwt.ImmatureSignatureError as fout:
        raise OngeldigToken("token is nog niet geldig (iat of nbf ligt in de toekomst)") from fout
    except jwt.MissingRequiredClaimError as fout:
        raise OngeldigToken(f"claim '{fout.claim}' ontbreekt") from fout
    except jwt.InvalidIssuerError as fout:
        raise OngeldigToken("token komt niet van de verwachte uitgever (iss)") from fout
    except jwt.InvalidAudienceError as fout:
        raise OngeldigToken("token is niet voor deze dienst bedoeld (aud)") from fout
    except jwt.InvalidIssuedAtError as fout:
        raise OngeldigToken("claim 'iat' moet een getal zijn (seconden sinds 1970)") from fout
    except jwt.exceptions.InvalidSubjectError as fout:
        raise OngeldigToken("claim 'sub' moet een tekst zijn") from fout
    except jwt.InvalidSignatureError as fout:
        raise OngeldigToken("handtekening van het token klopt niet") from fout
    except jwt.PyJWTError as fout:
        raise OngeldigToken("token is ongeldig") from fout

    for claim in ("sub", "naam", "rol"):
        reden = _tekstfout(claims.get(claim), MAX_TEKST.get(claim, 64))
        if reden is not None:
            raise OngeldigToken(f"claim '{claim}' {reden}")
    rol = claims["rol"]
    if rol not in ROLLEN:
        raise OngeldigToken(f"onbekende rol; kies uit {', '.join(sorted(ROLLEN))}")
    if rol == "swv":
        if not claims.get("scholen"):
            raise OngeldigToken("claim 'scholen' ontbreekt of is leeg (verplicht voor rol swv)")
    elif claims.get("school") is None:
        raise OngeldigToken("claim 'school' ontbreekt of is leeg")
    for claim in ("school", "afdeling"):
        if claims.get(claim) is not None:
            reden = _tekstfout(claims[claim], MAX_TEKST[claim])
            if reden is not None:
                raise OngeldigToken(f"claim '{claim}' {reden}")
    for claim, (max_aantal, max_lengte) in MAX_LIJST.items():
        waarde = claims.get(claim)
        if waarde is None:
            continue
        if not isinstance(waarde, list) or len(waarde) > max_aantal:
            raise OngeldigToken(f"claim '{claim}' moet een lijst van hoogstens {max_aantal} zijn")
        for item in waarde:
            reden = _tekstfout(item, max_lengte)
            if reden is not None:
                raise OngeldigToken(f"claim '{claim}': een waarde {reden}")
    organisatie = claims.get("organisatie")
    # A partner reads only files referred to its own organisation: without one it has none.
    if rol == "extern" and organisatie is None:
        raise OngeldigToken("claim 'organisatie' ontbreekt (verplicht voor rol extern)")
    if organisatie is not None and not is_organisatie(organisatie):
        raise OngeldigToken(f"claim 'organisatie' moet een code zijn: {ORGANISATIE_UITLEG}")
    return claims


def maak_token(
    secret: str,
    sub: str,
    naam: str,
    rol: str,
    school: str | None,
    klassen: list[str] | None = None,
    afdeling: str | None = None,
    scholen: list[str] | None = None,
    geldig_minuten: int = 480,
    organisatie: str | None = None,
    uitgever: str | None = None,
    publiek: str | None = None,
) -> str:
    """An HS256 token for the CLI and tests; production tokens come from the school's IdP."""
    if rol not in ROLLEN:
        raise ValueError(f"onbekende rol '{rol}'; kies uit {', '.join(sorted(ROLLEN))}")
    if organisatie is not None and not is_organisatie(organisatie):
        raise ValueError(f"organisatie '{organisatie}' is geen code: {ORGANISATIE_UITLEG}")
    nu = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "naam": naam,
        "rol": rol,
        "iat": nu,
        "exp": nu + timedelta(minutes=geldig_minuten),
    }
    if school is not None:
        claims["school"] = school
    if klassen is not None:
        claims["klassen"] = list(klassen)
    if afdeling is not None:
        claims["afdeling"] = afdeling
    if scholen is not None:
        claims["scholen"] = list(scholen)
    if organisatie is not None:
        claims["organisatie"] = organisatie
    if uitgever is not None:
        claims["iss"] = uitgever
    if publiek is not None:
        claims["aud"] = publiek
    return jwt.encode(claims, secret, algorithm="HS256")
