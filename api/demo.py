"""The demo school 99XX, "Het Voorbeeldcollege": fictional pupils and staff, real commands.

Every case is built through `Zorgroute.meld_signaal` / `handel`, acting as the staff member
who would do that step, so the demo data obeys every rule the API enforces. Each step is
recorded on its own date: the service runs on a `Demoklok` that the seed moves to it, and
the events carry the service's time. Pupils come from a seeded generator; dates are
relative to today so the agenda always looks current. Seeding skips cases that already
exist, so a second run adds nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from api.demo_scenarios import (
    IB_ID,
    IB_NAAM,
    KLAS_SCENARIOS,
    LEERLING_SCENARIOS,
    ZESTIEN,
    D,
    Scenario,
    V,
)
from application.fouten import CasusNietGevonden
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from domain.identiteit import casus_id_voor
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from domain.regels import leeftijd_op
from domain.waarden import Onderwerp

SCHOOL = "99XX"
SCHOOLNAAM = "Het Voorbeeldcollege"
ZAAD = 9901  # fixed seed: the same pupils and case mix on every machine
AANTAL_LEERLINGEN = 200


def _mw(sub: str, naam: str, rol: Any, klassen: tuple[str, ...] = ()) -> Gebruiker:
    return Gebruiker(sub=sub, naam=naam, rol=rol, school=SCHOOL, klassen=klassen)


ZORGCOORDINATOR = _mw("zc-devries", "A. de Vries", "zorgcoordinator")
ORTHOPEDAGOOG = _mw("zt-bakker", "R. Bakker", "zorgteam")
SMW = _mw("zt-visser", "S. Visser", "zorgteam")  # schoolmaatschappelijk werker
IB = _mw(IB_ID, IB_NAAM, "intern_begeleider")
DOCENT = _mw("d-mulder", "K. Mulder", "docent")

AFDELINGEN = {"M": "mavo", "H": "havo", "V": "vwo"}
# One mentor per class (afdeling letter + leerjaar + A); m-jansen (H3A) is the README's mentor.
_MENTOR_NAMEN = {
    "M1A": ("m-dekker", "P. Dekker"), "M2A": ("m-peters", "E. Peters"),
    "M3A": ("m-hendriks", "W. Hendriks"), "M4A": ("m-vandam", "T. van Dam"),
    "H1A": ("m-bos", "N. Bos"), "H2A": ("m-meijer", "F. Meijer"),
    "H3A": ("m-jansen", "J. Jansen"), "H4A": ("m-kok", "G. Kok"),
    "V1A": ("m-vermeulen", "C. Vermeulen"), "V2A": ("m-brouwer", "H. Brouwer"),
    "V3A": ("m-dijkstra", "M. Dijkstra"), "V4A": ("m-koster", "D. Koster"),
}  # fmt: skip
MENTOREN = {k: _mw(s, n, "mentor", (k,)) for k, (s, n) in _MENTOR_NAMEN.items()}

# Common Dutch first and last names, combined at random: no combination is a real pupil.
_VOORNAMEN = ("Daan", "Sem", "Lucas", "Finn", "Levi", "Milan", "Noah", "Jesse", "Thijs", "Ruben",
              "Bram", "Luuk", "Sven", "Gijs", "Emma", "Julia", "Mila", "Tess", "Sophie", "Sara",
              "Lotte", "Eva", "Noor", "Fleur", "Isa", "Anna", "Roos", "Femke")  # fmt: skip
_ACHTERNAMEN = ("Vos", "Hoekstra", "Prins", "Willems", "Smits", "Kuipers", "van Leeuwen",
                "Verhoeven", "Schouten", "Jacobs", "de Graaf", "Huisman", "Boersma", "Post",
                "Veenstra", "van Wijk", "Kramer", "van der Linden", "Groen", "Bosman", "Sanders",
                "Wolters", "van Beek")  # fmt: skip

_SIGNALEN: dict[str, str] = {
    "leren": "Cijfers zakken sinds de herfstvakantie; toetsen worden niet voorbereid.",
    "werkhouding": "Huiswerk ontbreekt steeds vaker en de leerling is in de les afwezig met de gedachten.",
    "gedrag": "Reageert fel op medeleerlingen en loopt weg bij correctie.",
    "sociaal_emotioneel": "Trekt zich terug in pauzes en lijkt somber; zegt weinig vrienden te hebben.",
    "verzuim": "Meerdere keren ongeoorloofd afwezig op maandagochtend.",
    "thuissituatie": "Vertelt over spanningen thuis; komt vaak moe op school.",
    "gezondheid": "Veel buikpijnklachten en ziekmeldingen halverwege de dag.",
    "groepsklimaat": "Onrustige sfeer in de klas; leerlingen worden buitengesloten in de groepsapp.",
}
# A pupil's first concern varies, so the demo gives the trends something to show.
_LEERLING_CATEGORIEEN = [c for c in _SIGNALEN if c != "groepsklimaat"]


class Demoklok:
    """The demo service's clock: the real time, or the moment of the step being recorded."""

    def __init__(self) -> None:
        self._moment: datetime | None = None

    def __call__(self) -> datetime:
        return self._moment or datetime.now(UTC)

    @contextmanager
    def op(self, moment: datetime) -> Iterator[None]:
        self._moment = moment
        try:
            yield
        finally:
            self._moment = None


@dataclass(frozen=True)
class Leerling:
    leerlingnummer: str
    naam: str
    klas: str
    afdeling: str
    leerjaar: int
    geboortedatum: date

    def onderwerp(self) -> dict[str, Any]:
        return {"type": "leerling", **asdict(self), "geboortedatum": self.geboortedatum.isoformat()}


def schooljaar_begin(vandaag: date) -> date:
    return date(vandaag.year if vandaag.month >= 8 else vandaag.year - 1, 8, 1)


def leerlingen(vandaag: date) -> list[Leerling]:
    """200 fictional pupils spread over the 12 classes, deterministic for a school year."""
    rng = random.Random(ZAAD)
    begin = schooljaar_begin(vandaag)
    klassen = list(MENTOREN)
    resultaat = []
    for i in range(AANTAL_LEERLINGEN):
        klas = klassen[i % len(klassen)]
        leerjaar = int(klas[1])
        # 12 on 1 August in year 1, a year older per year, some a year behind: so part of
        # leerjaar 4 is 16 or older and may give consent themselves.
        leeftijd = 11 + leerjaar + (1 if rng.random() < 0.15 else 0)
        geboren = date(begin.year - leeftijd, 8, 1) - timedelta(days=rng.randrange(365))
        naam = f"{rng.choice(_VOORNAMEN)} {rng.choice(_ACHTERNAMEN)}"
        resultaat.append(
            Leerling(f"{300001 + i}", naam, klas, AFDELINGEN[klas[0]], leerjaar, geboren)
        )
    return resultaat


@dataclass
class _Casus:
    """One case under construction: its subject, its people and its calendar."""

    service: Zorgroute
    klok: Demoklok
    vandaag: date
    onderwerp: dict[str, Any]
    start: date
    regiehouder: Gebruiker
    casus_id: UUID | None = None
    laatst: datetime | None = None

    def wie(self, rol: str) -> Gebruiker:
        mentor = MENTOREN[self.onderwerp["klas"]]
        # "melder": half of the first signals come from a subject teacher, half from the mentor.
        melder = DOCENT if self.start.day % 2 else mentor
        mensen = {"mentor": mentor, "zc": ZORGCOORDINATOR, "rh": self.regiehouder, "ib": IB}
        return {**mensen, "docent": DOCENT, "melder": melder}[rol]

    def datum(self, waarde: Any) -> Any:
        if isinstance(waarde, D):
            return (self.start + timedelta(days=waarde)).isoformat()
        if isinstance(waarde, V):
            return (self.vandaag + timedelta(days=waarde)).isoformat()
        return waarde

    def moment(self, body: dict[str, Any]) -> datetime:
        """When a step is recorded: on its own date (so trends and lead times look like a
        real school's), never before the previous step and never in the future."""
        dag = date.fromisoformat(body["datum"]) if "datum" in body else None
        gewenst = datetime.combine(dag or self.start, time(10), tzinfo=UTC)
        vorig = self.laatst + timedelta(minutes=1) if self.laatst else gewenst
        self.laatst = min(max(gewenst, vorig), datetime.now(UTC))
        return self.laatst

    def voer_uit(self, stappen: Scenario) -> None:
        for rol, handeling, gegevens in stappen:
            wie = self.wie(rol)
            body = {k: self.datum(v) for k, v in gegevens.items()}
            with self.klok.op(self.moment(body)):
                self._stap(wie, handeling, body)

    def _stap(self, wie: Gebruiker, handeling: str, body: dict[str, Any]) -> None:
        if handeling == "regiehouder":
            body = {"medewerker_id": self.regiehouder.sub, "naam": self.regiehouder.naam}
        if handeling == "signaal":
            gevarieerd = _LEERLING_CATEGORIEEN[self.start.toordinal() % len(_LEERLING_CATEGORIEEN)]
            categorie = body.pop("categorie", None) or gevarieerd
            body |= {"onderwerp": self.onderwerp, "categorieen": [categorie]}
            body |= {"omschrijving": _SIGNALEN[categorie], "bron": _BRON[wie.rol]}
            signaal = SignaalVerzoek.model_validate(body)
            self.casus_id = self.service.meld_signaal(wie, signaal).casus_id
        else:
            assert self.casus_id is not None, "een scenario begint met een signaal"
            self.service.handel(wie, self.casus_id, opdracht_voor(handeling, body))


_BRON = {"docent": "docent", "mentor": "mentor", "zorgcoordinator": "medewerker"}


@dataclass(frozen=True)
class DemoSamenvatting:
    leerlingen: int
    casussen: int
    aangemaakt: int
    klascasussen: int
    anoniem: int
    per_niveau: dict[str, int] = field(default_factory=dict)
    per_status: dict[str, int] = field(default_factory=dict)
    heropend: int = 0


@dataclass(frozen=True)
class _Gepland:
    scenario: Scenario
    onderwerp: dict[str, Any]
    start: date  # the first signal's date, so the school year its file belongs to
    regiehouder: Gebruiker


def _plan(vandaag: date) -> list[_Gepland]:
    """Which subject gets which scenario, from when; the 16+ case takes a pupil who is 16
    by then."""
    rng = random.Random(ZAAD + 1)
    pool = leerlingen(vandaag)
    rng.shuffle(pool)
    # Consent is given at most ~130 days ago (see the start dates below).
    vroegst = vandaag - timedelta(days=150)
    oud = next(lln for lln in pool if leeftijd_op(lln.geboortedatum, vroegst) >= 16)
    pool.remove(oud)
    plan: list[tuple[Scenario, dict[str, Any]]] = [(ZESTIEN, oud.onderwerp())]
    for scenario, aantal in LEERLING_SCENARIOS:
        plan += [(scenario, pool.pop().onderwerp()) for _ in range(aantal)]
    for scenario, klas in KLAS_SCENARIOS:
        klas_info = {"klas": klas, "afdeling": AFDELINGEN[klas[0]], "leerjaar": int(klas[1])}
        plan.append((scenario, {"type": "klas", **klas_info}))
    rng = random.Random(ZAAD + 2)
    gepland = []
    for scenario, onderwerp in plan:
        start = vandaag - timedelta(days=rng.randint(62, 150))
        gepland.append(_Gepland(scenario, onderwerp, start, rng.choice((ORTHOPEDAGOOG, SMW))))
    return gepland


def _casus_id(service: Zorgroute, gepland: _Gepland) -> UUID:
    # The file's id as its first signal derives it, on the service's today then.
    # The service has no public "id for this subject" yet; the key stays inside the process.
    sleutel: bytes = service._id_sleutel
    return casus_id_voor(sleutel, SCHOOL, Onderwerp(**gepland.onderwerp), gepland.start)


def _bestaat(service: Zorgroute, casus_id: UUID) -> bool:
    try:
        service.lees(ZORGCOORDINATOR, casus_id)
    except CasusNietGevonden:
        return False
    return True


def is_geseed(service: Zorgroute) -> bool:
    """True when every demo case of this school year is already in the database."""
    plan = _plan(service.vandaag())
    return all(_bestaat(service, _casus_id(service, gepland)) for gepland in plan)


def seed_demo(service: Zorgroute, klok: Demoklok) -> DemoSamenvatting:
    """Build the demo school's cases that are not there yet, and summarise all of them.
    `klok` is the clock `service` was built with: each step moves it to its own date."""
    vandaag = service.vandaag()
    aangemaakt = 0
    standen: list[dict[str, Any]] = []
    for gepland in _plan(vandaag):
        casus_id = _casus_id(service, gepland)
        if not _bestaat(service, casus_id):
            _Casus(
                service, klok, vandaag, gepland.onderwerp, gepland.start, gepland.regiehouder
            ).voer_uit(gepland.scenario)
            aangemaakt += 1
        standen.append(service.lees(ZORGCOORDINATOR, casus_id))
    return DemoSamenvatting(
        leerlingen=AANTAL_LEERLINGEN,
        casussen=len(standen),
        aangemaakt=aangemaakt,
        klascasussen=sum(s["onderwerp"]["type"] == "klas" for s in standen),
        anoniem=sum(bool(s["anoniem"]) for s in standen),
        per_niveau=dict(Counter(s["niveau"] for s in standen if s["status"] == "open")),
        per_status=dict(Counter(s["status"] for s in standen)),
        heropend=sum(s["traject"] > 1 for s in standen),
    )
