"""The process's last stored copies: taken out for one command, least recently used go."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest

from application.laatst_bewaard import LaatstBewaard


def dossier() -> Any:
    return SimpleNamespace(id=uuid4())


def test_a_copy_is_handed_out_once() -> None:
    geheugen, d = LaatstBewaard(), dossier()
    geheugen.leg_terug(d)

    assert geheugen.neem(d.id) is d
    assert geheugen.neem(d.id) is None


def test_the_least_recently_stored_copy_goes_first() -> None:
    geheugen = LaatstBewaard(maximaal=2)
    a, b, c = dossier(), dossier(), dossier()
    geheugen.leg_terug(a)
    geheugen.leg_terug(b)
    geheugen.leg_terug(a)  # stored again: now the most recent
    geheugen.leg_terug(c)

    assert (geheugen.neem(a.id), geheugen.neem(b.id), geheugen.neem(c.id)) == (a, None, c)


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        LaatstBewaard(maximaal=0)
