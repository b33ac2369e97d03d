"""The one aggregate cache: files as this process last stored or loaded them.

A command usually follows the previous one on the same file (a route is worked through
step by step). Taking the file from here (`neem`) saves loading it: no query and no
copy. That is safe without asking the database because a command's events can only be
stored on top of the version they were made from: if another process (a second API
worker) wrote to the file meanwhile, the save fails on the (file, version) key and the
command tries again on the file loaded afresh (`laad`), which brings a kept copy up to
date with the events stored since, as the library's fast-forward does.

A file is *taken out* for a command, so two threads never act on one object, and only
put back after its events were stored, so a command that failed half-way (its rules
refused, its save lost a race) never leaves a half-changed file behind. A read gets a
copy of its own. A copy is never ahead of the store: only stored state goes in.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from uuid import UUID

from domain.casus import Casus


class Dossiercache:
    def __init__(self, maximaal: int = 2000) -> None:
        if maximaal < 1:
            raise ValueError("maximaal moet minstens 1 zijn")
        self._maximaal = maximaal
        self._slot = threading.Lock()
        self._dossiers: OrderedDict[UUID, Casus] = OrderedDict()

    def neem(self, casus_id: UUID) -> Casus | None:
        """The file as this process last knew it (and no longer here), or None."""
        with self._slot:
            return self._dossiers.pop(casus_id, None)

    def leg_terug(self, casus: Casus) -> None:
        """Keep a file as stored; a copy of a later version already here stays, and the
        least recently used file goes."""
        with self._slot:
            eerder = self._dossiers.get(casus.id)
            if eerder is not None and eerder.version > casus.version:
                return
            self._dossiers[casus.id] = casus
            self._dossiers.move_to_end(casus.id)
            if len(self._dossiers) > self._maximaal:
                self._dossiers.popitem(last=False)

    def laad(
        self,
        aggregaat_id: UUID,
        *,
        uit_de_opslag: Callable[[UUID], object | None],
        bijwerken: Callable[[Casus], Casus],
        om_te_wijzigen: bool,
    ) -> object | None:
        """The aggregate as stored now: a kept copy brought up to date, else loaded. A
        command (`om_te_wijzigen`) takes it out; a read gets a copy and the cache keeps
        the original."""
        kopie = self.neem(aggregaat_id)
        gevonden = bijwerken(kopie) if kopie is not None else uit_de_opslag(aggregaat_id)
        if not isinstance(gevonden, Casus) or om_te_wijzigen:
            return gevonden
        eigen = copy.deepcopy(gevonden)
        self.leg_terug(gevonden)
        return eigen

    def __len__(self) -> int:
        return len(self._dossiers)
