"""The profile summary: shares per function, lines of one function counted together."""

from __future__ import annotations

from pathlib import Path

from bench.profiel import samenvatting


def test_a_function_counts_once_per_sample_inclusive_and_on_top_as_self(tmp_path: Path) -> None:
    raw = tmp_path / "api.raw"
    raw.write_text(
        'process 7:"python -m api.cli serve";'
        "main (app.py:1);bewaar (service.py:10);insert (pg.py:5) 3\n"
        "main (app.py:1);bewaar (service.py:12);bewaar (service.py:14) 1\n"
    )
    tekst = samenvatting(raw)

    assert "4 monsters" in tekst
    inclusief, eigen = tekst.split("eigen tijd:")
    assert "100.0%  bewaar (service.py)" in inclusief  # twice on one stack: counted once
    assert " 75.0%  insert (pg.py)" in eigen
    assert " 25.0%  bewaar (service.py)" in eigen
