"""The storage adapter's one cache: taken out for one command, least recently used go,
never moved back to an older version, a read gets a copy of its own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest

from infrastructure.opslag.cache import Dossiercache


def dossier(versie: int = 1) -> Any:
    return SimpleNamespace(id=uuid4(), version=versie)


def test_a_copy_is_handed_out_once() -> None:
    geheugen, d = Dossiercache(), dossier()
    geheugen.leg_terug(d)

    assert geheugen.neem(d.id) is d
    assert geheugen.neem(d.id) is None


def test_the_least_recently_stored_copy_goes_first() -> None:
    geheugen = Dossiercache(maximaal=2)
    a, b, c = dossier(), dossier(), dossier()
    geheugen.leg_terug(a)
    geheugen.leg_terug(b)
    geheugen.leg_terug(a)  # stored again: now the most recent
    geheugen.leg_terug(c)

    assert (geheugen.neem(a.id), geheugen.neem(b.id), geheugen.neem(c.id)) == (a, None, c)


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        Dossiercache(maximaal=0)


def test_a_copy_of_a_later_version_is_not_replaced_by_an_older_one() -> None:
    geheugen, later = Dossiercache(), dossier(versie=5)
    geheugen.leg_terug(later)
    geheugen.leg_terug(SimpleNamespace(id=later.id, version=4))

    assert geheugen.neem(later.id) is later


def test_loading_brings_a_kept_copy_up_to_date_and_hands_a_command_the_file_itself() -> None:
    geheugen, d = Dossiercache(), dossier(versie=2)
    geheugen.leg_terug(d)
    bijgewerkt: list[Any] = []

    def bijwerken(kopie: Any) -> Any:
        bijgewerkt.append(kopie)
        return kopie

    def uit_de_opslag(_: Any) -> Any:
        raise AssertionError("a kept copy needs no full load")

    gevonden = geheugen.laad(
        d.id, uit_de_opslag=uit_de_opslag, bijwerken=bijwerken, om_te_wijzigen=True
    )
    assert gevonden is d and bijgewerkt == [d]
    assert geheugen.neem(d.id) is None  # taken out until its events are stored
