"""Answers derived from a view, reused while the view stands at the same log position.

A view only changes when the runner moves its position, so anything computed from it
alone (a report, a trend analysis) is the same until then. Each caller gets its own
copy: a caller changing its answer must not change what the next one is given.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Hergebruik:
    """A small LRU of answers keyed by whatever identifies them, the view's position
    included in the key by the caller (`positie` of `projectie_status`)."""

    def __init__(self, grootte: int = 32) -> None:
        self._grootte = grootte
        self._antwoorden: OrderedDict[Hashable, object] = OrderedDict()
        self._slot = threading.Lock()

    def geef(self, sleutel: Hashable, maak: Callable[[], T]) -> T:
        with self._slot:
            if sleutel in self._antwoorden:
                self._antwoorden.move_to_end(sleutel)
                return copy.deepcopy(self._antwoorden[sleutel])  # type: ignore[return-value]
        # Computed outside the lock: two first askers may both compute, which is harmless.
        antwoord = maak()
        with self._slot:
            self._antwoorden[sleutel] = copy.deepcopy(antwoord)
            while len(self._antwoorden) > self._grootte:
                self._antwoorden.popitem(last=False)
        return antwoord


def per_positie(maak: Callable[..., T]) -> Callable[..., T]:
    """`maak(opslag, *vraag)` as `bij(opslag, *vraag, positie)`, its answer reused while
    the view stands at `positie`: the key is the store, every argument and the position."""
    hergebruik = Hergebruik()

    def bij(opslag: Any, *vraag_en_positie: Hashable) -> T:
        vraag = vraag_en_positie[:-1]
        return hergebruik.geef((id(opslag), *vraag_en_positie), lambda: maak(opslag, *vraag))

    return bij
