"""JWT verification (HS256 with a shared secret, or RS256 with a public key) and minting."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import jwt

from application.gebruiker import ORGANISATIE_UITLEG, is_organisatie
from domain.waarden import Rol
from infrastructure.settings import Settings

# The roles of the domain brief, from the one place they are listed.
ROLLEN = frozenset(get_args(Rol))
VERPLICHTE_CLAIMS = ("exp", "sub", "rol", "naam")
# Small allowance for clocks of token issuer and server that drift apart.
KLOKSPELING = timedelta(seconds=30)
# A client sends the same token with every request, and checking its signature and
# claims costs more CPU than the rest of a command's HTTP handling; a token that passed is
# remembered (by its exact text and the key that checked it) until it expires, never
# longer than a minute, so a key rotation takes effect within that minute.
_ONTHOUD_SECONDEN = 60.0
_MAX_ONTHOUDEN = 4096
_onthouden: dict[tuple[str, str, str], tuple[float, float, dict[str, Any]]] = {}
_onthouden_slot = threading.Lock()


class OngeldigToken(Exception):
    """The token cannot be trusted; ``reden`` is a Dutch explanation safe to show the caller."""

    def __init__(self, reden: str) -> None:
        super().__init__(reden)
        self.reden = reden


def _is_tekst(waarde: object) -> bool:
    return isinstance(waarde, str) and bool(waarde.strip())


def _is_tekstlijst(waarde: object) -> bool:
    return isinstance(waarde, list) and all(_is_tekst(v) for v in waarde)


def decodeer_token(token: str, settings: Settings) -> dict[str, Any]:
    """Verify signature, expiry and the claims Zorgroute relies on; return the claims."""
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

    sleutel_id = (token, sleutel, algoritme)
    nu = time.time()
    eerder = _onthouden.get(sleutel_id)
    if eerder is not None:
        vergeten_op, verloopt_op, claims = eerder
        if nu < vergeten_op:
            if nu >= verloopt_op:
                raise OngeldigToken("token is verlopen")
            return dict(claims)
    claims = _controleer(token, sleutel, algoritme)
    verloopt_op = float(claims["exp"]) + KLOKSPELING.total_seconds()
    with _onthouden_slot:
        if len(_onthouden) >= _MAX_ONTHOUDEN:
            _onthouden.clear()
        _onthouden[sleutel_id] = (nu + _ONTHOUD_SECONDEN, verloopt_op, claims)
    return dict(claims)


def _controleer(token: str, sleutel: str, algoritme: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            sleutel,
            # Exactly one algorithm: accepting several would open algorithm-confusion attacks.
            algorithms=[algoritme],
            options={"require": list(VERPLICHTE_CLAIMS)},
            leeway=KLOKSPELING,
        )
    except jwt.ExpiredSignatureError as fout:
        raise OngeldigToken("token is verlopen") from fout
    except jwt.MissingRequiredClaimError as fout:
        raise OngeldigToken(f"claim '{fout.claim}' ontbreekt") from fout
    except jwt.InvalidSignatureError as fout:
        raise OngeldigToken("handtekening van het token klopt niet") from fout
    except jwt.PyJWTError as fout:
        raise OngeldigToken("token is ongeldig") from fout

    for claim in ("sub", "naam", "rol"):
        if not _is_tekst(claims.get(claim)):
            raise OngeldigToken(f"claim '{claim}' ontbreekt of is leeg")
    rol = claims["rol"]
    if rol not in ROLLEN:
        raise OngeldigToken(f"onbekende rol '{rol}'")
    if rol == "swv":
        scholen = claims.get("scholen")
        if not _is_tekstlijst(scholen) or not scholen:
            raise OngeldigToken("claim 'scholen' ontbreekt of is leeg (verplicht voor rol swv)")
    elif not _is_tekst(claims.get("school")):
        raise OngeldigToken("claim 'school' ontbreekt of is leeg")
    if "klassen" in claims and not _is_tekstlijst(claims["klassen"]):
        raise OngeldigToken("claim 'klassen' moet een lijst met teksten zijn")
    if claims.get("afdeling") is not None and not _is_tekst(claims["afdeling"]):
        raise OngeldigToken("claim 'afdeling' moet een tekst zijn")
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
    return jwt.encode(claims, secret, algorithm="HS256")
