"""One composition root: outside the tests, only api/samenstelling.py builds the service,
the views' runner and their storage (docs/architectuur.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WORTEL = Path(__file__).resolve().parents[2]
PAKKETTEN = ("domain", "application", "infrastructure", "projections", "api", "bench")
SAMENSTELLING = Path("api/samenstelling.py")


def aanroepen_van(naam: str) -> set[Path]:
    """Every production module that calls `naam(...)` (as a name or an attribute)."""
    gevonden = set()
    for pakket in PAKKETTEN:
        for pad in (WORTEL / pakket).rglob("*.py"):
            for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"))):
                if not isinstance(knoop, ast.Call):
                    continue
                functie = knoop.func
                genoemd = functie.id if isinstance(functie, ast.Name) else None
                if isinstance(functie, ast.Attribute):
                    genoemd = functie.attr
                if genoemd == naam:
                    gevonden.add(pad.relative_to(WORTEL))
    return gevonden


@pytest.mark.parametrize("klasse", ["Zorgroute", "Projectierunner", "Opslag"])
def test_only_the_composition_root_builds_it(klasse: str) -> None:
    assert aanroepen_van(klasse) == {SAMENSTELLING}


def test_the_search_sees_a_call_elsewhere() -> None:
    # The check above must be able to fail: the benchmarks call the root's builder.
    assert Path("bench/gemeenschappelijk.py") in aanroepen_van("bouw_service")
