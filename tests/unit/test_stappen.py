"""A command written as steps runs the same in a thread and on the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from application.poorten import Bewaar, Blokkerend, Stappen, Wacht
from infrastructure.opslag.stappen import voer_uit, voer_uit_async


class Mislukt(Exception):
    pass


def opdracht(verslag: list[Any]) -> Stappen[str]:
    verslag.append(("bewaard", (yield Bewaar(["a"]))))
    try:
        yield Bewaar(["fout"])
    except Mislukt:
        verslag.append("opslaan mislukt, opgevangen")
    verslag.append(("gelezen", (yield Blokkerend(lambda: threading.current_thread().name))))
    yield Wacht(0.001)
    return "klaar"


def bewaar(gebeurtenissen: Sequence[Any], sleutels: Sequence[Any] = ()) -> list[str]:
    if "fout" in gebeurtenissen:
        raise Mislukt
    return [f"opname:{g}" for g in gebeurtenissen]


async def bewaar_async(gebeurtenissen: Sequence[Any], sleutels: Sequence[Any] = ()) -> list[str]:
    return bewaar(gebeurtenissen)


def test_steps_in_the_calling_thread() -> None:
    verslag: list[Any] = []
    assert voer_uit(opdracht(verslag), bewaar) == "klaar"
    assert verslag == [
        ("bewaard", ["opname:a"]),
        "opslaan mislukt, opgevangen",
        ("gelezen", threading.current_thread().name),
    ]


def test_steps_on_the_loop_give_the_same_and_block_only_off_the_loop() -> None:
    verslag: list[Any] = []
    assert asyncio.run(voer_uit_async(opdracht(verslag), bewaar_async)) == "klaar"
    assert verslag[:2] == [("bewaard", ["opname:a"]), "opslaan mislukt, opgevangen"]
    assert verslag[2][0] == "gelezen" and verslag[2][1] != threading.current_thread().name


def test_an_error_the_command_does_not_catch_reaches_the_caller_either_way() -> None:
    def faalt() -> None:
        raise Mislukt

    def weigert() -> Stappen[None]:
        yield Blokkerend(faalt)

    with pytest.raises(Mislukt):
        voer_uit(weigert(), bewaar)
    with pytest.raises(Mislukt):
        asyncio.run(voer_uit_async(weigert(), bewaar_async))
