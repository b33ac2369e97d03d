"""How a command changes a file: take it, check it, act, store it, and try again when the
race for the next version was lost.

A command is written as steps (application/poorten.py), which the storage adapter
carries out in a thread or on the API's event loop. A save that loses the race for a
version (`PlaatsBezet`) is retried on fresh state, so rules are checked again against
what really happened; with `If-Match` the caller asked for exactly one version, so a
lost race is a `VersieConflict` instead. The file comes from this process's own last
stored copy when the store keeps one (`Dossieropslag.neem_kopie`): no query, and safe
because its events can only be stored on top of the version they were made from.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import random
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar, cast
from uuid import UUID

import pydantic

from application.fouten import (
    CasusNietGevonden,
    IdempotentieSleutelHergebruikt,
    OngeldigeInvoer,
    TeVeelGelijktijdigeWijzigingen,
    VersieConflict,
)
from application.gebruiker import Gebruiker
from application.idempotentie import IdempotentieSleutel, idempotentie_id, vingerafdruk
from application.poorten import Bewaar, Blokkerend, Dossieropslag, PlaatsBezet, Stappen, Wacht
from application.resultaat import Resultaat
from application.toegang import DossierFeiten, ziet_versie
from application.toegangslog import Bron
from application.zicht import feiten_van
from domain.casus import Casus
from domain.fouten import DomeinFout, Regelfout

if TYPE_CHECKING:
    from application.inzage import Poortwachter

T = TypeVar("T")
P = ParamSpec("P")
MAX_POGINGEN = 20
# A generator of the service's own, not the `random` module's (which tests seed) nor
# uuid4's os.urandom (a system call that lets the GIL go under load); reseeded in a fork.
_SLEUTELBRON = random.Random()
os.register_at_fork(after_in_child=_SLEUTELBRON.seed)


def _verzoeksleutel() -> UUID:
    return UUID(int=_SLEUTELBRON.getrandbits(128), version=4)


class Wijzigen:
    """The command half of the service (the read half is `Lezen`)."""

    if TYPE_CHECKING:
        opslag: Dossieropslag
        poortwachter: Poortwachter
        na_opslaan: list[Callable[[int], None]]

    async def asynchroon(self, stappen: Stappen[T]) -> T:
        """Carry out a command's steps on the event loop (the API's command routes): no
        thread of its own; its save is awaited."""
        return await self.opslag.voer_uit_async(stappen)

    def _wijzig(
        self,
        gebruiker: Gebruiker,
        casus_id: UUID,
        actie: Callable[[Casus | None], Casus],
        *,
        verzoek: tuple[Any, ...],
        verwachte_versie: int | None,
        idempotentie_sleutel: str | None,
        bron: Bron | None,
        feiten_nieuw: DossierFeiten | None = None,
    ) -> Stappen[Resultaat]:
        """The command as steps (application/poorten.py): what may block is yielded."""
        school = self._school(gebruiker)
        handeling = str(verzoek[0])
        sleutel_id = afdruk = None
        if idempotentie_sleutel is not None:
            sleutel_id = idempotentie_id(school, gebruiker.sub, idempotentie_sleutel)
            afdruk = vingerafdruk(*verzoek)
            eerder = yield Blokkerend(partial(self._eerder_antwoord, sleutel_id, afdruk))
            if eerder is not None:
                return cast(Resultaat, eerder)
        # Without the client's key, one of the server's (per attempt: an attempt whose
        # key is not found after its PlaatsBezet did not commit, and a key that
        # happened to be taken costs one more attempt, not all of them).
        vers = False
        for poging in range(MAX_POGINGEN):
            casus = None if vers else self._eigen_kopie(casus_id, school)
            onzeker = casus is not None
            if not onzeker:
                casus = yield Blokkerend(partial(self._laad, casus_id, school, om_te_wijzigen=True))
            # What the policy knows of the file; for a signal that opens one, the file as
            # it would be opened, so an If-Match cannot tell "new" from "not yours".
            feiten = feiten_van(casus) if casus is not None else feiten_nieuw
            try:
                # Access first, on the state the command will act on (a retry re-checks),
                # then the version, then the rules: whoever may not act learns nothing.
                besluit = yield from self.poortwachter.schrijven(
                    gebruiker, handeling, casus, bron, vastleggen=not onzeker
                )
                try:
                    if verwachte_versie is not None:
                        if feiten is not None:
                            yield from self.poortwachter.versie_noemen(
                                gebruiker, handeling, feiten, casus, bron, vastleggen=not onzeker
                            )
                        actueel = casus.version if casus else 0
                        if actueel != verwachte_versie:
                            raise VersieConflict(verwachte_versie, actueel)
                    try:
                        casus = actie(casus)
                    except pydantic.ValidationError as fout:
                        raise OngeldigeInvoer(
                            "De gegevens zijn ongeldig.", velden_van(fout)
                        ) from fout
                except (VersieConflict, OngeldigeInvoer, Regelfout) as fout:
                    if not onzeker:  # an allowed write that stores nothing: an attempt
                        yield from self.poortwachter.mislukt(
                            gebruiker, besluit, handeling, fout.code, casus, bron
                        )
                    raise
            except DomeinFout:
                if onzeker:
                    # Refused on this process's own copy, which another worker may have
                    # moved past: only the stored file may refuse a command.
                    vers = True
                    continue
                raise
            nieuw = casus.version == len(casus.pending_events)
            resultaat = Resultaat(
                casus.id,
                casus.version,
                nieuw,
                201,
                toon_versie=ziet_versie(gebruiker, feiten_van(casus)),
            )
            te_bewaren: list[Any] = [casus]
            if sleutel_id is not None and afdruk is not None:
                te_bewaren.append(
                    IdempotentieSleutel(
                        id=sleutel_id,
                        vingerafdruk=afdruk,
                        status=resultaat.status,
                        antwoord=resultaat.antwoord(),
                    )
                )
            sleutel = _verzoeksleutel() if sleutel_id is None else None
            try:
                positie = yield Bewaar(
                    self._gebeurtenissen(*te_bewaren), () if sleutel is None else (sleutel,)
                )
            except PlaatsBezet:
                # Someone else won the race: for this key (answer as they were answered)
                # or for this file's next version (try again on what they wrote). That
                # someone may be this command itself, when its commit's reply was lost
                # and the library's retry found its own rows: then its key is there.
                if sleutel_id is not None and afdruk is not None:
                    eerder = yield Blokkerend(partial(self._eerder_antwoord, sleutel_id, afdruk))
                    if eerder is not None:
                        return cast(Resultaat, eerder)
                if sleutel is not None:
                    eigen = yield Blokkerend(
                        partial(self.opslag.positie_van_verzoek, sleutel, casus.id, casus.version)
                    )
                    if eigen is not None:
                        return self._bewaard(casus, resultaat, eigen)
                vers = True
                if not onzeker:
                    # Jittered back-off, so writers that collided do not collide again
                    # in step. (A copy that was merely behind needs no wait: reload.)
                    yield Wacht(random.uniform(0, 0.002 * (poging + 1)))
                continue
            return self._bewaard(casus, resultaat, cast(int, positie))
        raise TeVeelGelijktijdigeWijzigingen

    def _bewaard(self, casus: Casus, resultaat: Resultaat, positie: int) -> Resultaat:
        self.opslag.leg_terug(casus)
        for luisteraar in self.na_opslaan:
            luisteraar(positie)
        return dataclasses.replace(resultaat, positie=positie)

    @staticmethod
    def _gebeurtenissen(*aggregaten: Any) -> list[Any]:
        # The group commit gets the events, not the aggregates, because a failed group
        # must be able to store them again one by one.
        return [e for a in aggregaten for e in a.collect_events()]

    def _eerder_antwoord(self, sleutel_id: UUID, afdruk: str) -> Resultaat | None:
        eerder = self.opslag.laad(sleutel_id)
        if not isinstance(eerder, IdempotentieSleutel):
            return None
        if eerder.vingerafdruk != afdruk:
            raise IdempotentieSleutelHergebruikt
        body = eerder.antwoord
        # The first answer's log position was not known when the key was stored (it is
        # assigned on insert); the current end of the log is at or after it, so waiting
        # for it (`?na=`) still shows the client its own write.
        return Resultaat(
            UUID(body["casus_id"]),
            body.get("versie", 0),
            body.get("nieuw", False),
            eerder.status,
            self.opslag.einde(),
            toon_versie="versie" in body,
        )

    def _eigen_kopie(self, casus_id: UUID, school: str) -> Casus | None:
        """This process's own last stored copy of the file, if the store keeps one; it
        may be behind the store."""
        casus = self.opslag.neem_kopie(casus_id)
        return casus if casus is not None and casus.school == school else None

    def _laad(self, casus_id: UUID, school: str, *, om_te_wijzigen: bool = False) -> Casus | None:
        casus = self.opslag.laad(casus_id, om_te_wijzigen=om_te_wijzigen)
        if casus is None:
            return None
        # Another school's file, or an id that is not a file at all, is simply not there.
        if not isinstance(casus, Casus) or casus.school != school:
            raise CasusNietGevonden
        return casus

    @staticmethod
    def _school(gebruiker: Gebruiker) -> str:
        if not gebruiker.school:
            raise CasusNietGevonden
        return gebruiker.school


class _MetOpslag(Protocol):
    @property
    def opslag(self) -> Dossieropslag: ...


S = TypeVar("S", bound=_MetOpslag)


def in_draad(
    methode: Callable[Concatenate[S, P], Stappen[T]],
) -> Callable[Concatenate[S, P], T]:
    """The command as a plain method: its steps carried out in the calling thread."""

    @functools.wraps(methode)
    def uitvoeren(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.opslag.voer_uit(methode(self, *args, **kwargs))

    # `handel_stappen` → `handel`: tracebacks and logs name the method callers call.
    uitvoeren.__name__ = methode.__name__.removesuffix("_stappen")
    uitvoeren.__qualname__ = methode.__qualname__.removesuffix("_stappen")
    return uitvoeren


def velden_van(
    fout: pydantic.ValidationError, voorvoegsel: str | None = None
) -> list[dict[str, Any]]:
    resultaat = []
    for e in fout.errors():
        pad = [voorvoegsel] if voorvoegsel else []
        pad += [str(p) for p in e["loc"]]
        resultaat.append({"veld": ".".join(pad), "melding": e["msg"]})
    return resultaat
