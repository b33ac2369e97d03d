"""Reads of one file (now, at a moment, at a version, its history), through the
gatekeeper: the policy decides, the access log records, then the role's view is shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from application.fouten import CasusNietGevonden
from application.gebruiker import Gebruiker
from application.inzage import Poortwachter, beperk_dossier, beperk_geschiedenis
from application.toegangslog import Bron
from application.weergave import casus_weergave, geschiedenis_weergave
from domain.casus import Casus


class Lezen:
    if TYPE_CHECKING:
        poortwachter: Poortwachter
        events: Any

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
        feiten = self.poortwachter.lezen(gebruiker, casus, bron)
        gebeurtenissen = self._gebeurtenissen(casus_id)
        if op is not None:
            tot = [e.originator_version for e in gebeurtenissen if e.timestamp <= op]
            if not tot:
                raise CasusNietGevonden
            versie = tot[-1]
        if versie is not None:
            if versie < 1 or versie > casus.version:
                raise CasusNietGevonden
            gebeurtenissen = gebeurtenissen[:versie]
            # The events are in hand already: replaying them here spares a second read
            # and decode of the same rows (`repository.get(version=)` would do both).
            casus = _speel_af(gebeurtenissen)
        weergave = casus_weergave(casus)
        weergave["terugkoppelingen"] = [
            {"datum": e.datum.isoformat(), "inhoud": e.inhoud}  # type: ignore[attr-defined]
            for e in gebeurtenissen
            if type(e).__name__ == "TerugkoppelingGegeven" and e.aan == "signaalgever"  # type: ignore[attr-defined]
        ]
        verwezen = [e for e in gebeurtenissen if type(e).__name__ == "DoorverwezenNaarZAT"]
        verwezen_op = verwezen[-1].timestamp.isoformat() if verwezen else None
        return beperk_dossier(gebruiker, feiten, weergave, verwezen_op)

    def geschiedenis(
        self, gebruiker: Gebruiker, casus_id: UUID, *, bron: Bron | None = None
    ) -> dict[str, Any]:
        casus = self.dossier(gebruiker, casus_id)
        feiten = self.poortwachter.lezen(gebruiker, casus, bron, object="geschiedenis")
        # One event at a time: each is decoded, shown and let go, so a long file's history
        # does not keep hundreds of events alive at once (fewer objects for the collector).
        gebeurtenissen = cast(Iterator[Casus.Event], self.events.get(casus_id))
        weergave = geschiedenis_weergave(casus_id, gebeurtenissen)
        weergave["items"] = beperk_geschiedenis(gebruiker, feiten, weergave["items"])
        return weergave

    def dossier(self, gebruiker: Gebruiker, casus_id: UUID) -> Casus:
        """The file, if it exists and is of the caller's school; else CasusNietGevonden
        (also for views, which must not reveal other schools' files either)."""
        casus = self._laad(casus_id, self._school(gebruiker))
        if casus is None:
            raise CasusNietGevonden
        return casus

    def controleer_dossier(self, gebruiker: Gebruiker, casus_id: UUID) -> None:
        self.dossier(gebruiker, casus_id)

    def _gebeurtenissen(self, casus_id: UUID) -> list[Casus.Event]:
        return cast(list[Casus.Event], list(self.events.get(casus_id)))


def _speel_af(gebeurtenissen: list[Casus.Event]) -> Casus:
    """The file as these events leave it. Plain `mutate` calls: eventsourcing's
    `project_aggregate` asserts a runtime-checkable Protocol per event, which costs
    more than applying the event itself."""
    casus: Casus | None = None
    for gebeurtenis in gebeurtenissen:
        casus = gebeurtenis.mutate(casus)
    if casus is None:
        raise CasusNietGevonden
    return casus
