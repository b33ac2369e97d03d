"""The care file (`Casus`) of one pupil, or one class in one school year, at one school.

Public methods are the commands: they check the rules (`regels.controleer`) and then
trigger the `@event` methods, whose bodies are the only place where state changes, so
replaying the stored events rebuilds exactly the same file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate, event

from domain import gebeurtenissen as g
from domain.commandos import Commandos
from domain.klok import DomainEvent
from domain.regels import niveau_index
from domain.waarden import (
    OPP,
    Actor,
    Handelingsplan,
    Interventie,
    KernteamAanmelding,
    Medewerker,
    Niveau,
    Onderwerp,
    Signaal,
    Startdocument,
    Status,
    Toestemming,
)

BESPREEKTERMIJN = timedelta(days=28)


class Casus(Commandos, Aggregate):
    TOPIC: ClassVar[str] = "zorgroute:Casus"

    class Event(DomainEvent, CanMutateAggregate):
        actor: Actor
        toelichting: str | None = None

        def mutate(self, aggregate: Any) -> Any:
            # The library sets modified_on only after the effect ran; effects that record
            # when something happened read this event's own time from `_tijdstip`.
            if aggregate is None:
                return super().mutate(aggregate)
            aggregate._tijdstip = self.timestamp
            try:
                return super().mutate(aggregate)
            finally:
                del aggregate._tijdstip  # only while applying: not part of the state

    class Created(Event, CanInitAggregate):
        TOPIC: ClassVar[str] = "zorgroute:Casus.Created"
        originator_topic: str

    # Topics are explicit and short so that moving or renaming a module never makes
    # stored events unreadable; the library refuses an event class without one.
    class CasusGeopend(Created, g.CasusGeopendVelden):
        TOPIC: ClassVar[str] = "zorgroute:CasusGeopend"

    class SignaalGemeld(Event, g.SignaalGemeldVelden):
        TOPIC: ClassVar[str] = "zorgroute:SignaalGemeld"
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Before version 2 every signal took over the subject it carried.
            state["onderwerp_overgenomen"] = True

    class CasusHeropend(Event, g.CasusHeropendVelden):
        TOPIC: ClassVar[str] = "zorgroute:CasusHeropend"

    class GesprekGevoerd(Event, g.GesprekGevoerdVelden):
        TOPIC: ClassVar[str] = "zorgroute:GesprekGevoerd"

    class OudersGeinformeerd(Event, g.OudersGeinformeerdVelden):
        TOPIC: ClassVar[str] = "zorgroute:OudersGeinformeerd"

    class AangemeldVoorKernteam(Event, g.AangemeldVoorKernteamVelden):
        TOPIC: ClassVar[str] = "zorgroute:AangemeldVoorKernteam"

    class AfgemeldVoorKernteam(Event, g.AfgemeldVoorKernteamVelden):
        TOPIC: ClassVar[str] = "zorgroute:AfgemeldVoorKernteam"

    class BesprokenInKernteam(Event, g.BesprokenInKernteamVelden):
        TOPIC: ClassVar[str] = "zorgroute:BesprokenInKernteam"

    class InterventieIngezet(Event, g.InterventieIngezetVelden):
        TOPIC: ClassVar[str] = "zorgroute:InterventieIngezet"

    class BesprokenMetContactpersoonZorg(Event, g.BesprokenMetContactpersoonZorgVelden):
        TOPIC: ClassVar[str] = "zorgroute:BesprokenMetContactpersoonZorg"

    class ToestemmingGegeven(Event, g.ToestemmingVelden):
        TOPIC: ClassVar[str] = "zorgroute:ToestemmingGegeven"

    class ToestemmingGeweigerd(Event, g.ToestemmingVelden):
        TOPIC: ClassVar[str] = "zorgroute:ToestemmingGeweigerd"

    class ToestemmingIngetrokken(Event, g.ToestemmingVelden):
        TOPIC: ClassVar[str] = "zorgroute:ToestemmingIngetrokken"

    class IngebrachtInOZS(Event, g.IngebrachtInOZSVelden):
        TOPIC: ClassVar[str] = "zorgroute:IngebrachtInOZS"

    class RegiehouderBenoemd(Event, g.MedewerkerVelden):
        TOPIC: ClassVar[str] = "zorgroute:RegiehouderBenoemd"

    class InternBegeleiderGekoppeld(Event, g.MedewerkerVelden):
        TOPIC: ClassVar[str] = "zorgroute:InternBegeleiderGekoppeld"

    class HandelingsplanVastgesteld(Event, g.HandelingsplanVastgesteldVelden):
        TOPIC: ClassVar[str] = "zorgroute:HandelingsplanVastgesteld"

    class OPPVastgesteld(Event, g.OPPVastgesteldVelden):
        TOPIC: ClassVar[str] = "zorgroute:OPPVastgesteld"

    class BesprokenInOZS(Event, g.BesprokenInOZSVelden):
        TOPIC: ClassVar[str] = "zorgroute:BesprokenInOZS"

    class TerugkoppelingGegeven(Event, g.TerugkoppelingGegevenVelden):
        TOPIC: ClassVar[str] = "zorgroute:TerugkoppelingGegeven"

    class EvaluatieUitgevoerd(Event, g.EvaluatieUitgevoerdVelden):
        TOPIC: ClassVar[str] = "zorgroute:EvaluatieUitgevoerd"

    class DoorverwezenNaarZAT(Event, g.DoorverwezenNaarZATVelden):
        TOPIC: ClassVar[str] = "zorgroute:DoorverwezenNaarZAT"

    class CasusAfgesloten(Event, g.CasusAfgeslotenVelden):
        TOPIC: ClassVar[str] = "zorgroute:CasusAfgesloten"

    class OnderwerpGecorrigeerd(Event, g.OnderwerpGecorrigeerdVelden):
        TOPIC: ClassVar[str] = "zorgroute:OnderwerpGecorrigeerd"

    class AnonimiteitOpgeheven(Event, g.AnonimiteitOpgehevenVelden):
        TOPIC: ClassVar[str] = "zorgroute:AnonimiteitOpgeheven"

    if TYPE_CHECKING:  # set by Event.mutate; not a class annotation the metaclass would see
        _tijdstip: datetime

    # ---- creation -------------------------------------------------------------------

    @event(CasusGeopend)
    def __init__(
        self, id: UUID, school: str, onderwerp: Onderwerp, actor: Actor, toelichting: str | None
    ) -> None:
        self.school = school
        self.onderwerp = onderwerp
        self.status: Status = "open"
        self.traject = 1
        self.signalen: list[Signaal] = []
        self.afsluitreden: str | None = None
        # Anonymity outlives a traject: only an explicit lifting ends it.
        self.anoniem = False
        self.pseudoniem: str | None = None
        self._begin_traject()

    def _begin_traject(self) -> None:
        # Everything here belongs to one traject and is cleared when the file reopens.
        self.niveau: Niveau = "mentor"
        self.ouders_geinformeerd = False
        self.toestemmingen: dict[str, Toestemming] = {}
        self.regiehouder: Medewerker | None = None
        self.intern_begeleider: Medewerker | None = None
        self.startdocument: Startdocument | None = None
        self.handelingsplan: Handelingsplan | None = None
        self.opp: OPP | None = None
        self.interventies: list[Interventie] = []
        self.volgende_bespreking: date | None = None
        self.volgende_evaluatie: date | None = None
        self.kernteam_aanmelding: KernteamAanmelding | None = None
        self.opschalen = False
        # The partner organisations of the standing ZAT referral: only they read the file.
        self.ketenpartners: tuple[str, ...] = ()

    # ---- derived state ----------------------------------------------------------------

    @property
    def is_klas(self) -> bool:
        return self.onderwerp.is_klas

    @property
    def geboortedatum(self) -> date | None:
        return self.onderwerp.geboortedatum

    def _verhoog_niveau(self, minimaal: Niveau) -> None:
        if niveau_index(self.niveau) < niveau_index(minimaal):
            self.niveau = minimaal

    # ---- effects: the only code that changes state (also run when replaying) --------

    @event(CasusHeropend)
    def _heropend(self, traject: int, actor: Actor, toelichting: str | None) -> None:
        self.traject = traject
        self.status = "open"
        self.afsluitreden = None
        self._begin_traject()

    @event(SignaalGemeld)
    def _signaal_gemeld(
        self,
        onderwerp: Onderwerp,
        categorieen: tuple[str, ...],
        omschrijving: str,
        bron: str,
        veiligheidszorg: bool,
        actor: Actor,
        toelichting: str | None,
        onderwerp_overgenomen: bool = False,
    ) -> None:
        if onderwerp_overgenomen:  # only signals stored before class_version 2
            self.onderwerp = onderwerp
        self.signalen.append(
            Signaal(
                categorieen=categorieen,  # type: ignore[arg-type]
                omschrijving=omschrijving,
                bron=bron,  # type: ignore[arg-type]
                veiligheidszorg=veiligheidszorg,
                gemeld_door=actor,
                tijdstip=self._tijdstip,
                traject=self.traject,
            )
        )

    @event(GesprekGevoerd)
    def _gesprek_gevoerd(
        self,
        met: str,
        datum: date,
        samenvatting: str,
        afspraken: tuple[str, ...],
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        pass  # a conversation is a fact on record; it changes no structural field

    @event(OudersGeinformeerd)
    def _ouders_geinformeerd(
        self, datum: date, wijze: str, reactie: str | None, actor: Actor, toelichting: str | None
    ) -> None:
        self.ouders_geinformeerd = True

    @event(AangemeldVoorKernteam)
    def _aangemeld_voor_kernteam(
        self, datum: date, vraag: str, actor: Actor, toelichting: str | None
    ) -> None:
        self.kernteam_aanmelding = KernteamAanmelding(datum=datum, vraag=vraag)

    @event(AfgemeldVoorKernteam)
    def _afgemeld_voor_kernteam(self, reden: str, actor: Actor, toelichting: str | None) -> None:
        self.kernteam_aanmelding = None

    @event(BesprokenInKernteam)
    def _besproken_in_kernteam(
        self,
        datum: date,
        advies: str,
        acties: tuple[str, ...],
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        self.kernteam_aanmelding = None
        self._verhoog_niveau("kernteam")

    @event(InterventieIngezet)
    def _interventie_ingezet(
        self,
        soort: str,
        omschrijving: str,
        startdatum: date,
        evaluatiedatum: date,
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        self.interventies.append(
            Interventie(
                soort=soort,
                omschrijving=omschrijving,
                startdatum=startdatum,
                evaluatiedatum=evaluatiedatum,
            )
        )
        if self.volgende_evaluatie is None or evaluatiedatum < self.volgende_evaluatie:
            self.volgende_evaluatie = evaluatiedatum

    @event(BesprokenMetContactpersoonZorg)
    def _besproken_met_contactpersoon(
        self, datum: date, advies: str, besluit: str, actor: Actor, toelichting: str | None
    ) -> None:
        self._verhoog_niveau("contactpersoon")

    def _zet_toestemming(self, besluit: str, doel: str, door: str, datum: date) -> None:
        self.toestemmingen[doel] = Toestemming(besluit=besluit, door=door, datum=datum)  # type: ignore[arg-type]

    @event(ToestemmingGegeven)
    def _toestemming_gegeven(
        self, doel: str, door: str, datum: date, actor: Actor, toelichting: str | None
    ) -> None:
        self._zet_toestemming("gegeven", doel, door, datum)

    @event(ToestemmingGeweigerd)
    def _toestemming_geweigerd(
        self, doel: str, door: str, datum: date, actor: Actor, toelichting: str | None
    ) -> None:
        self._zet_toestemming("geweigerd", doel, door, datum)

    @event(ToestemmingIngetrokken)
    def _toestemming_ingetrokken(
        self, doel: str, door: str, datum: date, actor: Actor, toelichting: str | None
    ) -> None:
        # A withdrawal blocks later steps that need it; it never lowers the level.
        self._zet_toestemming("ingetrokken", doel, door, datum)

    @event(IngebrachtInOZS)
    def _ingebracht_in_ozs(
        self,
        datum: date,
        ondersteuningsvraag: str,
        doel: str,
        waarom_nu: str,
        sterke_kanten: str,
        anoniem: bool,
        reden_anoniem: str | None,
        pseudoniem: str | None,
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        self.niveau = "ozs"
        self.startdocument = Startdocument(
            datum=datum,
            ondersteuningsvraag=ondersteuningsvraag,
            doel=doel,
            waarom_nu=waarom_nu,
            sterke_kanten=sterke_kanten,
        )
        if anoniem:  # an intake never lifts anonymity; `_anonimiteit_opgeheven` does
            self.anoniem = True
            self.pseudoniem = pseudoniem
        self.volgende_bespreking = datum + BESPREEKTERMIJN

    @event(RegiehouderBenoemd)
    def _regiehouder_benoemd(
        self, medewerker_id: str, naam: str, actor: Actor, toelichting: str | None
    ) -> None:
        self.regiehouder = Medewerker(medewerker_id=medewerker_id, naam=naam)

    @event(InternBegeleiderGekoppeld)
    def _intern_begeleider_gekoppeld(
        self, medewerker_id: str, naam: str, actor: Actor, toelichting: str | None
    ) -> None:
        self.intern_begeleider = Medewerker(medewerker_id=medewerker_id, naam=naam)

    @event(HandelingsplanVastgesteld)
    def _handelingsplan_vastgesteld(
        self,
        doelen: tuple[str, ...],
        interventies: tuple[str, ...],
        evaluatiedatum: date,
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        self.handelingsplan = Handelingsplan(
            doelen=doelen, interventies=interventies, evaluatiedatum=evaluatiedatum
        )
        self.volgende_evaluatie = evaluatiedatum

    @event(OPPVastgesteld)
    def _opp_vastgesteld(
        self,
        uitstroomperspectief: str,
        doelen: tuple[str, ...],
        evaluatiedatum: date,
        instemming_ouders: bool,
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        self.opp = OPP(
            uitstroomperspectief=uitstroomperspectief, doelen=doelen, evaluatiedatum=evaluatiedatum
        )
        self.volgende_evaluatie = evaluatiedatum

    @event(BesprokenInOZS)
    def _besproken_in_ozs(
        self,
        datum: date,
        verslag: str,
        aanwezigen: tuple[str, ...],
        adviezen: tuple[str, ...],
        volgende_bespreking: date | None,
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        self.volgende_bespreking = volgende_bespreking or datum + BESPREEKTERMIJN
        self.opschalen = False

    @event(TerugkoppelingGegeven)
    def _terugkoppeling_gegeven(
        self,
        aan: str,
        datum: date,
        inhoud: str,
        signaalgever: str | None,
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        pass  # recorded for the caseload's "feedback owed"; no structural field changes

    @event(EvaluatieUitgevoerd)
    def _evaluatie_uitgevoerd(
        self,
        datum: date,
        doelen_behaald: str,
        conclusie: str,
        vervolg: str,
        nieuwe_evaluatiedatum: date | None,
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        if vervolg == "terug_naar_mentor":
            # Back to the mentor: plan and OPP end and the file leaves the OZS agenda; the
            # regiehouder stays on record.
            self.niveau = "mentor"
            self.handelingsplan = None
            self.opp = None
            self.volgende_bespreking = None
            self.volgende_evaluatie = None
            self.opschalen = False
            self.ketenpartners = ()  # the referral ends with the level
        elif vervolg == "voortzetten":
            self.volgende_evaluatie = nieuwe_evaluatiedatum
        elif vervolg == "opschalen":
            self.opschalen = True
            self.volgende_evaluatie = self._eerstvolgende_evaluatie_na(datum)
        else:
            self.volgende_evaluatie = None

    def _eerstvolgende_evaluatie_na(self, datum: date) -> date | None:
        # The evaluation on `datum` settled what was due; what remains open is any later
        # date of the plan, the OPP or an intervention.
        open_data = [i.evaluatiedatum for i in self.interventies if i.evaluatiedatum > datum]
        for plan in (self.handelingsplan, self.opp):
            if plan is not None and plan.evaluatiedatum > datum:
                open_data.append(plan.evaluatiedatum)
        return min(open_data, default=None)

    @event(DoorverwezenNaarZAT)
    def _doorverwezen_naar_zat(
        self,
        datum: date,
        hulpvraag: str,
        ketenpartners: tuple[str, ...],
        actor: Actor,
        toelichting: str | None,
    ) -> None:
        self.niveau = "extern"
        self.opschalen = False
        self.ketenpartners = tuple(ketenpartners)  # a new referral replaces the partners

    @event(CasusAfgesloten)
    def _afgesloten(self, datum: date, reden: str, actor: Actor, toelichting: str | None) -> None:
        self.status = "gesloten"
        self.afsluitreden = reden
        self.ketenpartners = ()  # a closed file is no longer with the ZAT
        self.volgende_bespreking = None
        self.volgende_evaluatie = None

    @event(OnderwerpGecorrigeerd)
    def _onderwerp_gecorrigeerd(
        self, onderwerp: Onderwerp, reden: str, bron: str, actor: Actor, toelichting: str | None
    ) -> None:
        self.onderwerp = onderwerp

    @event(AnonimiteitOpgeheven)
    def _anonimiteit_opgeheven(self, reden: str, actor: Actor, toelichting: str | None) -> None:
        self.anoniem = False
        self.pseudoniem = None
