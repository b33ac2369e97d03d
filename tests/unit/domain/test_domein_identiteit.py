"""File ids (HMAC of school + subject under the deployment's key) and pseudonyms."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from uuid import UUID

import pytest
from domeinbouwers import klas, leerling

from domain.identiteit import casus_id_voor, pseudoniem_voor, schooljaar_van

SLEUTEL = b"0123456789abcdef0123456789abcdef"
ANDERE_SLEUTEL = b"fedcba9876543210fedcba9876543210"
DAG = date(2025, 10, 6)


def test_same_school_and_pupil_give_the_same_id() -> None:
    a = casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="123"), DAG)
    b = casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="123"), date(2030, 1, 1))
    assert a == b


def test_pupil_id_does_not_depend_on_class_name_or_year() -> None:
    a = casus_id_voor(SLEUTEL, "99XX", leerling(klas="1A", leerjaar=1, naam="A"), DAG)
    b = casus_id_voor(SLEUTEL, "99XX", leerling(klas="4C", leerjaar=4, naam="B"), DAG)
    assert a == b


def test_other_pupil_gives_another_id() -> None:
    a = casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="123"), DAG)
    b = casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="124"), DAG)
    assert a != b


def test_other_school_gives_another_id() -> None:
    onderwerp = leerling(leerlingnummer="123")
    assert casus_id_voor(SLEUTEL, "99XX", onderwerp, DAG) != casus_id_voor(
        SLEUTEL, "98YY", onderwerp, DAG
    )


def test_other_key_gives_another_id() -> None:
    onderwerp = leerling(leerlingnummer="123")
    assert casus_id_voor(SLEUTEL, "99XX", onderwerp, DAG) != casus_id_voor(
        ANDERE_SLEUTEL, "99XX", onderwerp, DAG
    )


def test_pupil_and_class_never_share_an_id() -> None:
    assert casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="2A"), DAG) != casus_id_voor(
        SLEUTEL, "99XX", klas(klas="2A"), DAG
    )


def test_class_id_is_stable_within_a_school_year() -> None:
    a = casus_id_voor(SLEUTEL, "99XX", klas(klas="2A"), date(2025, 8, 1))
    b = casus_id_voor(SLEUTEL, "99XX", klas(klas="2A"), date(2026, 7, 31))
    assert a == b


def test_class_id_changes_on_1_august() -> None:
    a = casus_id_voor(SLEUTEL, "99XX", klas(klas="2A"), date(2025, 7, 31))
    b = casus_id_voor(SLEUTEL, "99XX", klas(klas="2A"), date(2025, 8, 1))
    assert a != b


def test_other_class_gives_another_id() -> None:
    assert casus_id_voor(SLEUTEL, "99XX", klas(klas="2A"), DAG) != casus_id_voor(
        SLEUTEL, "99XX", klas(klas="2B"), DAG
    )


@pytest.mark.parametrize(
    ("datum", "jaar"),
    [
        (date(2025, 7, 31), "2024-2025"),
        (date(2025, 8, 1), "2025-2026"),
        (date(2025, 12, 31), "2025-2026"),
        (date(2026, 1, 1), "2025-2026"),
    ],
)
def test_school_year_starts_on_1_august(datum: date, jaar: str) -> None:
    assert schooljaar_van(datum) == jaar


def test_id_is_uuid_shaped() -> None:
    casus_id = casus_id_voor(SLEUTEL, "99XX", leerling(), DAG)
    assert isinstance(casus_id, UUID)
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", str(casus_id)
    )
    assert casus_id.variant == "specified in RFC 4122"


def test_id_cannot_be_recomputed_without_the_key() -> None:
    # Without the key, the obvious guesses (plain hashes of what an attacker knows) miss.
    nummer, school = "123456", "99XX"
    casus_id = casus_id_voor(SLEUTEL, school, leerling(leerlingnummer=nummer), DAG)
    bekend = [
        nummer,
        f"{school}{nummer}",
        f"{school}:{nummer}",
        f"{school}\x1eleerling\x1f{nummer}",
    ]
    for tekst in bekend:
        for hash_functie in (hashlib.sha256, hashlib.sha1, hashlib.md5):
            digest = hash_functie(tekst.encode()).digest()
            assert digest[:4] != casus_id.bytes[:4]
    # And with an empty or other key, the same subject gets another id.
    assert casus_id_voor(b"", school, leerling(leerlingnummer=nummer), DAG) != casus_id
    assert casus_id_voor(ANDERE_SLEUTEL, school, leerling(leerlingnummer=nummer), DAG) != casus_id


def test_id_contains_no_pupil_number() -> None:
    casus_id = casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="123456"), DAG)
    assert "123456" not in str(casus_id).replace("-", "")


def test_pupil_without_number_has_no_id() -> None:
    with pytest.raises(ValueError):
        casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer=None), DAG)


def test_pseudonym_is_stable_and_readable() -> None:
    casus_id = casus_id_voor(SLEUTEL, "99XX", leerling(), DAG)
    pseudoniem = pseudoniem_voor(casus_id, 1)
    assert pseudoniem == pseudoniem_voor(casus_id, 1)
    assert re.fullmatch(r"Casus [0-9A-HJKMNP-TV-Z]-[0-9A-HJKMNP-TV-Z]{3}", pseudoniem)


def test_pseudonym_differs_per_file() -> None:
    a = casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="1"), DAG)
    b = casus_id_voor(SLEUTEL, "99XX", leerling(leerlingnummer="2"), DAG)
    assert pseudoniem_voor(a, 1) != pseudoniem_voor(b, 1)
