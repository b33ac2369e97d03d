"""The Zorgroute application service: every command loads, acts, saves; every read is
scoped to the caller's school.

Concurrency: a save that loses the race for a version (IntegrityError) is retried on
fresh state, so rules are checked again against what really happened; with `If-Match`
the caller asked for exactly one version, so a lost race is a `VersieConflict` instead.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

import pydantic
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording

from application.fouten import (
    CasusNietGevonden,
    IdempotentieSleutelHergebruikt,
    OngeldigeInvoer,
    TeVeelGelijktijdigeWijzigingen,
    VersieConflict,
)
from application.gebruiker import Gebruiker
from application.groepscommit import GroepsCommit
from application.handelingen import HANDELINGEN, MET_PEILDATUM
from application.idempotentie import IdempotentieSleutel, idempotentie_id, vingerafdruk
from application.inzage import Poortwachter
from application.laatst_bewaard import LaatstBewaard
from application.lezen import Lezen
from application.resultaat import Resultaat
from application.toegangslog import Bron, Toegangslogboek
from domain.casus import Casus
from domain.fouten import DomeinFout
from domain.identiteit import casus_id_voor
from domain.waarden import Onderwerp

NEDERLAND = ZoneInfo("Europe/Amsterdam")
MAX_POGINGEN = 20


def _nu() -> datetime:
    return datetime.now(UTC)


class Zorgroute(Lezen, Application[UUID]):
    name = "Zorgroute"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        id_sleutel: bytes,
        klok: Callable[[], datetime] = _nu,
        toegangslog: Toegangslogboek | None = None,
    ) -> None:
        super().__init__(env=env)
        if len(id_sleutel) < 16:
            raise ValueError("de id-sleutel moet minstens 16 bytes zijn")
        self._id_sleutel = id_sleutel
        self._klok = klok
        self.poortwachter = Poortwachter(toegangslog)
        # Called with the log position after every successful save (e.g. to wake an
        # in-process projector at once instead of at its next poll).
        self.na_opslaan: list[Callable[[int], None]] = []
        self.groepscommit = GroepsCommit(self.save)
        self.laatst_bewaard = LaatstBewaard()

    def vandaag(self) -> date:
        return self._klok().astimezone(NEDERLAND).date()

    # ---- commands ----------------------------------------------------------------------

    def meld_signaal(
        self,
        gebruiker: Gebruiker,
        gegevens: Mapping[str, Any],
        *,
        casus_id: UUID | None = None,
        verwachte_versie: int | None = None,
        idempotentie_sleutel: str | None = None,
        status_nieuw: int = 201,
        status_bestaand: int = 200,
        bron: Bron | None = None,
    ) -> Resultaat:
        school = self._school(gebruiker)
        velden = dict(gegevens)
        onderwerp = self._onderwerp(velden.pop("onderwerp", None))
        if onderwerp is not None:
            afgeleid = casus_id_voor(self._id_sleutel, school, onderwerp, self.vandaag())
            if casus_id is not None and casus_id != afgeleid:
                raise OngeldigeInvoer(
                    "Het onderwerp hoort niet bij dit dossier.",
                    [{"veld": "onderwerp", "melding": "past niet bij het dossier in het pad"}],
                )
            casus_id = afgeleid
        if casus_id is None:
            raise OngeldigeInvoer(
                "Een signaal heeft een onderwerp nodig.",
                [{"veld": "onderwerp", "melding": "ontbreekt"}],
            )

        def actie(casus: Casus | None) -> Casus:
            if casus is None:
                if onderwerp is None:
                    raise CasusNietGevonden
                casus = Casus(
                    id=casus_id,
                    school=school,
                    onderwerp=onderwerp,
                    actor=gebruiker.actor,
                    toelichting=None,
                )
            casus.meld_signaal(
                actor=gebruiker.actor,
                onderwerp=onderwerp or casus.onderwerp,
                **velden,
            )
            return casus

        return self._wijzig(
            gebruiker,
            casus_id,
            actie,
            verzoek=("signalen", str(casus_id), dict(gegevens)),
            verwachte_versie=verwachte_versie,
            idempotentie_sleutel=idempotentie_sleutel,
            status=(status_nieuw, status_bestaand),
            bron=bron,
        )

    def handel(
        self,
        gebruiker: Gebruiker,
        casus_id: UUID,
        handeling: str,
        gegevens: Mapping[str, Any],
        *,
        verwachte_versie: int | None = None,
        idempotentie_sleutel: str | None = None,
        bron: Bron | None = None,
    ) -> Resultaat:
        """Carry out one command of the contract (`handeling` as in the URL) on a file."""
        methode = HANDELINGEN[handeling]
        velden = dict(gegevens)
        if handeling in MET_PEILDATUM:
            velden[MET_PEILDATUM[handeling]] = self.vandaag()

        def actie(casus: Casus | None) -> Casus:
            if casus is None:
                raise CasusNietGevonden
            getattr(casus, methode)(actor=gebruiker.actor, **velden)
            return casus

        return self._wijzig(
            gebruiker,
            casus_id,
            actie,
            verzoek=(handeling, str(casus_id), dict(gegevens)),
            verwachte_versie=verwachte_versie,
            idempotentie_sleutel=idempotentie_sleutel,
            status=(201, 201),
            bron=bron,
        )

    def _wijzig(
        self,
        gebruiker: Gebruiker,
        casus_id: UUID,
        actie: Callable[[Casus | None], Casus],
        *,
        verzoek: tuple[Any, ...],
        verwachte_versie: int | None,
        idempotentie_sleutel: str | None,
        status: tuple[int, int],
        bron: Bron | None,
    ) -> Resultaat:
        school = self._school(gebruiker)
        handeling = str(verzoek[0])
        sleutel_id = afdruk = None
        if idempotentie_sleutel is not None:
            sleutel_id = idempotentie_id(school, gebruiker.sub, idempotentie_sleutel)
            afdruk = vingerafdruk(*verzoek)
            eerder = self._eerder_antwoord(sleutel_id, afdruk)
            if eerder is not None:
                return eerder
        vers = False
        for poging in range(MAX_POGINGEN):
            casus, onzeker = self._voor_opdracht(casus_id, school, vers)
            try:
                # Checked on the state the command will act on, so a retry re-checks too.
                self.poortwachter.schrijven(
                    gebruiker, handeling, casus, bron, vastleggen=not onzeker
                )
                if verwachte_versie is not None:
                    actueel = casus.version if casus else 0
                    if actueel != verwachte_versie:
                        raise VersieConflict(verwachte_versie, actueel)
                try:
                    casus = actie(casus)
                except pydantic.ValidationError as fout:
                    raise OngeldigeInvoer("De gegevens zijn ongeldig.", _velden(fout)) from fout
            except DomeinFout:
                if onzeker:
                    # Refused on this process's own copy, which another worker may have
                    # moved past: only the stored file may refuse a command.
                    vers = True
                    continue
                raise
            nieuw = casus.version == len(casus.pending_events)
            resultaat = Resultaat(casus.id, casus.version, nieuw, status[0 if nieuw else 1])
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
            try:
                opnames = self._bewaar(*te_bewaren)
            except IntegrityError:
                # Someone else won the race: for this key (answer as they were answered)
                # or for this file's next version (try again on what they wrote).
                if sleutel_id is not None and afdruk is not None:
                    eerder = self._eerder_antwoord(sleutel_id, afdruk)
                    if eerder is not None:
                        return eerder
                vers = True
                if not onzeker:
                    # Jittered back-off, so writers that collided do not collide again
                    # in step. (A copy that was merely behind needs no wait: reload.)
                    time.sleep(random.uniform(0, 0.002 * (poging + 1)))
                continue
            self.laatst_bewaard.leg_terug(casus)
            positie = max(o.notification.id for o in opnames)
            for luisteraar in self.na_opslaan:
                luisteraar(positie)
            return Resultaat(casus.id, casus.version, nieuw, resultaat.status, positie)
        raise TeVeelGelijktijdigeWijzigingen

    def _bewaar(self, *aggregaten: Any) -> list[Recording[UUID]]:
        # With the commands of other requests that arrive meanwhile: one transaction (and
        # one table lock) for the group. The group commit gets the events, not the
        # aggregates, because a failed group must be able to store them again one by one.
        return self.groepscommit.bewaar([e for a in aggregaten for e in a.collect_events()])

    def _eerder_antwoord(self, sleutel_id: UUID, afdruk: str) -> Resultaat | None:
        try:
            eerder = cast(IdempotentieSleutel, self.repository.get(sleutel_id))
        except AggregateNotFoundError:
            return None
        if eerder.vingerafdruk != afdruk:
            raise IdempotentieSleutelHergebruikt
        body = eerder.antwoord
        # The first answer's log position was not known when the key was stored (it is
        # assigned on insert); the current end of the log is at or after it, so waiting
        # for it (`?na=`) still shows the client its own write.
        return Resultaat(
            UUID(body["casus_id"]),
            body["versie"],
            body.get("nieuw", False),
            eerder.status,
            self.recorder.max_notification_id(),
        )

    def gereed(self) -> bool:
        """True when the event store answers (for /readyz)."""
        try:
            self.recorder.max_notification_id()
        except Exception:
            return False
        return True

    # ---- helpers -----------------------------------------------------------------------

    def _voor_opdracht(self, casus_id: UUID, school: str, vers: bool) -> tuple[Casus | None, bool]:
        """The file a command acts on, and whether it may be behind the store: this
        process's own last stored copy if it has one (see LaatstBewaard), unless `vers`
        asks for the stored file itself."""
        if not vers:
            casus = self.laatst_bewaard.neem(casus_id)
            if casus is not None and casus.school == school:
                return casus, True
        return self._laad(casus_id, school), False

    def _laad(self, casus_id: UUID, school: str) -> Casus | None:
        try:
            casus: object = self.repository.get(casus_id)
        except AggregateNotFoundError:
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

    @staticmethod
    def _onderwerp(gegevens: Any) -> Onderwerp | None:
        if gegevens is None:
            return None
        if isinstance(gegevens, Onderwerp):
            return gegevens
        try:
            return Onderwerp(**gegevens)
        except pydantic.ValidationError as fout:
            raise OngeldigeInvoer(
                "Het onderwerp is ongeldig.", _velden(fout, "onderwerp")
            ) from fout


def _velden(fout: pydantic.ValidationError, voorvoegsel: str | None = None) -> list[dict[str, Any]]:
    resultaat = []
    for e in fout.errors():
        pad = [voorvoegsel] if voorvoegsel else []
        pad += [str(p) for p in e["loc"]]
        resultaat.append({"veld": ".".join(pad), "melding": e["msg"]})
    return resultaat
