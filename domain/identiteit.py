"""File ids and pseudonyms: derived, stable, and not reversible without the key."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from uuid import UUID

from domain.waarden import Onderwerp

# Crockford-like alphabet: no I, L, O, U, so a pseudonym read aloud is not misheard.
_ALFABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def schooljaar_van(datum: date) -> str:
    """The school year a date falls in; 1 August starts a year ("2025-2026")."""
    begin = datum.year if datum.month >= 8 else datum.year - 1
    return f"{begin}-{begin + 1}"


def onderwerp_sleutel(onderwerp: Onderwerp, peildatum: date) -> str:
    """What makes a subject one subject: a pupil by number, a class by name and year."""
    if onderwerp.is_klas:
        return f"klas\x1f{onderwerp.klas.strip().upper()}\x1f{schooljaar_van(peildatum)}"
    if not onderwerp.leerlingnummer:
        raise ValueError("een leerling heeft een leerlingnummer nodig")
    return f"leerling\x1f{onderwerp.leerlingnummer.strip()}"


def casus_id_voor(sleutel: bytes, school: str, onderwerp: Onderwerp, peildatum: date) -> UUID:
    """HMAC-SHA256 of school + subject under the deployment's key, shaped as a UUID (v8)."""
    bericht = f"{school.strip().upper()}\x1e{onderwerp_sleutel(onderwerp, peildatum)}"
    digest = bytearray(hmac.new(sleutel, bericht.encode(), hashlib.sha256).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80  # version 8: custom
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    return UUID(bytes=bytes(digest))


def pseudoniem_voor(casus_id: UUID, traject: int) -> str:
    """A stable display name for an anonymous discussion, e.g. "Casus K-7Q2"."""
    digest = hashlib.sha256(casus_id.bytes + traject.to_bytes(4, "big")).digest()
    tekens = [_ALFABET[b % len(_ALFABET)] for b in digest[:4]]
    return f"Casus {tekens[0]}-{''.join(tekens[1:])}"
