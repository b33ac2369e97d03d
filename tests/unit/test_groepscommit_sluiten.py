"""Stopping the group commit under load, and callers cancelled mid-save (issue 14, item
4): closing drains what is under way and refuses what comes after, never hangs, and
every caller learns what really became of its save."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from infrastructure.opslag import groepscommit as gc
from tests.unit.test_groepscommit import Opslag
from tests.unit.test_groepscommit_op_lus import OpslagOpLus

GRENS = 5.0  # seconds: only ever reached when the code under test is broken


def _tot(voorwaarde: Callable[[], bool]) -> None:
    """Wait (bounded) until another thread has got as far as `voorwaarde` says."""
    klok = threading.Event()
    for _ in range(int(GRENS / 0.001)):
        if voorwaarde():
            return
        klok.wait(0.001)
    raise AssertionError("de andere draad kwam niet zo ver")


def _in_draad(
    functie: Callable[[], Any], uitkomsten: dict[str, Any], naam: str
) -> threading.Thread:
    def doe() -> None:
        try:
            uitkomsten[naam] = functie()
        except BaseException as fout:
            uitkomsten[naam] = fout

    # A daemon, so that a request the old code left waiting forever cannot hold up pytest.
    draad = threading.Thread(target=doe, daemon=True)
    draad.start()
    return draad


def _lus_in_draad(
    werk: Callable[[], Any], uitkomsten: dict[str, Any], naam: str
) -> threading.Thread:
    async def begrensd() -> Any:
        return await asyncio.wait_for(werk(), GRENS)

    return _in_draad(lambda: asyncio.run(begrensd()), uitkomsten, naam)


def test_closing_while_a_thread_leads_stores_what_was_queued_and_then_refuses() -> None:
    opslag = Opslag()
    commit = gc.GroepsCommit(opslag)
    uitkomsten: dict[str, Any] = {}
    opslag.vasthouden.clear()
    leider = _in_draad(lambda: commit.bewaar(["a"]), uitkomsten, "a")
    assert opslag.binnen.wait(GRENS)
    # A command from an event loop queues behind the thread's save.
    lus = _lus_in_draad(lambda: commit.bewaar_async(["b"]), uitkomsten, "b")
    _tot(lambda: len(commit._wachtrij) == 1)

    sluiter = _in_draad(commit.sluit, uitkomsten, "sluit")
    _tot(lambda: not sluiter.is_alive() or getattr(commit, "_gesloten", False))
    opslag.vasthouden.set()
    for draad in (leider, lus, sluiter):
        draad.join(GRENS)

    assert uitkomsten == {"a": ["opname:a"], "b": ["opname:b"], "sluit": None}
    assert opslag.bewaard == ["a", "b"]
    # Afterwards a thread and a loop are refused at once, instead of waiting forever.
    later = _in_draad(lambda: commit.bewaar(["c"]), uitkomsten, "c")
    later.join(GRENS)
    assert isinstance(uitkomsten.get("c"), gc.OpslagGesloten)
    with pytest.raises(gc.OpslagGesloten):
        asyncio.run(asyncio.wait_for(commit.bewaar_async(["d"]), GRENS))
    assert opslag.bewaard == ["a", "b"]


def test_closing_is_bounded_and_refuses_what_no_save_took() -> None:
    opslag = Opslag()
    commit = gc.GroepsCommit(opslag)
    uitkomsten: dict[str, Any] = {}
    opslag.vasthouden.clear()
    leider = _in_draad(lambda: commit.bewaar(["a"]), uitkomsten, "a")
    assert opslag.binnen.wait(GRENS)
    volger = _in_draad(lambda: commit.bewaar(["b"]), uitkomsten, "b")
    _tot(lambda: len(commit._wachtrij) == 1)

    commit.sluit(wachttijd=0.01)  # the save of "a" hangs: closing does not
    volger.join(GRENS)
    assert isinstance(uitkomsten.get("b"), gc.OpslagGesloten)

    opslag.vasthouden.set()
    leider.join(GRENS)
    assert uitkomsten["a"] == ["opname:a"] and opslag.bewaard == ["a"]


def test_closing_refuses_new_requests_on_the_loop_that_stores_itself() -> None:
    commit = gc.GroepsCommit(Opslag())
    opslag = OpslagOpLus()
    opslag.door.set()

    async def lus() -> Any:
        commit.op_lus(opslag)
        eerst = await commit.bewaar_async(["a"])
        await asyncio.to_thread(commit.sluit)
        try:
            await commit.bewaar_async(["b"])
        except gc.OpslagGesloten:
            return eerst, "geweigerd"
        return eerst, "bewaard"

    assert asyncio.run(lus()) == (["opname:a"], "geweigerd")
    assert opslag.bewaard == ["a"]


@pytest.mark.parametrize("waar", ["op de lus", "in de schrijfdraad"])
@pytest.mark.parametrize("uitkomst", ["bewaard", "conflict"])
def test_a_caller_cancelled_while_its_save_is_under_way_learns_what_became_of_it(
    waar: str, uitkomst: str
) -> None:
    op_lus, draad = OpslagOpLus(), Opslag()
    if uitkomst == "conflict":
        op_lus.bewaard.append("a")
        draad.bewaard.append("a")
    commit = gc.GroepsCommit(draad)

    async def lus() -> Any:
        if waar == "op de lus":
            commit.op_lus(op_lus)
        else:
            draad.vasthouden.clear()
        taak = asyncio.ensure_future(commit.bewaar_async(["a"]))
        if waar == "op de lus":
            while not op_lus.aanroepen:
                await asyncio.sleep(0)
        else:
            assert await asyncio.to_thread(draad.binnen.wait, GRENS)
        taak.cancel()  # while "a" is being stored
        for _ in range(3):
            await asyncio.sleep(0)
        assert not taak.done()  # not told anything before the save is done
        op_lus.door.set()
        draad.vasthouden.set()
        return await asyncio.wait_for(asyncio.gather(taak, return_exceptions=True), GRENS)

    try:
        [antwoord] = asyncio.run(lus())
    finally:
        commit.sluit()
    if uitkomst == "bewaard":
        assert antwoord == ["opname:a"]
    else:  # the save's own error: a command then checks whether its key was stored
        assert isinstance(antwoord, IntegrityError)


def test_a_caller_cancelled_before_its_save_began_is_withdrawn_and_nothing_is_stored() -> None:
    opslag = OpslagOpLus()
    commit = gc.GroepsCommit(Opslag())

    async def lus() -> Any:
        commit.op_lus(opslag)
        eerste = asyncio.ensure_future(commit.bewaar_async(["a"]))
        while not opslag.aanroepen:
            await asyncio.sleep(0)
        tweede = asyncio.ensure_future(commit.bewaar_async(["b"]))
        await asyncio.sleep(0)
        tweede.cancel()  # still queued behind the save of "a"
        opslag.door.set()
        return await asyncio.wait_for(asyncio.gather(eerste, tweede, return_exceptions=True), GRENS)

    try:
        eerste, tweede = asyncio.run(lus())
    finally:
        commit.sluit()
    assert eerste == ["opname:a"] and isinstance(tweede, asyncio.CancelledError)
    assert opslag.bewaard == ["a"]  # told "cancelled", and indeed nothing of it stored
