"""The field types of api/schemas/velden.py over the whole Unicode range (docs/invoer.md)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from api.schemas.velden import (
    DATUM_PATROON,
    TIJDSTIP_PATROON,
    Datum,
    Item,
    Naam,
    Tekst,
    Tijdstip,
    Zoekterm,
)

NAAM, ITEM, TEKST, ZOEKTERM = (TypeAdapter(t) for t in (Naam, Item, Tekst, Zoekterm))
DATUM, TIJDSTIP = TypeAdapter(Datum), TypeAdapter(Tijdstip)
# Every code point, lone surrogates included (JSON can carry them as \ud800).
TEKENS = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)


def _stuurteken(teken: str) -> bool:
    return unicodedata.category(teken) in ("Cc", "Cs")


def _geweigerd(adapter: TypeAdapter[Any], waarde: Any) -> str | None:
    try:
        adapter.validate_python(waarde)
    except ValidationError as fout:
        soort = str(fout.errors()[0]["type"])
        # pydantic refuses a lone surrogate itself, before our check sees it.
        return "tekst_stuurteken" if soort == "string_unicode" else soort
    return None


@given(st.text(TEKENS, min_size=1, max_size=30))
def test_namen_items_en_zoektermen_weigeren_elk_stuurteken(tekst: str) -> None:
    verwacht = "tekst_stuurteken" if any(map(_stuurteken, tekst)) else None
    assert _geweigerd(ZOEKTERM, tekst) == verwacht
    for adapter in (NAAM, ITEM):
        uitkomst = _geweigerd(adapter, tekst)
        assert uitkomst == verwacht or (verwacht is None and uitkomst == "tekst_leeg")


@given(st.text(TEKENS, min_size=1, max_size=30))
def test_vrije_tekst_houdt_alleen_tab_en_regeleinde(tekst: str) -> None:
    zonder_crlf = tekst.replace("\r\n", "")
    fout = any(_stuurteken(t) and t not in "\t\n" for t in zonder_crlf)
    uitkomst = _geweigerd(TEKST, tekst)
    assert (uitkomst == "tekst_stuurteken") == fout, repr(tekst)


@given(st.dates())
def test_een_datum_ligt_tussen_1900_en_2199(dag: date) -> None:
    binnen = date(1900, 1, 1) <= dag <= date(2199, 12, 31)
    assert (_geweigerd(DATUM, dag.isoformat()) is None) == binnen
    # The OpenAPI pattern states the same range.
    assert bool(re.fullmatch(DATUM_PATROON.strip("^$"), dag.isoformat())) == binnen


@given(
    st.datetimes(timezones=st.just(UTC)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m))),
)
def test_een_tijdstip_heeft_een_zone_en_ligt_binnen_het_bereik(
    moment: datetime, zone: timezone
) -> None:
    try:
        lokaal = moment.astimezone(zone)
    except OverflowError:
        return
    tekst = lokaal.isoformat()
    binnen = date(1900, 1, 1) <= lokaal.date() <= date(2199, 12, 31)
    assert (_geweigerd(TIJDSTIP, tekst) is None) == binnen, tekst
    assert bool(re.fullmatch(TIJDSTIP_PATROON.strip("^$"), tekst)) == binnen
    assert _geweigerd(TIJDSTIP, lokaal.replace(tzinfo=None).isoformat()) is not None


@pytest.mark.parametrize("waarde", [0, 1_700_000_000, "0", "1700000000", "20250301", "1-1-2025"])
def test_getallen_en_andere_vormen_zijn_geen_datum(waarde: Any) -> None:
    assert _geweigerd(DATUM, waarde) == "datum_formaat"
    assert _geweigerd(TIJDSTIP, waarde) == "tijdstip_formaat"
