"""Synthetic but realistic care files, for benchmarks and reliability tests.

Every file is built with the domain's own commands (so every rule holds) and saved
through the application's own mapper, many files per `save()` call. Events are
recorded *as if* at their business date: the generator hands the events its own clock
(`domain.klok.op_klok`), so trends and lead times look like a real school's year.
Never used by the service itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from application.poorten import Bewaar, Stappen
from application.service import Zorgroute
from domain.casus import Casus
from domain.identiteit import casus_id_voor
from domain.invoer import Verzoek
from domain.klok import op_klok
from domain.opdrachten import SignaalOpDossierVerzoek
from domain.verklaring import UITVOERING
from domain.waarden import Actor, Onderwerp

CATEGORIEEN = (
    ("verzuim", 22), ("leren", 20), ("werkhouding", 18), ("sociaal_emotioneel", 16),
    ("gedrag", 10), ("thuissituatie", 6), ("gezondheid", 4), ("veiligheid", 2),
    ("middelengebruik", 2),
)  # fmt: skip
AFDELINGEN = ("mavo", "havo", "vwo")
# The aggregate's command methods by name → their input model.
_MODEL_VAN: dict[str, type[Verzoek]] = {f.__name__: m for m, f in UITVOERING.items()} | {
    "meld_signaal": SignaalOpDossierVerzoek
}


@dataclass
class Telling:
    casussen: int = 0
    gebeurtenissen: int = 0
    per_niveau: dict[str, int] = field(default_factory=dict)


class _Route:
    """One pupil's (or class's) route through the care structure, with its own dates."""

    def __init__(self, rng: random.Random, school: str, onderwerp: Onderwerp, begin: date) -> None:
        self.rng = rng
        self.school = school
        self.onderwerp = onderwerp
        self.dag = begin
        self.mentor = Actor(
            id=f"m-{onderwerp.klas.lower()}", naam=f"Mentor {onderwerp.klas}", rol="mentor"
        )
        self.zc = Actor(id=f"zc-{school.lower()}", naam="Zorgcoördinator", rol="zorgcoordinator")
        self.casus: Casus | None = None

    def nu(self) -> datetime:
        uur = time(self.rng.randint(8, 16), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return datetime.combine(self.dag, uur, tzinfo=UTC)

    def verder(self, minimaal: int = 2, maximaal: int = 21) -> date:
        self.dag += timedelta(days=self.rng.randint(minimaal, maximaal))
        return self.dag

    def doe(self, commando: str, actor: Actor | None = None, **velden: Any) -> None:
        """The aggregate's command by its method's name, its input validated by the
        command's own model; today is the business date."""
        assert self.casus is not None
        model = _MODEL_VAN[commando]
        with op_klok(self.nu):
            getattr(self.casus, commando)(
                model.model_validate(velden), actor or self.mentor, self.dag
            )

    def signaal(self, sleutel: bytes) -> None:
        categorie = self.rng.choices([c for c, _ in CATEGORIEEN], [w for _, w in CATEGORIEEN])[0]
        if self.onderwerp.is_klas:
            categorie = "groepsklimaat"
        velden: dict[str, Any] = {
            "categorieen": [categorie],
            "omschrijving": "Synthetisch signaal voor meting.",
            "bron": self.rng.choice(["mentor", "docent", "ouder"]),
        }
        if self.casus is None:
            casus_id = casus_id_voor(sleutel, self.school, self.onderwerp, self.dag)
            with op_klok(self.nu):
                self.casus = Casus(
                    id=casus_id, school=self.school, onderwerp=self.onderwerp,
                    actor=self.mentor, toelichting=None,
                )  # fmt: skip
        self.doe("meld_signaal", **velden)

    def loop(self, sleutel: bytes) -> None:
        r = self.rng
        for _ in range(r.choice((1, 1, 1, 2, 3))):
            self.signaal(sleutel)
            self.verder(1, 10)
        leerling = not self.onderwerp.is_klas
        self.doe("voer_gesprek", met="klas" if not leerling else "leerling", datum=self.dag,
                 samenvatting="Gesprek gevoerd.")  # fmt: skip
        if leerling:
            self.doe("informeer_ouders", datum=self.verder(), wijze=r.choice(["telefoon", "email"]))
        diepte = r.random()
        if diepte > 0.45:
            self.doe(
                "meld_aan_voor_kernteam", datum=self.verder(), vraag="Wat werkt voor deze leerling?"
            )
            self.doe("bespreek_in_kernteam", datum=self.dag, advies="Extra begeleiding.")
            self.doe("zet_interventie_in", soort="flexuur", omschrijving="Huiswerkbegeleiding",
                     startdatum=self.dag, evaluatiedatum=self.dag + timedelta(days=42))  # fmt: skip
        if diepte > 0.65:
            self.doe("bespreek_met_contactpersoon", actor=self.zc, datum=self.verder(),
                     advies="Inbrengen.", besluit="inbrengen_in_ozs")  # fmt: skip
        if diepte > 0.75:
            self.ozs(sleutel, leerling)
        elif r.random() < 0.4:
            self.doe("sluit_af", datum=self.verder(20, 80), reden="geen_zorg_meer")

    def ozs(self, sleutel: bytes, leerling: bool) -> None:
        r = self.rng
        anoniem = leerling and r.random() < 0.05
        if leerling and not anoniem:
            self.doe(
                "registreer_toestemming",
                besluit="gegeven",
                doel="ozs",
                door="ouders",
                datum=self.verder(),
            )
        self.doe("breng_in_ozs", datum=self.verder(), ondersteuningsvraag="Ondersteuningsvraag.",
                 doel="Doel.", waarom_nu="Waarom nu.", sterke_kanten="Sterke kanten.",
                 anoniem=anoniem, reden_anoniem="Veiligheid." if anoniem else None)  # fmt: skip
        if not leerling:
            for _ in range(r.randint(1, 3)):
                self.doe(
                    "bespreek_in_ozs",
                    actor=self.zc,
                    datum=self.verder(25, 30),
                    verslag="Besproken.",
                )
            return
        regie = Actor(id=f"zt-{r.randint(1, 6)}", naam="Regiehouder", rol="zorgteam")
        self.doe("benoem_regiehouder", actor=self.zc, medewerker_id=regie.id, naam=regie.naam)
        self.doe("stel_handelingsplan_vast", actor=regie, doelen=["Doel 1"], interventies=["RT"],
                 evaluatiedatum=self.dag + timedelta(days=56))  # fmt: skip
        for _ in range(r.randint(1, 5)):
            self.doe(
                "bespreek_in_ozs", actor=regie, datum=self.verder(25, 30), verslag="Besproken."
            )
        if r.random() < 0.2:
            self.doe("stel_opp_vast", actor=regie, uitstroomperspectief="havo",
                     doelen=["Doel"], evaluatiedatum=self.dag + timedelta(days=120),
                     instemming_ouders=True)  # fmt: skip
        self.doe(
            "geef_terugkoppeling",
            actor=regie,
            aan="signaalgever",
            datum=self.verder(),
            inhoud="Teruggekoppeld.",
        )
        uitkomst = r.random()
        if uitkomst < 0.2:
            self.doe(
                "registreer_toestemming",
                besluit="gegeven",
                doel="zat",
                door="ouders",
                datum=self.verder(),
            )
            self.doe("verwijs_naar_zat", actor=regie, datum=self.verder(), hulpvraag="Hulpvraag.",
                     ketenpartners=["jeugdarts"])  # fmt: skip
        elif uitkomst < 0.6:
            self.doe("evalueer", actor=regie, datum=self.verder(20, 60), doelen_behaald="ja",
                     conclusie="Goed gegaan.", vervolg="terug_naar_mentor")  # fmt: skip
        elif uitkomst < 0.85:
            self.doe("evalueer", actor=regie, datum=self.verder(20, 60), doelen_behaald="ja",
                     conclusie="Klaar.", vervolg="afsluiten")  # fmt: skip


def genereer(
    service: Zorgroute,
    *,
    scholen: int = 1,
    leerlingen: int = 200,
    seed: int = 1,
    begin: date = date(2024, 8, 26),
    dagen: int = 300,
    per_save: int = 100,
    ronde: int = 0,
) -> Telling:
    """Write `leerlingen` pupils' routes (plus a few class cases) per school; returns counts.
    Another `ronde` writes other pupils and classes, so rounds can be added to one store."""
    rng = random.Random(seed)
    sleutel = service._id_sleutel
    telling, wachtrij = Telling(), []
    for s in range(scholen):
        school = f"{10 + s:02d}SY"
        klascasussen: set[str] = set()
        for n in range(leerlingen):
            afdeling = AFDELINGEN[n % 3]
            leerjaar = 1 + (n // 3) % 4
            klas = f"{afdeling[0].upper()}{leerjaar}{'ABC'[n % 3]}" + (f"-{ronde}" if ronde else "")
            if n % 40 == 39 and klas not in klascasussen:
                # One class case per class per year: a second would be the same file.
                klascasussen.add(klas)
                onderwerp = Onderwerp(type="klas", klas=klas, afdeling=afdeling, leerjaar=leerjaar)
            else:
                onderwerp = Onderwerp(type="leerling", klas=klas, afdeling=afdeling, leerjaar=leerjaar,
                                      leerlingnummer=f"{ronde}-{s}-{n}", naam=f"Leerling {s}-{n}")  # fmt: skip
            route = _Route(rng, school, onderwerp, begin + timedelta(days=rng.randint(0, dagen)))
            route.loop(sleutel)
            assert route.casus is not None
            wachtrij.append(route.casus)
            telling.casussen += 1
            telling.gebeurtenissen += route.casus.version
            telling.per_niveau[route.casus.niveau] = (
                telling.per_niveau.get(route.casus.niveau, 0) + 1
            )
            if len(wachtrij) >= per_save:
                _bewaar(service, wachtrij)
                wachtrij = []
    if wachtrij:
        _bewaar(service, wachtrij)
    return telling


def _bewaar(service: Zorgroute, casussen: list[Casus]) -> None:
    """Store the files' events in one save, through the service's storage port."""

    def stappen() -> Stappen[None]:
        yield Bewaar([e for c in casussen for e in c.collect_events()])

    service.opslag.voer_uit(stappen())
