"""The log safety net: one JSON line per event, personal data blanked even when nested."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import sys
from collections.abc import Iterator

import pytest
import structlog

from infrastructure.logging import AFGESCHERMD, Verzoekregel, configure_logging


@pytest.fixture(autouse=True)
def _herstel_logging() -> Iterator[None]:
    yield
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


def test_json_regel_zonder_persoonsgegevens(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    structlog.get_logger().info(
        "verzoek_afgehandeld",
        casus_id="c1",
        naam="Jan Jansen",
        body={"leerlingnummer": "123", "omschrijving": "x", "reden_tekst": "y", "klas": "2A"},
        items=[{"geboortedatum": "2010-01-01"}],
    )
    regel = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert regel["event"] == "verzoek_afgehandeld"
    assert regel["level"] == "info"
    assert regel["timestamp"].endswith("Z")
    assert regel["casus_id"] == "c1"
    assert regel["naam"] == AFGESCHERMD
    assert regel["body"] == {
        "leerlingnummer": AFGESCHERMD,
        "omschrijving": AFGESCHERMD,
        "reden_tekst": AFGESCHERMD,
        "klas": "2A",
    }
    assert regel["items"] == [{"geboortedatum": AFGESCHERMD}]


def test_niveau_filtert(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING")
    structlog.get_logger().info("niet_zichtbaar")
    logging.getLogger("derde").warning("wel_zichtbaar")
    uitvoer = capsys.readouterr().out
    assert "niet_zichtbaar" not in uitvoer
    assert json.loads(uitvoer.strip().splitlines()[-1])["event"] == "wel_zichtbaar"


def _velden() -> dict[str, object]:
    return {
        "method": "POST",
        "path": "/api/v1/casussen/{casus_id}/gesprekken",
        "status": 201,
        "duration_ms": 1.25,
        "request_id": "abc",
        "actor_id": "m-42",
        "casus_id": None,
    }


def test_the_request_line_is_written_as_the_configured_chain_writes_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    structlog.get_logger().info("verzoek_afgehandeld", **_velden())
    Verzoekregel().schrijf(_velden())
    via_keten, direct = (json.loads(r) for r in capsys.readouterr().out.splitlines()[-2:])
    assert list(direct) == list(via_keten)  # the same keys in the same order
    assert {**direct, "timestamp": None} == {**via_keten, "timestamp": None}
    for regel in (via_keten, direct):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", regel["timestamp"])


def test_the_request_line_follows_the_configured_level(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("WARNING")
    Verzoekregel().schrijf(_velden())
    assert capsys.readouterr().out == ""


class _Uitvoer(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.gespoeld = 0

    def flush(self) -> None:
        self.gespoeld += 1
        super().flush()


def _telt_spoelingen(monkeypatch: pytest.MonkeyPatch) -> _Uitvoer:
    """Logging at INFO, into a stdout that counts its flushes. Called in the test itself:
    pytest's own capture sets sys.stdout again between a fixture and the test."""
    configure_logging("INFO")
    uitvoer = _Uitvoer()
    monkeypatch.setattr(sys, "stdout", uitvoer)
    return uitvoer


def test_request_lines_are_flushed_once_per_turn_of_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uit = _telt_spoelingen(monkeypatch)
    regel = Verzoekregel()

    async def beurt() -> None:
        regel.schrijf(_velden())
        regel.schrijf(_velden())
        assert uit.gespoeld == 0
        await asyncio.sleep(0)
        assert uit.gespoeld == 1

    asyncio.run(beurt())
    regel.schrijf(_velden())  # outside an event loop: at once
    assert uit.gespoeld == 2
    assert len(uit.getvalue().splitlines()) == 3


def test_a_flush_a_closed_loop_never_ran_does_not_stop_the_next_loops_flushes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uit = _telt_spoelingen(monkeypatch)
    regel = Verzoekregel()
    oude = asyncio.new_event_loop()
    oude.close()
    regel._gepland_op = oude  # scheduled there, and the loop closed before it ran

    async def beurt() -> None:
        regel.schrijf(_velden())
        await asyncio.sleep(0)
        assert uit.gespoeld == 1

    asyncio.run(beurt())


def test_structlog_lines_are_written_whole_to_the_current_stdout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uit = _telt_spoelingen(monkeypatch)
    geschreven: list[str] = []
    monkeypatch.setattr(uit, "write", lambda tekst: geschreven.append(tekst) or len(tekst))
    structlog.get_logger().warning("iets_mis", casus_id="c1")
    assert len(geschreven) == 1 and geschreven[0].endswith("}\n")
    assert json.loads(geschreven[0])["event"] == "iets_mis"
