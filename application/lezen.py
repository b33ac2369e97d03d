"""Reads of one file (now, at a moment, at a version, its history), through the
gatekeeper: the policy decides, the access log records, then the role's view is shown."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.fouten import CasusNietGevonden
from application.gebruiker import Gebruiker
from application.inzage import Poortwachter
from application.poorten import Dossieropslag
from application.toegangslog import Bron
from application.weergave import casus_weergave, geschiedenis_weergave
from application.zicht import beperk_dossier, beperk_geschiedenis
from domain.casus import Casus


class Lezen:
    if TYPE_CHECKING:
        poortwachter: Poortwachter
        opslag: Dossieropslag

        def _laad(self, casus_id: UUID, school: str) -> Casus | None: ...
        @staticmethod
        def _school(gebruiker: Gebruiker) -> str: ...

    def lees(
        self,
        gebruiker: Gebruiker,
        casus_id: UUID,
        *,
        op: datetime | None = None,
        versie: int | None = None,
        bron: Bron | None = None,
    ) -> dict[str, Any]:
        """The file now, as it stood at moment `op`, or at version `versie`; access is
        decided on the file as it is now (who is involved today)."""
        casus = self.dossier(gebruiker, casus_id)
        feiten, bevestig = self.poortwachter.lezen_vooraf(gebruiker, casus, bron)
        # Shaping the answer overlaps with writing the access log entry; `bevestig` waits
        # for it, also when the read fails, so that a log that could not be written is
        # what the caller hears (503), as when the entry was written first.
        try:
            casus, stand = self._stand(casus, op, versie)
            weergave = casus_weergave(casus)
            weergave["terugkoppelingen"] = stand.terugkoppelingen
        finally:
            bevestig()
        return beperk_dossier(gebruiker, feiten, weergave, stand.verwezen_op)

    def geschiedenis(
        self, gebruiker: Gebruiker, casus_id: UUID, *, bron: Bron | None = None
    ) -> dict[str, Any]:
        casus = self.dossier(gebruiker, casus_id)
        feiten, bevestig = self.poortwachter.lezen_vooraf(
            gebruiker, casus, bron, object="geschiedenis"
        )
        try:
            # One event at a time: each is decoded, shown and let go, so a long file's
            # history never holds hundreds of events at once (fewer objects for the
            # collector).
            weergave = geschiedenis_weergave(casus_id, self.opslag.gebeurtenissen(casus_id))
        finally:
            bevestig()
        weergave["items"] = beperk_geschiedenis(gebruiker, feiten, weergave["items"])
        return weergave

    def _stand(self, casus: Casus, op: datetime | None, versie: int | None) -> tuple[Casus, _Stand]:
        """The file at `op` or `versie` (else `casus` itself) and what its events add.

        One pass over the stored events, each decoded, taken in and let go: a long file
        then never holds hundreds of decoded events at once (those objects are what
        triggers the API process's full garbage collections). Only up to the version
        loaded, so the feedback always belongs to the file shown."""
        if versie is not None and not 1 <= versie <= casus.version:
            raise CasusNietGevonden
        stand = _Stand(afspelen=op is not None or versie is not None)
        na_moment: list[Casus.Event] = []
        for gebeurtenis in self.opslag.gebeurtenissen(casus.id, tot_versie=versie or casus.version):
            if op is not None and gebeurtenis.timestamp > op:
                # After the moment, unless a later event still is at or before it: then it
                # belongs to the file of that moment after all.
                na_moment.append(gebeurtenis)
                continue
            for eerder in na_moment:
                stand.neem(eerder)
            na_moment.clear()
            stand.neem(gebeurtenis)
        if not stand.afspelen:
            return casus, stand
        if stand.casus is None:  # nothing yet at that moment
            raise CasusNietGevonden
        return stand.casus, stand

    def dossier(self, gebruiker: Gebruiker, casus_id: UUID) -> Casus:
        """The file, if it exists and is of the caller's school; else CasusNietGevonden
        (also for views, which must not reveal other schools' files either)."""
        casus = self._laad(casus_id, self._school(gebruiker))
        if casus is None:
            raise CasusNietGevonden
        return casus


class _Stand:
    """What a read of a file takes from its events: the file itself when it is rebuilt
    (at a moment or version; plain `mutate` calls, as eventsourcing's `project_aggregate`
    asserts a runtime-checkable Protocol per event, which costs more than the event's
    effect), the feedback to the signal's reporter, and when it went to the ZAT."""

    def __init__(self, *, afspelen: bool) -> None:
        self.afspelen = afspelen
        self.casus: Casus | None = None
        self.terugkoppelingen: list[dict[str, Any]] = []
        self.verwezen_op: str | None = None
        self._signaalgevers: set[str] = set()

    def neem(self, gebeurtenis: Casus.Event) -> None:
        if self.afspelen:
            self.casus = gebeurtenis.mutate(self.casus)
        soort = type(gebeurtenis).__name__
        if soort == "SignaalGemeld":
            self._signaalgevers.add(gebeurtenis.actor.id)
        elif soort == "TerugkoppelingGegeven" and gebeurtenis.aan == "signaalgever":  # type: ignore[attr-defined]
            aan = gebeurtenis.signaalgever  # type: ignore[attr-defined]
            if aan is None and len(self._signaalgevers) == 1:
                # Stored before the recipient was: it can only be for the one reporter.
                (aan,) = self._signaalgevers
            self.terugkoppelingen.append(
                {
                    "datum": gebeurtenis.datum.isoformat(),  # type: ignore[attr-defined]
                    "inhoud": gebeurtenis.inhoud,  # type: ignore[attr-defined]
                    "signaalgever": aan,
                }
            )
        elif soort == "DoorverwezenNaarZAT":
            self.verwezen_op = gebeurtenis.timestamp.isoformat()
