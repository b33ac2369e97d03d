"""Group commit on the API's own event loop (`GroepsCommit.op_lus`): commands stored
there by an async save, those arriving meanwhile in the next one, and nobody left
waiting when the loop's writer stops."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from eventsourcing.persistence import IntegrityError

from infrastructure.opslag.groepscommit import GroepsCommit
from tests.unit.test_groepscommit import Opslag


class OpslagOpLus:
    """A fake async save on the event loop: a repeated key is a conflict, and the first
    save may be held open (until `door` is set) so that others queue up behind it."""

    def __init__(self) -> None:
        self.aanroepen: list[tuple[str, ...]] = []
        self.draden: set[threading.Thread] = set()
        self.bewaard: list[str] = []
        self.door = asyncio.Event()
        self.weigeren: BaseException | None = None

    async def __call__(self, gebeurtenissen: Any, sleutels: Any = ()) -> list[Any]:
        self.draden.add(threading.current_thread())
        self.aanroepen.append(tuple(gebeurtenissen))
        await self.door.wait()
        if self.weigeren is not None:
            raise self.weigeren
        if set(gebeurtenissen) & set(self.bewaard) or len(set(gebeurtenissen)) < len(
            gebeurtenissen
        ):
            raise IntegrityError("dubbel")
        self.bewaard.extend(gebeurtenissen)
        return [f"opname:{g}" for g in gebeurtenissen]


def _op_de_lus(verzoeken: list[list[str]], opslag: OpslagOpLus | None = None) -> Any:
    """Requests from the loop the group commit stores on: the first save is held open
    until the others have queued up behind it."""
    opslag = opslag or OpslagOpLus()
    commit = GroepsCommit(Opslag())

    async def lus() -> list[Any]:
        commit.op_lus(opslag)
        eerste = asyncio.ensure_future(commit.bewaar_async(verzoeken[0]))
        while not opslag.aanroepen:
            await asyncio.sleep(0)
        overige = [asyncio.ensure_future(commit.bewaar_async(v)) for v in verzoeken[1:]]
        await asyncio.sleep(0)
        opslag.door.set()
        return await asyncio.gather(eerste, *overige, return_exceptions=True)

    try:
        return asyncio.run(lus()), opslag
    finally:
        commit.sluit()


def test_on_its_own_loop_commands_are_stored_there_and_latecomers_share_a_save() -> None:
    uitkomsten, opslag = _op_de_lus([["a"], ["b"], ["c", "d"]])
    assert uitkomsten == [["opname:a"], ["opname:b"], ["opname:c", "opname:d"]]
    assert opslag.aanroepen == [("a",), ("b", "c", "d")]
    assert opslag.draden == {threading.current_thread()}


def test_on_its_own_loop_a_conflict_fails_only_the_command_that_lost() -> None:
    opslag = OpslagOpLus()
    opslag.bewaard.append("x")
    uitkomsten, _ = _op_de_lus([["a"], ["x"], ["c"]], opslag)
    assert uitkomsten[0] == ["opname:a"] and uitkomsten[2] == ["opname:c"]
    assert isinstance(uitkomsten[1], IntegrityError)
    assert opslag.bewaard == ["x", "a", "c"]


def test_on_its_own_loop_a_database_failure_reaches_every_command() -> None:
    opslag = OpslagOpLus()
    opslag.weigeren = ConnectionError("database weg")
    uitkomsten, _ = _op_de_lus([["a"], ["b"], ["c"]], opslag)
    assert [type(u) for u in uitkomsten] == [ConnectionError] * 3


def test_switching_the_loop_off_waits_for_its_saves_and_then_uses_the_writer_thread() -> None:
    opslag_op_lus, opslag = OpslagOpLus(), Opslag()
    commit = GroepsCommit(opslag)

    async def lus() -> list[Any]:
        commit.op_lus(opslag_op_lus)
        bezig = asyncio.ensure_future(commit.bewaar_async(["a"]))
        while not opslag_op_lus.aanroepen:
            await asyncio.sleep(0)
        gestopt = asyncio.ensure_future(commit.op_lus_gestopt())
        await asyncio.sleep(0)
        assert not gestopt.done()  # "a" is still being stored
        opslag_op_lus.door.set()
        await gestopt
        assert bezig.done()
        return [await bezig, await commit.bewaar_async(["b"])]

    try:
        assert asyncio.run(lus()) == [["opname:a"], ["opname:b"]]
    finally:
        commit.sluit()
    assert opslag.aanroepen == [("b",)]  # after switching off: the writer thread


def test_a_cancelled_writer_on_the_loop_leaves_no_command_waiting() -> None:
    opslag = OpslagOpLus()
    commit = GroepsCommit(Opslag())

    async def lus() -> list[Any]:
        commit.op_lus(opslag)
        taken = [asyncio.ensure_future(commit.bewaar_async(["a"]))]
        while not opslag.aanroepen:
            await asyncio.sleep(0)
        # "b" and "c" queue up behind the save of "a", which is under way.
        taken += [asyncio.ensure_future(commit.bewaar_async([g])) for g in "bc"]
        await asyncio.sleep(0)
        assert len(commit._lus_rij) == 2 and commit._lus_schrijver is not None
        commit._lus_schrijver.cancel()  # as when the loop shuts down mid-save
        return await asyncio.wait_for(asyncio.gather(*taken, return_exceptions=True), 5)

    try:
        uitkomsten = asyncio.run(lus())
    finally:
        commit.sluit()
    assert [type(u) for u in uitkomsten] == [RuntimeError] * 3
