"""An event's time comes from the clock its caller hands the domain (`op_klok`), else
from the library's; the domain reads no clock of its own choosing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.klok import op_klok
from tests.unit.domain.domeinbouwers import informeer_ouders, nieuwe_casus

TOEN = datetime(2025, 10, 6, 10, 0, tzinfo=UTC)


def test_events_inside_op_klok_carry_its_time() -> None:
    with op_klok(lambda: TOEN):
        casus = nieuwe_casus()
        informeer_ouders(casus)

    [gebeurtenis] = casus.collect_events()
    assert gebeurtenis.timestamp == TOEN
    assert casus.created_on == casus.modified_on == TOEN


def test_the_clock_is_asked_per_event_and_is_gone_after_the_block() -> None:
    tijden = iter([TOEN, TOEN + timedelta(days=3)])
    with op_klok(lambda: next(tijden)):
        casus = nieuwe_casus()  # opened, and its signal: two events, two readings
    assert casus.created_on == TOEN
    assert casus.modified_on == TOEN + timedelta(days=3)

    voor = datetime.now(UTC)
    informeer_ouders(casus)
    [gebeurtenis] = casus.collect_events()
    assert voor <= gebeurtenis.timestamp <= datetime.now(UTC)


def test_an_inner_clock_wins_and_the_outer_returns() -> None:
    later = TOEN + timedelta(days=1)
    with op_klok(lambda: TOEN):
        with op_klok(lambda: later):
            casus = nieuwe_casus()
        informeer_ouders(casus)
    [gebeurtenis] = casus.collect_events()
    assert casus.created_on == later
    assert gebeurtenis.timestamp == TOEN
