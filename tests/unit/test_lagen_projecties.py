"""The views plug in behind ports: no module in projections/ reaches into infrastructure,
the event store's library or its events table (they read the log through
`application.gebeurtenislog`)."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECTIES = Path(__file__).resolve().parents[2] / "projections"
VERBODEN = ("infrastructure", "eventsourcing")
# Composition (building the views from the settings), not a view: it belongs with the
# composition root and is exempt only while it still lives here.
SAMENSTELLING = "samenstelling.py"


def _imports(bron: str) -> list[str]:
    modules: list[str] = []
    for knoop in ast.walk(ast.parse(bron)):
        if isinstance(knoop, ast.Import):
            modules += [alias.name for alias in knoop.names]
        elif isinstance(knoop, ast.ImportFrom) and knoop.level == 0 and knoop.module:
            modules.append(knoop.module)
    return modules


def _verboden(module: str) -> bool:
    return any(module == v or module.startswith(f"{v}.") for v in VERBODEN)


def _modules() -> list[Path]:
    return sorted(p for p in PROJECTIES.glob("*.py") if p.name != SAMENSTELLING)


def test_the_check_sees_every_kind_of_import() -> None:
    bron = (
        "import infrastructure.settings\n"
        "from eventsourcing.persistence import StoredEvent\n"
        "def f():\n    from infrastructure import persistence\n"
        "from projections.basis import Projectie\n"
    )
    assert [m for m in _imports(bron) if _verboden(m)] == [
        "infrastructure.settings",
        "eventsourcing.persistence",
        "infrastructure",
    ]


def test_no_module_in_projections_imports_infrastructure_or_the_event_store() -> None:
    modules = _modules()
    assert len(modules) > 20  # the views themselves, not an empty folder
    gevonden = {
        p.name: verboden
        for p in modules
        if (verboden := [m for m in _imports(p.read_text()) if _verboden(m)])
    }
    assert gevonden == {}


def test_no_module_in_projections_reads_the_events_table() -> None:
    # The log's position is the library's `notification_id`, a column of its events table
    # only; the views' own tables call it `positie`.
    assert [p.name for p in _modules() if "notification_id" in p.read_text()] == []
