"""The commands on a care file: validate the input, check the rules, then record.

A mixin of `Casus`, kept apart so the aggregate module holds only state and effects.
Every command checks all rules of its event (`regels.REGELS`) before anything is
triggered, so a refused command leaves no pending event behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain import gebeurtenissen as g
from domain.commandos_dossier import DossierCommandos
from domain.identiteit import pseudoniem_voor
from domain.regels import controleer
from domain.waarden import Actor, Onderwerp, Signaal

Trigger = Callable[..., None]


class Commandos(DossierCommandos):
    if TYPE_CHECKING:
        id: UUID
        status: str
        traject: int
        pseudoniem: str | None
        onderwerp: Onderwerp
        signalen: list[Signaal]
        _heropend: Trigger
        _signaal_gemeld: Trigger
        _gesprek_gevoerd: Trigger
        _ouders_geinformeerd: Trigger
        _aangemeld_voor_kernteam: Trigger
        _besproken_in_kernteam: Trigger
        _interventie_ingezet: Trigger
        _besproken_met_contactpersoon: Trigger
        _toestemming_gegeven: Trigger
        _toestemming_geweigerd: Trigger
        _toestemming_ingetrokken: Trigger
        _ingebracht_in_ozs: Trigger
        _regiehouder_benoemd: Trigger
        _intern_begeleider_gekoppeld: Trigger
        _handelingsplan_vastgesteld: Trigger
        _opp_vastgesteld: Trigger
        _besproken_in_ozs: Trigger
        _terugkoppeling_gegeven: Trigger
        _evaluatie_uitgevoerd: Trigger
        _doorverwezen_naar_zat: Trigger
        _afgesloten: Trigger

    def _controleer(self, gebeurtenis: str, **argumenten: Any) -> None:
        controleer(gebeurtenis, self, argumenten)  # type: ignore[arg-type]

    # ---- commands: check the rules, then record --------------------------------------

    def _voer_uit(
        self,
        regel: str,
        model: type[g.Velden],
        trigger: Trigger,
        actor: Actor,
        toelichting: str | None,
        velden: dict[str, Any],
        **extra: Any,
    ) -> dict[str, Any]:
        # `vandaag`: the service's today, for the rules about dates (domain/datumregels.py).
        vandaag = velden.pop("vandaag", None)
        gegevens = dict(model(**velden))
        self._controleer(regel, **gegevens, **extra, vandaag=vandaag)
        trigger(**gegevens, actor=actor, toelichting=toelichting)
        return gegevens

    def meld_signaal(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        """A new concern. On a closed file it first reopens the file as a new traject.

        The signal records the subject as the reporter described it and leaves the file's
        subject as it is: who a file is about changes only by `corrigeer_onderwerp`."""
        velden.setdefault("onderwerp", self.onderwerp)
        vandaag = velden.pop("vandaag", None)
        gegevens = dict(g.SignaalGemeldVelden(**velden, onderwerp_overgenomen=False))
        self._controleer("SignaalGemeld", **gegevens, vandaag=vandaag)
        if self.status == "gesloten":
            self._heropend(traject=self.traject + 1, actor=actor, toelichting=toelichting)
        self._signaal_gemeld(**gegevens, actor=actor, toelichting=toelichting)

    def voer_gesprek(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        self._voer_uit(
            "GesprekGevoerd",
            g.GesprekGevoerdVelden,
            self._gesprek_gevoerd,
            actor,
            toelichting,
            velden,
        )

    def informeer_ouders(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        self._voer_uit(
            "OudersGeinformeerd",
            g.OudersGeinformeerdVelden,
            self._ouders_geinformeerd,
            actor,
            toelichting,
            velden,
        )

    def meld_aan_voor_kernteam(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "AangemeldVoorKernteam",
            g.AangemeldVoorKernteamVelden,
            self._aangemeld_voor_kernteam,
            actor,
            toelichting,
            velden,
        )

    def bespreek_in_kernteam(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "BesprokenInKernteam",
            g.BesprokenInKernteamVelden,
            self._besproken_in_kernteam,
            actor,
            toelichting,
            velden,
        )

    def zet_interventie_in(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "InterventieIngezet",
            g.InterventieIngezetVelden,
            self._interventie_ingezet,
            actor,
            toelichting,
            velden,
        )

    def bespreek_met_contactpersoon(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "BesprokenMetContactpersoonZorg",
            g.BesprokenMetContactpersoonZorgVelden,
            self._besproken_met_contactpersoon,
            actor,
            toelichting,
            velden,
        )

    def registreer_toestemming(
        self, actor: Actor, besluit: Any = None, toelichting: str | None = None, **velden: Any
    ) -> None:
        # The decision picks the event, so it is validated like any other input field.
        gekozen = g.ToestemmingBesluitVeld(besluit=besluit).besluit
        trigger = {
            "gegeven": self._toestemming_gegeven,
            "geweigerd": self._toestemming_geweigerd,
            "ingetrokken": self._toestemming_ingetrokken,
        }[gekozen]
        self._voer_uit(
            "Toestemming",
            g.ToestemmingVelden,
            trigger,
            actor,
            toelichting,
            velden,
            besluit=gekozen,
        )

    def breng_in_ozs(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        vandaag = velden.pop("vandaag", None)
        gegevens = dict(g.IngebrachtInOZSVelden(**velden))
        self._controleer("IngebrachtInOZS", **gegevens, vandaag=vandaag)
        if gegevens["anoniem"]:
            gegevens["pseudoniem"] = self.pseudoniem or pseudoniem_voor(self.id, self.traject)
        else:
            gegevens["reden_anoniem"] = None
            gegevens["pseudoniem"] = None
        self._ingebracht_in_ozs(**gegevens, actor=actor, toelichting=toelichting)

    def benoem_regiehouder(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "RegiehouderBenoemd",
            g.MedewerkerVelden,
            self._regiehouder_benoemd,
            actor,
            toelichting,
            velden,
        )

    def koppel_intern_begeleider(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "InternBegeleiderGekoppeld",
            g.MedewerkerVelden,
            self._intern_begeleider_gekoppeld,
            actor,
            toelichting,
            velden,
        )

    def stel_handelingsplan_vast(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "HandelingsplanVastgesteld",
            g.HandelingsplanVastgesteldVelden,
            self._handelingsplan_vastgesteld,
            actor,
            toelichting,
            velden,
        )

    def stel_opp_vast(
        self, actor: Actor, vastgesteld_op: date, toelichting: str | None = None, **velden: Any
    ) -> None:
        self._voer_uit(
            "OPPVastgesteld",
            g.OPPVastgesteldVelden,
            self._opp_vastgesteld,
            actor,
            toelichting,
            velden,
            vastgesteld_op=vastgesteld_op,
        )

    def bespreek_in_ozs(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        self._voer_uit(
            "BesprokenInOZS",
            g.BesprokenInOZSVelden,
            self._besproken_in_ozs,
            actor,
            toelichting,
            velden,
        )

    def geef_terugkoppeling(
        self, actor: Actor, toelichting: str | None = None, **velden: Any
    ) -> None:
        gevers = self._signaalgevers()
        if velden.get("aan") == "signaalgever" and velden.get("signaalgever") is None:
            # With one reporter there is only one it can be for.
            velden = {**velden, "signaalgever": gevers[0] if len(gevers) == 1 else None}
        self._voer_uit(
            "TerugkoppelingGegeven",
            g.TerugkoppelingGegevenVelden,
            self._terugkoppeling_gegeven,
            actor,
            toelichting,
            velden,
            signaalgevers=gevers,
        )

    def _signaalgevers(self) -> tuple[str, ...]:
        """The reporters of this file's signals, first reporter first."""
        return tuple(dict.fromkeys(s.gemeld_door.id for s in self.signalen))

    def evalueer(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        gegevens = self._voer_uit(
            "EvaluatieUitgevoerd",
            g.EvaluatieUitgevoerdVelden,
            self._evaluatie_uitgevoerd,
            actor,
            toelichting,
            velden,
        )
        if gegevens["vervolg"] == "afsluiten":
            # The brief: closing by evaluation also records CasusAfgesloten, with the reason
            # following from whether the goals were met.
            reden = "doelen_behaald" if gegevens["doelen_behaald"] == "ja" else "geen_zorg_meer"
            self._afgesloten(datum=gegevens["datum"], reden=reden, actor=actor, toelichting=None)

    def verwijs_naar_zat(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        self._voer_uit(
            "DoorverwezenNaarZAT",
            g.DoorverwezenNaarZATVelden,
            self._doorverwezen_naar_zat,
            actor,
            toelichting,
            velden,
        )

    def sluit_af(self, actor: Actor, toelichting: str | None = None, **velden: Any) -> None:
        self._voer_uit(
            "CasusAfgesloten",
            g.CasusAfgeslotenVelden,
            self._afgesloten,
            actor,
            toelichting,
            velden,
        )
