"""CSV (RFC 4180) and iCalendar (RFC 5545) rendering, independent of any view."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from projections.formaten import IcsGebeurtenis, als_csv, als_ics, ics_tekst, vouw


def test_csv_has_a_header_crlf_and_quotes_where_needed() -> None:
    tekst = als_csv(
        [
            {"naam": 'Sam, "de" Boer', "aantal": 3, "actief": True, "lijst": ["a", "b"]},
            {"naam": "regel\nnieuw", "aantal": -2, "actief": False, "extra": "genegeerd"},
            {},
        ],
        ["naam", "aantal", "actief", "lijst"],
    )
    assert tekst.startswith("naam,aantal,actief,lijst\r\n")
    assert tekst.endswith("\r\n")
    assert '"Sam, ""de"" Boer",3,ja,a; b\r\n' in tekst
    rijen = list(csv.reader(io.StringIO(tekst, newline="")))
    assert rijen == [
        ["naam", "aantal", "actief", "lijst"],
        ['Sam, "de" Boer', "3", "ja", "a; b"],
        ["regel\nnieuw", "-2", "nee", ""],
        ["", "", "", ""],
    ]


@pytest.mark.parametrize("tekst", ["=SOM(A1:A2)", "+31 6", "-1+1", "@cmd", "\tx"])
def test_csv_defuses_cells_a_spreadsheet_would_run_as_a_formula(tekst: str) -> None:
    regel = als_csv([{"a": tekst, "d": date(2025, 9, 1)}], ["a", "d"]).split("\r\n")[1]
    assert regel.startswith("'") or regel.startswith("\"'")
    assert regel.endswith(",2025-09-01")


def test_ics_text_is_escaped() -> None:
    assert ics_tekst("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_folding_keeps_lines_at_most_75_octets_without_splitting_characters() -> None:
    regel = "DESCRIPTION:" + "é" * 100 + "x" * 100 + "€" * 40
    gevouwen = vouw(regel)
    delen = gevouwen.split("\r\n")
    assert len(delen) > 1
    assert all(len(d.encode("utf-8")) <= 75 for d in delen)
    assert all(d.startswith(" ") for d in delen[1:])
    assert "".join([delen[0], *(d[1:] for d in delen[1:])]) == regel  # unfolds exactly
    assert vouw("KORT:regel") == "KORT:regel"
    assert len(vouw("X" * 75).split("\r\n")) == 1 and len(vouw("X" * 76).split("\r\n")) == 2


def test_a_calendar_is_well_formed() -> None:
    stempel = datetime(2025, 9, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    tekst = als_ics(
        [
            IcsGebeurtenis(uid="een@zorgroute", begin=date(2025, 9, 8), samenvatting="OZS"),
            IcsGebeurtenis(
                uid="twee@zorgroute",
                begin=datetime(2025, 9, 9, 14, 0, tzinfo=UTC),
                einde=datetime(2025, 9, 9, 15, 0, tzinfo=UTC),
                samenvatting="ZAT, overleg",
                beschrijving="1. Casus K-7Q2\n2. Klas H3A " + "lang " * 40,
            ),
        ],
        tijdstempel=stempel,
    )
    regels = tekst.split("\r\n")
    assert regels[0] == "BEGIN:VCALENDAR" and regels[-2:] == ["END:VCALENDAR", ""]
    assert "VERSION:2.0" in regels and any(r.startswith("PRODID:") for r in regels)
    assert regels.count("BEGIN:VEVENT") == regels.count("END:VEVENT") == 2
    assert regels.count("DTSTAMP:20250901T083000Z") == 2
    assert "DTSTART;VALUE=DATE:20250908" in regels
    assert "DTSTART:20250909T140000Z" in regels and "DTEND:20250909T150000Z" in regels
    assert "SUMMARY:ZAT\\, overleg" in regels
    assert "\n" not in tekst.replace("\r\n", "")
    assert all(len(r.encode("utf-8")) <= 75 for r in regels)


def test_a_time_without_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        als_ics([IcsGebeurtenis(uid="x", begin=datetime(2025, 9, 9, 14), samenvatting="x")])
