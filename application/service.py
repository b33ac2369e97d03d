"""The Zorgroute application service: every command loads, acts, saves (`Wijzigen`);
every read is scoped to the caller's school (`Lezen`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from application.fouten import CasusNietGevonden, OngeldigeInvoer
from application.gebruiker import Gebruiker
from application.inzage import Poortwachter
from application.lezen import Lezen
from application.poorten import Dossieropslag, Stappen
from application.resultaat import Resultaat
from application.toegang import ziet_naam, ziet_versie
from application.toegangslog import Bron, Toegangslogboek
from application.wijzigen import Wijzigen, in_draad
from application.zicht import feiten_van, feiten_van_nieuw
from domain.casus import Casus
from domain.identiteit import casus_id_voor
from domain.invoer import Verzoek
from domain.klok import op_klok
from domain.opdrachten import SignaalOpDossierVerzoek

NEDERLAND = ZoneInfo("Europe/Amsterdam")


def _nu() -> datetime:
    return datetime.now(UTC)


class Zorgroute(Wijzigen, Lezen):
    """The service over a storage port (application/poorten.py) and an access log."""

    def __init__(
        self,
        opslag: Dossieropslag,
        *,
        id_sleutel: bytes,
        klok: Callable[[], datetime] = _nu,
        toegangslog: Toegangslogboek | None = None,
    ) -> None:
        if len(id_sleutel) < 16:
            raise ValueError("de id-sleutel moet minstens 16 bytes zijn")
        self.opslag = opslag
        self._id_sleutel = id_sleutel
        self._klok = klok
        self.poortwachter = Poortwachter(toegangslog)
        # Called with the log position after every successful save (e.g. to wake an
        # in-process projector at once instead of at its next poll).
        self.na_opslaan: list[Callable[[int], None]] = []

    def vandaag(self) -> date:
        return self._klok().astimezone(NEDERLAND).date()

    def _voer_uit(
        self,
        gebruiker: Gebruiker,
        casus_id: UUID,
        verzoek: Verzoek,
        actie: Callable[[Casus | None], Casus],
        **opties: Any,
    ) -> Stappen[Resultaat]:
        """The one path of every command (`Wijzigen._wijzig`), its request known by its
        declaration's segment, the file and the input (an idempotency key's fingerprint).
        Its events carry the time of the service's clock, as its "today" does (the demo
        seed records its history through a clock it moves)."""

        def op_eigen_klok(casus: Casus | None) -> Casus:
            # Only around the domain call: the steps between may run in another context.
            with op_klok(self._klok):
                return actie(casus)

        return (
            yield from self._wijzig(
                gebruiker,
                casus_id,
                op_eigen_klok,
                verzoek=(verzoek.verklaring.segment, str(casus_id), verzoek.gegevens()),
                **opties,
            )
        )

    # ---- commands ----------------------------------------------------------------------

    def meld_signaal_stappen(
        self,
        gebruiker: Gebruiker,
        verzoek: SignaalOpDossierVerzoek,
        *,
        casus_id: UUID | None = None,
        verwachte_versie: int | None = None,
        idempotentie_sleutel: str | None = None,
        bron: Bron | None = None,
    ) -> Stappen[Resultaat]:
        """A signal: to the file of its subject (`POST /signalen`), or to the file in the
        path (`casus_id`). Access is decided before anything about the file is looked at,
        and the answer names only what the caller may read (docs/toegang.md)."""
        school = self._school(gebruiker)
        onderwerp = verzoek.onderwerp.waarde() if verzoek.onderwerp is not None else None
        op_pad = casus_id is not None
        afgeleid = (
            casus_id_voor(self._id_sleutel, school, onderwerp, self.vandaag())
            if onderwerp is not None
            else None
        )
        if casus_id is None:
            if afgeleid is None:
                raise OngeldigeInvoer(
                    "Een signaal heeft een onderwerp nodig.",
                    [{"veld": "onderwerp", "melding": "ontbreekt"}],
                )
            casus_id = afgeleid
        doel = casus_id

        def actie(casus: Casus | None) -> Casus:
            if casus is None:
                if onderwerp is None or afgeleid != doel:
                    raise CasusNietGevonden
                casus = Casus(
                    id=doel,
                    school=school,
                    onderwerp=onderwerp,
                    actor=gebruiker.actor,
                    toelichting=None,
                )
            elif op_pad and onderwerp is not None:
                self._onderwerp_bij_pad(gebruiker, casus, afgeleid == doel)
            # Today from the service's clock: a birth date after it is refused.
            casus.meld_signaal(verzoek, gebruiker.actor, self.vandaag())
            return casus

        return (
            yield from self._voer_uit(
                gebruiker,
                casus_id,
                verzoek,
                actie,
                verwachte_versie=verwachte_versie,
                idempotentie_sleutel=idempotentie_sleutel,
                bron=bron,
                feiten_nieuw=feiten_van_nieuw(school, onderwerp) if onderwerp else None,
            )
        )

    @staticmethod
    def _onderwerp_bij_pad(gebruiker: Gebruiker, casus: Casus, past: bool) -> None:
        """An `onderwerp` beside a file named in the path is checked only for whoever sees
        that file's subject; to anyone else it is refused whatever it says, so that trying
        pupil numbers on a known file tells them nothing."""
        feiten = feiten_van(casus)
        if ziet_versie(gebruiker, feiten) and ziet_naam(gebruiker, feiten):
            if past:
                return
            melding = "past niet bij het dossier in het pad"
        else:
            melding = "laat het onderwerp weg: het dossier staat al in het pad"
        raise OngeldigeInvoer(
            "Het onderwerp hoort niet bij dit verzoek.", [{"veld": "onderwerp", "melding": melding}]
        )

    meld_signaal = in_draad(meld_signaal_stappen)

    def handel_stappen(
        self,
        gebruiker: Gebruiker,
        casus_id: UUID,
        verzoek: Verzoek,
        *,
        verwachte_versie: int | None = None,
        idempotentie_sleutel: str | None = None,
        bron: Bron | None = None,
    ) -> Stappen[Resultaat]:
        """One command on a known file (its input model says which), as steps."""

        def actie(casus: Casus | None) -> Casus:
            if casus is None:
                raise CasusNietGevonden
            # Every command gets today from the service's clock: the OPP's evaluation
            # date is measured from it, the others refuse a date after it.
            casus.voer_uit(verzoek, gebruiker.actor, self.vandaag())
            return casus

        return (
            yield from self._voer_uit(
                gebruiker,
                casus_id,
                verzoek,
                actie,
                verwachte_versie=verwachte_versie,
                idempotentie_sleutel=idempotentie_sleutel,
                bron=bron,
            )
        )

    handel = in_draad(handel_stappen)

    def close(self) -> None:
        self.opslag.sluit()

    def gereed(self) -> bool:
        """True when the event store answers (for /readyz)."""
        return self.opslag.gereed()
