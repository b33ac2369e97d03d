"""Files as this process last stored them, for the next command on the same file.

A command usually follows the previous one on the same file (a route is worked through
step by step). Taking the file from here saves loading it: no query to bring the
repository's cached copy up to date and no deep copy of it. That is safe without asking
the database because a command's events can only be stored on top of the version they
were made from: if another process (a second API worker) wrote to the file meanwhile,
the save fails on the (file, version) key and the service tries again on the file loaded
afresh. A file is *taken out* for a command, so two threads never act on one object, and
only put back after its events were stored, so a command that failed half-way (its rules
refused, its save lost a race) never leaves a half-changed file behind.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from uuid import UUID

from domain.casus import Casus


class LaatstBewaard:
    def __init__(self, maximaal: int = 2000) -> None:
        if maximaal < 1:
            raise ValueError("maximaal moet minstens 1 zijn")
        self._maximaal = maximaal
        self._slot = threading.Lock()
        self._dossiers: OrderedDict[UUID, Casus] = OrderedDict()

    def neem(self, casus_id: UUID) -> Casus | None:
        """The file as this process stored it last (and no longer here), or None."""
        with self._slot:
            return self._dossiers.pop(casus_id, None)

    def leg_terug(self, casus: Casus) -> None:
        """Keep a file whose events were just stored; the least recently used goes."""
        with self._slot:
            self._dossiers[casus.id] = casus
            self._dossiers.move_to_end(casus.id)
            if len(self._dossiers) > self._maximaal:
                self._dossiers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._dossiers)
