"""The gatekeeper: applies the policy and writes the access log *before* anything is
returned. What a role then sees of a file is `application.zicht`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import Any

from application.fouten import GeenToegang, VersieVerborgen
from application.gebruiker import Gebruiker
from application.poorten import Blokkerend, Stappen
from application.toegang import (
    Besluit,
    DossierFeiten,
    mag_lezen,
    mag_overzicht,
    mag_schrijven,
    ziet_versie,
)
from application.toegangslog import Actie, Bron, Toegangslogboek, Toegangsregel
from application.zicht import feiten_van
from domain.casus import Casus

GEEN_BRON = Bron()
SCHRIJVERS = 8  # threads that write access log entries while reads shape their answer


def _niets() -> None:
    return None


class Poortwachter:
    def __init__(self, logboek: Toegangslogboek | None) -> None:
        # Without a log (unit tests of the service) decisions still apply; nothing is logged.
        self.logboek = logboek
        self._uitvoerder: ThreadPoolExecutor | None = None
        self._slot = threading.Lock()

    def _schrijver(self) -> ThreadPoolExecutor:
        # Made on first use; the writes queue on the log's head row anyway, so a few
        # threads are enough. Idle threads end with the gatekeeper.
        with self._slot:
            if self._uitvoerder is None:
                self._uitvoerder = ThreadPoolExecutor(
                    max_workers=SCHRIJVERS, thread_name_prefix="toegangslog"
                )
            return self._uitvoerder

    # ---- decisions -------------------------------------------------------------------

    def lezen_vooraf(
        self, g: Gebruiker, casus: Casus, bron: Bron | None, object: str = "casus"
    ) -> tuple[DossierFeiten, Callable[[], None]]:
        """Decide, and start writing an allowed read's entry while the caller prepares
        its answer; the caller must call `bevestig` before it gives anything back: it
        waits until the entry is stored and raises if it could not be (fail closed).
        A refusal is logged before this returns, and raises."""
        bron = bron or GEEN_BRON
        feiten = feiten_van(casus)
        wat = "geschiedenis" if object == "geschiedenis" else "lezen"
        besluit = mag_lezen(g, feiten, bron.noodtoegang, wat)
        actie: Actie = "noodtoegang" if besluit.noodtoegang else "lezen"
        if not besluit.toegestaan or self.logboek is None:
            self._log(g, besluit, actie, object, bron, casus)
            if not besluit.toegestaan:
                raise GeenToegang
            return feiten, _niets
        # The entry's round trip and commit overlap with reading and shaping the file:
        # nothing is returned before `bevestig`, so what the log guarantees still holds.
        bezig = self._schrijver().submit(self._log, g, besluit, actie, object, bron, casus)
        return feiten, bezig.result

    def schrijven(
        self,
        g: Gebruiker,
        handeling: str,
        casus: Casus | None,
        bron: Bron | None,
        *,
        vastleggen: bool = True,
    ) -> Stappen[Besluit]:
        """Refuse (GeenToegang) a step the policy does not allow; as steps of a command
        (application/poorten.py), because logging the refusal may block. `vastleggen=False`
        for a decision on a copy that may be behind the store: the caller decides again on
        the stored file, and only that decision belongs in the log."""
        besluit = mag_schrijven(g, handeling, feiten_van(casus) if casus else None)
        if not besluit.toegestaan:
            # Allowed writes are events already (the audit trail links them); refusals
            # are recorded here, since they leave no event.
            if vastleggen:
                bron = bron or GEEN_BRON
                yield Blokkerend(partial(self._log, g, besluit, "wijzigen", handeling, bron, casus))
            raise GeenToegang("U mag deze stap in dit dossier niet zetten.")
        return besluit

    def versie_noemen(
        self,
        g: Gebruiker,
        handeling: str,
        feiten: DossierFeiten,
        casus: Casus | None,
        bron: Bron | None,
        *,
        vastleggen: bool = True,
    ) -> Stappen[None]:
        """Refuse an If-Match from whoever may not know the file's version: answering it
        (412 with the current version, or not) would tell them the file's state."""
        if ziet_versie(g, feiten):
            return
        if vastleggen:
            besluit = Besluit(False, f"{handeling}:versie:geen_regel")
            bron = bron or GEEN_BRON
            yield Blokkerend(partial(self._log, g, besluit, "wijzigen", handeling, bron, casus))
        raise VersieVerborgen

    def mislukt(
        self,
        g: Gebruiker,
        besluit: Besluit,
        handeling: str,
        code: str,
        casus: Casus | None,
        bron: Bron | None,
    ) -> Stappen[None]:
        """Record an allowed write that stored nothing (a broken rule, a stale version,
        bad input) as an attempt: `resultaat` `mislukt`, `regel` the allowing rule with
        the reason's code after it."""
        if self.logboek is None:
            return
        regel = self._regel(
            g, datetime.now(UTC), "wijzigen", "mislukt", f"{besluit.regel}:{code}", handeling,
            bron or GEEN_BRON, casus.school if casus else g.school,
            str(casus.id) if casus else None,
            casus.pseudoniem if casus is not None and casus.anoniem else None,
        )  # fmt: skip
        yield Blokkerend(partial(self.logboek.schrijf, regel))

    def overzicht(self, g: Gebruiker, soort: str, bron: Bron | None) -> None:
        besluit = mag_overzicht(g, soort)
        if not besluit.toegestaan:
            self._log(g, besluit, "zoeken", soort, bron or GEEN_BRON, None)
            raise GeenToegang("U heeft geen toegang tot dit overzicht.")

    def inzage(
        self,
        g: Gebruiker,
        object: str,
        dossiers: Iterable[tuple[str, str | None]],
        bron: Bron | None,
        actie: Actie = "zoeken",
    ) -> None:
        """Record that an overview showed these files (casus_id, pseudonym if anonymous)."""
        if self.logboek is None:
            return
        nu = datetime.now(UTC)
        bron = bron or GEEN_BRON
        regel = f"{object}:{g.rol}:rol"
        self.logboek.schrijf_alle(
            [
                self._regel(g, nu, actie, "toegestaan", regel, object, bron, g.school, casus_id, p)
                for casus_id, p in dossiers
            ]
        )

    def _log(
        self,
        g: Gebruiker,
        besluit: Besluit,
        actie: Actie,
        object: str,
        bron: Bron,
        casus: Casus | None,
    ) -> None:
        if self.logboek is None:
            return
        if not besluit.toegestaan:
            actie = "weigering"
        self.logboek.schrijf(
            self._regel(
                g,
                datetime.now(UTC),
                actie,
                "toegestaan" if besluit.toegestaan else "geweigerd",
                besluit.regel,
                object,
                bron,
                casus.school if casus else g.school,
                str(casus.id) if casus else None,
                casus.pseudoniem if casus is not None and casus.anoniem else None,
            )
        )

    @staticmethod
    def _regel(
        g: Gebruiker,
        nu: datetime,
        actie: Actie,
        resultaat: Any,
        regel: str,
        object: str,
        bron: Bron,
        school: str | None,
        casus_id: str | None,
        pseudoniem: str | None,
    ) -> Toegangsregel:
        return Toegangsregel(
            tijdstip=nu,
            school=school,
            gebruiker_id=g.sub,
            gebruiker_naam=g.naam,
            gebruiker_rol=g.rol,
            actie=actie,
            resultaat=resultaat,
            regel=regel,
            object=object,
            casus_id=casus_id,
            pseudoniem=pseudoniem,
            namens=bron.namens,
            doel=bron.doel,
            bron_adres=bron.adres,
            bron_agent=bron.agent,
            request_id=bron.request_id,
            reden_noodtoegang=bron.noodtoegang if actie == "noodtoegang" else None,
        )

    def zoekopdracht(
        self,
        g: Gebruiker,
        soort: str,
        filters: dict[str, str | None],
        dossiers: Iterable[tuple[str, str | None]],
        bron: Bron | None,
        actie: Actie = "zoeken",
    ) -> None:
        """Record a search that tells about a person or names files: one entry for the
        search (`object`: what was asked) and one per file named, in one transaction.
        Called once the answer is made, before it leaves: its own entries are never in
        it, so a search of the log cannot feed on itself."""
        if self.logboek is None:
            return
        nu, bron = datetime.now(UTC), bron or GEEN_BRON
        object = self.zoekobject(soort, filters)
        regel = mag_overzicht(g, soort).regel
        genoemd: dict[str | None, str | None] = {None: None}  # the search itself: no file
        for casus_id, pseudoniem in dossiers:
            genoemd[casus_id] = genoemd.get(casus_id) or pseudoniem
        self.logboek.schrijf_alle(
            [
                self._regel(g, nu, actie, "toegestaan", regel, object, bron, g.school, casus_id, p)
                for casus_id, p in genoemd.items()
            ]
        )

    @staticmethod
    def zoekobject(soort: str, filters: dict[str, str | None]) -> str:
        """`soort?veld=waarde&…` for the given filters, escaped as in a URL."""
        delen = [
            f"{veld}={waarde.replace('%', '%25').replace('&', '%26').replace('=', '%3D')}"
            for veld, waarde in filters.items()
            if waarde is not None
        ]
        return f"{soort}?{'&'.join(delen)}" if delen else soort

    def aantallen_gelezen(
        self,
        g: Gebruiker,
        object: str,
        scholen: Iterable[str],
        bron: Bron | None,
        actie: Actie = "zoeken",
    ) -> None:
        """Record a read of aggregates (trends, the report): one entry per school it is
        about, before anything is returned; raises if the log cannot be written."""
        if self.logboek is None:
            return
        nu, bron = datetime.now(UTC), bron or GEEN_BRON
        regel = f"{object}:{g.rol}:rol"
        self.logboek.schrijf_alle(
            [
                self._regel(g, nu, actie, "toegestaan", regel, object, bron, s, None, None)
                for s in scholen
            ]
        )
