"""Group commit: concurrent commands share a transaction, and a conflict in a group hurts
only the command that really lost the race."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from infrastructure.opslag.groepscommit import GroepsCommit


class Opslag:
    """A fake `save`: one "transaction" per call; a repeated key is a conflict, and a
    call may be held open so that other commands queue up behind it."""

    def __init__(self) -> None:
        self.bewaard: list[str] = []
        self.aanroepen: list[tuple[str, ...]] = []
        self.vasthouden = threading.Event()
        self.vasthouden.set()
        self.binnen = threading.Event()
        self.weigeren: BaseException | None = None

    def __call__(self, rij: Sequence[str], sleutels: Any = ()) -> list[Any]:
        gebeurtenissen = tuple(rij)
        self.binnen.set()
        self.vasthouden.wait(5)
        self.aanroepen.append(gebeurtenissen)
        if self.weigeren is not None:
            raise self.weigeren
        if len(set(gebeurtenissen)) < len(gebeurtenissen) or set(gebeurtenissen) & set(
            self.bewaard
        ):
            raise IntegrityError("dubbel")
        self.bewaard.extend(gebeurtenissen)
        return [f"opname:{g}" for g in gebeurtenissen]


def _gelijktijdig(commit: GroepsCommit, opslag: Opslag, verzoeken: list[list[str]]) -> list[Any]:
    """Hold the first save open until every other command has queued, then let go."""
    uitkomsten: list[Any] = [None] * len(verzoeken)

    def doe(i: int) -> None:
        try:
            uitkomsten[i] = commit.bewaar(verzoeken[i])
        except BaseException as fout:
            uitkomsten[i] = fout

    opslag.vasthouden.clear()
    eerste = threading.Thread(target=doe, args=(0,))
    eerste.start()
    assert opslag.binnen.wait(5)
    overige = [threading.Thread(target=doe, args=(i,)) for i in range(1, len(verzoeken))]
    for draad in overige:
        draad.start()
    while len(commit._wachtrij) < len(overige):
        threading.Event().wait(0.001)
    opslag.vasthouden.set()
    for draad in [eerste, *overige]:
        draad.join(5)
    return uitkomsten


def test_a_lone_command_is_stored_at_once_in_its_own_transaction() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag)

    assert commit.bewaar(["a1", "a2"]) == ["opname:a1", "opname:a2"]
    assert opslag.aanroepen == [("a1", "a2")]


def test_commands_that_arrive_during_a_save_share_the_next_transaction() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag)

    uitkomsten = _gelijktijdig(commit, opslag, [["a"], ["b1", "b2"], ["c"], ["d"]])

    assert uitkomsten == [["opname:a"], ["opname:b1", "opname:b2"], ["opname:c"], ["opname:d"]]
    assert len(opslag.aanroepen) == 2  # the first alone, the three that queued together
    assert sorted(opslag.aanroepen[1]) == ["b1", "b2", "c", "d"]
    assert (commit.transacties, commit.opdrachten) == (2, 4)


def test_a_conflict_in_a_group_fails_only_the_command_that_lost_the_race() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag)

    uitkomsten = _gelijktijdig(commit, opslag, [["x"], ["b"], ["x"], ["c"]])

    assert uitkomsten[0] == ["opname:x"]
    assert uitkomsten[1] == ["opname:b"]
    assert isinstance(uitkomsten[2], IntegrityError)
    assert uitkomsten[3] == ["opname:c"]
    assert opslag.bewaard == ["x", "b", "c"]  # nothing of the failed group stored twice


def test_a_database_failure_fails_every_member_of_the_group_alike() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag)
    opslag.weigeren = ConnectionError("database weg")

    uitkomsten = _gelijktijdig(commit, opslag, [["a"], ["b"], ["c"]])

    assert all(isinstance(u, ConnectionError) for u in uitkomsten)
    opslag.weigeren = None
    assert commit.bewaar(["d"]) == ["opname:d"]  # and the next command is not stuck


def test_one_transaction_holds_at_most_max_groep_commands() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag, max_groep=2)

    _gelijktijdig(commit, opslag, [["a"], ["b"], ["c"], ["d"], ["e"]])

    assert [len(a) for a in opslag.aanroepen] == [1, 2, 2]


@pytest.mark.parametrize("groep", [1, 64])
def test_many_threads_all_get_their_own_recordings(groep: int) -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag, max_groep=groep)
    uitkomsten: dict[int, Any] = {}

    def doe(i: int) -> None:
        uitkomsten[i] = commit.bewaar([f"e{i}"])

    draden = [threading.Thread(target=doe, args=(i,)) for i in range(50)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join(5)

    assert uitkomsten == {i: [f"opname:e{i}"] for i in range(50)}
    assert commit.opdrachten == 50


def test_a_leader_returns_after_its_own_group_and_hands_the_lead_on() -> None:
    poorten = [threading.Event(), threading.Event()]
    binnen = [threading.Event(), threading.Event()]
    aanroepen: list[tuple[str, ...]] = []

    def opslaan(rij: Sequence[str], sleutels: Any = ()) -> list[str]:
        gebeurtenissen = tuple(rij)
        nummer = len(aanroepen)
        aanroepen.append(gebeurtenissen)
        binnen[nummer].set()
        poorten[nummer].wait(5)
        return [f"opname:{g}" for g in gebeurtenissen]

    commit = GroepsCommit(opslaan)
    klaar: dict[str, Any] = {}

    def doe(naam: str) -> None:
        klaar[naam] = commit.bewaar([naam])

    eerste = threading.Thread(target=doe, args=("a",))
    eerste.start()
    assert binnen[0].wait(5)
    volgers = [threading.Thread(target=doe, args=(n,)) for n in ("b", "c")]
    for draad in volgers:
        draad.start()
    while len(commit._wachtrij) < 2:
        threading.Event().wait(0.001)

    poorten[0].set()
    assert binnen[1].wait(5)  # the second group is being stored ...
    eerste.join(5)
    assert not eerste.is_alive() and klaar["a"] == ["opname:a"]  # ... by someone else

    poorten[1].set()
    for draad in volgers:
        draad.join(5)
    assert aanroepen == [("a",), ("b", "c")]
    assert klaar == {"a": ["opname:a"], "b": ["opname:b"], "c": ["opname:c"]}


def test_a_command_from_the_event_loop_is_stored_off_the_loop() -> None:
    draden: list[threading.Thread] = []

    def opslaan(rij: Sequence[str], sleutels: Any = ()) -> list[str]:
        gebeurtenissen = tuple(rij)
        draden.append(threading.current_thread())
        return [f"opname:{g}" for g in gebeurtenissen]

    commit = GroepsCommit(opslaan)
    try:
        assert asyncio.run(commit.bewaar_async(["a"])) == ["opname:a"]
    finally:
        commit.sluit()
    assert draden and draden[0] is not threading.current_thread()


def _gemengd(commit: GroepsCommit, opslag: Opslag, draad: list[str], lus: list[list[str]]) -> Any:
    """A save from a thread held open; then requests from a thread and from an event loop
    queue up behind it; then it lets go."""
    uitkomsten: dict[str, Any] = {}

    def doe(naam: str, gebeurtenissen: list[str]) -> None:
        try:
            uitkomsten[naam] = commit.bewaar(gebeurtenissen)
        except BaseException as fout:
            uitkomsten[naam] = fout

    async def op_de_lus() -> list[Any]:
        taken = [asyncio.ensure_future(commit.bewaar_async(g)) for g in lus]
        while len(commit._wachtrij) < len(lus) + 1:
            await asyncio.sleep(0.001)
        opslag.vasthouden.set()
        return await asyncio.gather(*taken, return_exceptions=True)

    opslag.vasthouden.clear()
    eerste = threading.Thread(target=doe, args=("eerste", ["x"]))
    eerste.start()
    assert opslag.binnen.wait(5)
    tweede = threading.Thread(target=doe, args=("draad", draad))
    tweede.start()
    while len(commit._wachtrij) < 1:
        threading.Event().wait(0.001)
    uitkomsten["lus"] = asyncio.run(op_de_lus())
    for t in (eerste, tweede):
        t.join(5)
    return uitkomsten


def test_requests_from_threads_and_from_the_loop_share_one_transaction() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag)
    try:
        uitkomsten = _gemengd(commit, opslag, ["b"], [["c"], ["d", "e"]])
    finally:
        commit.sluit()
    assert uitkomsten == {
        "eerste": ["opname:x"],
        "draad": ["opname:b"],
        "lus": [["opname:c"], ["opname:d", "opname:e"]],
    }
    assert opslag.aanroepen == [("x",), ("b", "c", "d", "e")]


def test_a_conflict_in_a_mixed_group_fails_only_the_request_that_lost() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag)
    try:
        uitkomsten = _gemengd(commit, opslag, ["b"], [["x"], ["c"]])
    finally:
        commit.sluit()
    verloren, gewonnen = uitkomsten["lus"]
    assert isinstance(verloren, IntegrityError) and gewonnen == ["opname:c"]
    assert uitkomsten["draad"] == ["opname:b"]
    assert sorted(opslag.bewaard) == ["b", "c", "x"]


def test_a_database_failure_reaches_every_request_from_the_loop() -> None:
    opslag = Opslag()
    opslag.weigeren = ConnectionError("database weg")
    commit = GroepsCommit(opslag)

    async def twee() -> list[Any]:
        return await asyncio.gather(
            commit.bewaar_async(["a"]), commit.bewaar_async(["b"]), return_exceptions=True
        )

    try:
        uitkomsten = asyncio.run(twee())
    finally:
        commit.sluit()
    assert [type(u) for u in uitkomsten] == [ConnectionError, ConnectionError]


def test_an_answer_for_a_closed_loop_does_not_stop_the_group_commit() -> None:
    opslag = Opslag()
    commit = GroepsCommit(opslag)
    # The caller's loop is closed outright while its save is still being stored.
    lus = asyncio.new_event_loop()
    opslag.vasthouden.clear()
    opdracht = commit.bewaar_async(["a"])

    async def begin() -> None:
        opdracht.send(None)  # queued and handed to the writer; then left waiting

    lus.run_until_complete(begin())
    assert opslag.binnen.wait(5)
    lus.close()
    try:
        opslag.vasthouden.set()
        # The next command is still served (nothing left stuck as "busy").
        assert asyncio.run(commit.bewaar_async(["b"])) == ["opname:b"]
    finally:
        opdracht.close()
        commit.sluit()
