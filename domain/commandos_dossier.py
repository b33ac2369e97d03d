"""The commands about the file itself rather than a step of the route: who it is about
(a correction, by a person or later the pupil administration) and whether it stays
anonymous. A base of `Commandos`, so they check and record like every other command."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain import gebeurtenissen as g
from domain.waarden import Actor, Onderwerp

Trigger = Callable[..., None]


class DossierCommandos:
    if TYPE_CHECKING:
        onderwerp: Onderwerp
        _onderwerp_gecorrigeerd: Trigger
        _anonimiteit_opgeheven: Trigger

        def _controleer(self, gebeurtenis: str, **argumenten: Any) -> None: ...

        def _voer_uit(
            self,
            regel: str,
            model: type[g.Velden],
            trigger: Trigger,
            actor: Actor,
            toelichting: str | None,
            velden: dict[str, Any],
            **extra: Any,
        ) -> dict[str, Any]: ...

    def corrigeer_onderwerp(
        self, actor: Actor, reden: str, toelichting: str | None = None, **wijzigingen: Any
    ) -> None:
        """Correct who the file is about: the given fields replace the file's, the rest
        stays. The pupil number (or a class case's class) names the file and is fixed."""
        bron = wijzigingen.pop("bron", "correctie")
        vandaag = wijzigingen.pop("vandaag", None)
        gegevens = dict(
            g.OnderwerpGecorrigeerdVelden(
                onderwerp=Onderwerp(**{**self.onderwerp.model_dump(), **wijzigingen}),
                reden=reden,
                bron=bron,
            )
        )
        self._controleer("OnderwerpGecorrigeerd", **gegevens, oud=self.onderwerp, vandaag=vandaag)
        self._onderwerp_gecorrigeerd(**gegevens, actor=actor, toelichting=toelichting)

    def hef_anonimiteit_op(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "AnonimiteitOpgeheven",
            g.AnonimiteitOpgehevenVelden,
            self._anonimiteit_opgeheven,
            actor,
            toelichting,
            velden,
        )
