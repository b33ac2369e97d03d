"""The commands on a care file: typed methods that check the rules, then record.

A mixin of `Casus`, kept apart so the aggregate module holds only state and effects.
Each method takes its command's input model (domain/opdrachten/), who acts and the
service's today, checks every rule its declaration names before anything is triggered
(so a refused command leaves no pending event behind), and records its event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.commandos_dossier import DossierCommandos, Trigger
from domain.identiteit import pseudoniem_voor
from domain.invoer import Verzoek
from domain.opdrachten import route, signaal, zorg
from domain.verklaring import UITVOERING, voert_uit
from domain.waarden import Actor, Onderwerp, Signaal


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
        _afgemeld_voor_kernteam: Trigger
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

    def voer_uit(self, verzoek: Verzoek, actor: Actor, vandaag: date) -> None:
        """The command this input is for (the application's one way in)."""
        uitvoering: Callable[..., None] = UITVOERING[type(verzoek)]
        uitvoering(self, verzoek, actor, vandaag)

    def meld_signaal(
        self, verzoek: signaal.SignaalOpDossierVerzoek, actor: Actor, vandaag: date
    ) -> None:
        """A new concern. On a closed file it first reopens the file as a new traject.

        The signal records the subject as the reporter described it and leaves the file's
        subject as it is: who a file is about changes only by `corrigeer_onderwerp`."""
        velden = verzoek.velden()
        velden["onderwerp"] = verzoek.onderwerp.waarde() if verzoek.onderwerp else self.onderwerp
        self._controleer(verzoek, velden, vandaag)
        if self.status == "gesloten":
            self._heropend(traject=self.traject + 1, actor=actor, toelichting=verzoek.toelichting)
        self._signaal_gemeld(
            **velden, onderwerp_overgenomen=False, actor=actor, toelichting=verzoek.toelichting
        )

    @voert_uit(route.GesprekVerzoek)
    def voer_gesprek(self, verzoek: route.GesprekVerzoek, actor: Actor, vandaag: date) -> None:
        self._leg_vast(verzoek, self._gesprek_gevoerd, actor, vandaag)

    @voert_uit(route.OudersGeinformeerdVerzoek)
    def informeer_ouders(
        self, verzoek: route.OudersGeinformeerdVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._ouders_geinformeerd, actor, vandaag)

    @voert_uit(route.KernteamAanmeldingVerzoek)
    def meld_aan_voor_kernteam(
        self, verzoek: route.KernteamAanmeldingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._aangemeld_voor_kernteam, actor, vandaag)

    @voert_uit(route.KernteamAfmeldingVerzoek)
    def meld_af_voor_kernteam(
        self, verzoek: route.KernteamAfmeldingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._afgemeld_voor_kernteam, actor, vandaag)

    @voert_uit(route.KernteambesprekingVerzoek)
    def bespreek_in_kernteam(
        self, verzoek: route.KernteambesprekingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._besproken_in_kernteam, actor, vandaag)

    @voert_uit(route.InterventieVerzoek)
    def zet_interventie_in(
        self, verzoek: route.InterventieVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._interventie_ingezet, actor, vandaag)

    @voert_uit(route.ContactpersoonbesprekingVerzoek)
    def bespreek_met_contactpersoon(
        self, verzoek: route.ContactpersoonbesprekingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._besproken_met_contactpersoon, actor, vandaag)

    @voert_uit(route.ToestemmingVerzoek)
    def registreer_toestemming(
        self, verzoek: route.ToestemmingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        # The decision is the event's type, not one of its fields.
        velden = verzoek.velden()
        besluit = velden.pop("besluit")
        trigger = {
            "gegeven": self._toestemming_gegeven,
            "geweigerd": self._toestemming_geweigerd,
            "ingetrokken": self._toestemming_ingetrokken,
        }[besluit]
        self._leg_vast(verzoek, trigger, actor, vandaag, velden, besluit=besluit)

    @voert_uit(route.OzsInbrengVerzoek)
    def breng_in_ozs(self, verzoek: route.OzsInbrengVerzoek, actor: Actor, vandaag: date) -> None:
        velden = verzoek.velden()
        self._controleer(verzoek, velden, vandaag)
        if velden["anoniem"]:
            velden["pseudoniem"] = self.pseudoniem or pseudoniem_voor(self.id, self.traject)
        else:
            velden["reden_anoniem"] = None
            velden["pseudoniem"] = None
        self._ingebracht_in_ozs(**velden, actor=actor, toelichting=verzoek.toelichting)

    @voert_uit(zorg.RegiehouderVerzoek)
    def benoem_regiehouder(
        self, verzoek: zorg.RegiehouderVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._regiehouder_benoemd, actor, vandaag)

    @voert_uit(zorg.InternBegeleiderVerzoek)
    def koppel_intern_begeleider(
        self, verzoek: zorg.InternBegeleiderVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._intern_begeleider_gekoppeld, actor, vandaag)

    @voert_uit(zorg.HandelingsplanVerzoek)
    def stel_handelingsplan_vast(
        self, verzoek: zorg.HandelingsplanVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._handelingsplan_vastgesteld, actor, vandaag)

    @voert_uit(zorg.OppVerzoek)
    def stel_opp_vast(self, verzoek: zorg.OppVerzoek, actor: Actor, vandaag: date) -> None:
        self._leg_vast(verzoek, self._opp_vastgesteld, actor, vandaag)

    @voert_uit(zorg.OzsBesprekingVerzoek)
    def bespreek_in_ozs(
        self, verzoek: zorg.OzsBesprekingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._besproken_in_ozs, actor, vandaag)

    @voert_uit(zorg.TerugkoppelingVerzoek)
    def geef_terugkoppeling(
        self, verzoek: zorg.TerugkoppelingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        gevers = self._signaalgevers()
        velden = verzoek.velden()
        if velden["aan"] == "signaalgever" and velden["signaalgever"] is None:
            # With one reporter there is only one it can be for.
            velden["signaalgever"] = gevers[0] if len(gevers) == 1 else None
        self._leg_vast(
            verzoek, self._terugkoppeling_gegeven, actor, vandaag, velden, signaalgevers=gevers
        )

    def _signaalgevers(self) -> tuple[str, ...]:
        """The reporters of this file's signals, first reporter first."""
        return tuple(dict.fromkeys(s.gemeld_door.id for s in self.signalen))

    @voert_uit(zorg.EvaluatieVerzoek)
    def evalueer(self, verzoek: zorg.EvaluatieVerzoek, actor: Actor, vandaag: date) -> None:
        self._leg_vast(verzoek, self._evaluatie_uitgevoerd, actor, vandaag)
        if verzoek.vervolg == "afsluiten":
            # The brief: closing by evaluation also records CasusAfgesloten, with the reason
            # following from whether the goals were met.
            reden = "doelen_behaald" if verzoek.doelen_behaald == "ja" else "geen_zorg_meer"
            self._afgesloten(datum=verzoek.datum, reden=reden, actor=actor, toelichting=None)

    @voert_uit(zorg.ZatVerwijzingVerzoek)
    def verwijs_naar_zat(
        self, verzoek: zorg.ZatVerwijzingVerzoek, actor: Actor, vandaag: date
    ) -> None:
        self._leg_vast(verzoek, self._doorverwezen_naar_zat, actor, vandaag)

    @voert_uit(zorg.AfsluitingVerzoek)
    def sluit_af(self, verzoek: zorg.AfsluitingVerzoek, actor: Actor, vandaag: date) -> None:
        self._leg_vast(verzoek, self._afgesloten, actor, vandaag)
