"""The commands about the file itself rather than a step of the route: who it is about
(a correction, by a person or later the pupil administration) and whether it stays
anonymous; and the steps every command shares. A base of `Commandos`, so they check and
record like every other command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from domain import gebeurtenissen as g
from domain.invoer import Verzoek
from domain.opdrachten.dossier import AnonimiteitOpheffenVerzoek, OnderwerpCorrectieVerzoek
from domain.regels import CasusStaat, controleer
from domain.verklaring import voert_uit
from domain.waarden import Actor, Onderwerp, OnderwerpBron

Trigger = Callable[..., None]
# The parts of the subject a correction may change (the number or class names the file).
_CORRIGEERBAAR = ("naam", "klas", "afdeling", "leerjaar", "geboortedatum")


class DossierCommandos:
    if TYPE_CHECKING:
        onderwerp: Onderwerp
        _onderwerp_gecorrigeerd: Trigger
        _anonimiteit_opgeheven: Trigger

    # ---- the common steps of every command: check every rule, then record ------------

    def _leg_vast(
        self,
        verzoek: Verzoek,
        trigger: Trigger,
        actor: Actor,
        vandaag: date,
        velden: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        velden = verzoek.velden() if velden is None else velden
        self._controleer(verzoek, velden, vandaag, **extra)
        trigger(**velden, actor=actor, toelichting=verzoek.toelichting)

    def _controleer(
        self, verzoek: Verzoek, velden: dict[str, Any], vandaag: date, **extra: Any
    ) -> None:
        """Every rule the command's declaration names, on this file and these arguments."""
        staat: CasusStaat = self  # type: ignore[assignment]
        controleer(type(verzoek).verklaring.regels, staat, {**velden, **extra, "vandaag": vandaag})

    @voert_uit(OnderwerpCorrectieVerzoek)
    def corrigeer_onderwerp(
        self,
        verzoek: OnderwerpCorrectieVerzoek,
        actor: Actor,
        vandaag: date,
        bron: OnderwerpBron = "correctie",
    ) -> None:
        """Correct who the file is about: the given fields replace the file's, the rest
        stays. The pupil number (or a class case's class) names the file and is fixed."""
        wijzigingen = {v: getattr(verzoek, v) for v in _CORRIGEERBAAR}
        gegeven = {v: w for v, w in wijzigingen.items() if w is not None}
        velden = dict(
            g.OnderwerpGecorrigeerdVelden(
                onderwerp=Onderwerp(**{**self.onderwerp.model_dump(), **gegeven}),
                reden=verzoek.reden,
                bron=bron,
            )
        )
        self._controleer(verzoek, velden, vandaag, oud=self.onderwerp)
        self._onderwerp_gecorrigeerd(**velden, actor=actor, toelichting=verzoek.toelichting)

    @voert_uit(AnonimiteitOpheffenVerzoek)
    def hef_anonimiteit_op(
        self, verzoek: AnonimiteitOpheffenVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._anonimiteit_opgeheven, actor, vandaag)
