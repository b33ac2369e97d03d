"""Stable topics: stored events name their class by an explicit `zorgroute:` topic, never by
a Python module path, so moving or renaming a module never makes stored events unreadable."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import construct_topic, get_topic, resolve_topic

from application.gebruiker import Gebruiker
from application.idempotentie import IdempotentieSleutel
from application.service import Zorgroute
from domain.casus import Casus
from domain.opdrachten import SignaalOpDossierVerzoek, SignaalVerzoek, opdracht_voor
from infrastructure.opslag import Eventsourcingopslag
from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import Settings
from infrastructure.transcoding import OrjsonTranscoder, PydanticMapper

PROJECT = Path(__file__).resolve().parents[2]
ZOCO = Gebruiker(sub="zoco-1", naam="Zorgcoördinator", rol="zorgcoordinator", school="99XX")
TOPIC_VORM = re.compile(r"zorgroute:[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)?")


def _gebeurtenisklassen(aggregaat: type) -> list[type]:
    return [
        waarde
        for naam, waarde in vars(aggregaat).items()
        if isinstance(waarde, type) and issubclass(waarde, CanMutateAggregate) and naam != "Event"
    ]


GEBEURTENISKLASSEN = _gebeurtenisklassen(Casus) + _gebeurtenisklassen(IdempotentieSleutel)
VERWACHTE_CASUS_EVENTS = {
    "CasusGeopend", "SignaalGemeld", "CasusHeropend", "GesprekGevoerd", "OudersGeinformeerd",
    "AangemeldVoorKernteam", "BesprokenInKernteam", "InterventieIngezet",
    "BesprokenMetContactpersoonZorg", "ToestemmingGegeven", "ToestemmingGeweigerd",
    "ToestemmingIngetrokken", "IngebrachtInOZS", "RegiehouderBenoemd",
    "InternBegeleiderGekoppeld", "HandelingsplanVastgesteld", "OPPVastgesteld", "BesprokenInOZS",
    "TerugkoppelingGegeven", "EvaluatieUitgevoerd", "DoorverwezenNaarZAT", "CasusAfgesloten",
}  # fmt: skip


def test_every_event_of_the_brief_is_a_class_on_casus() -> None:
    namen = {k.__name__ for k in _gebeurtenisklassen(Casus)}
    assert namen >= VERWACHTE_CASUS_EVENTS


@pytest.mark.parametrize(
    "klasse", [Casus, IdempotentieSleutel, *GEBEURTENISKLASSEN], ids=lambda k: k.__qualname__
)
def test_every_class_has_its_own_explicit_zorgroute_topic(klasse: type) -> None:
    # eventsourcing wraps an @event class in a same-named subclass; the TOPIC must be
    # written on the class as declared, not inherited from a generic base such as Event.
    bron = next(k for k in klasse.__mro__ if "TOPIC" in vars(k))
    assert bron.__qualname__ == klasse.__qualname__, f"TOPIC inherited from {bron.__qualname__}"
    topic = vars(bron)["TOPIC"]
    assert TOPIC_VORM.fullmatch(topic), topic
    # No Python module path in it: neither the module nor any package name.
    assert klasse.__module__ not in topic
    assert not any(deel in topic for deel in ("domain", "application", "casus:", "idempotentie"))
    assert get_topic(klasse) == topic
    assert resolve_topic(topic) is klasse


def test_topics_are_unique() -> None:
    topics = [k.TOPIC for k in (Casus, IdempotentieSleutel, *GEBEURTENISKLASSEN)]  # type: ignore[attr-defined]
    assert len(topics) == len(set(topics))


def test_topic_does_not_follow_the_module_when_the_class_moves() -> None:
    """Pretend every class was moved to another module: the topic it is stored under stays."""
    klassen = [Casus, IdempotentieSleutel, *GEBEURTENISKLASSEN]
    voor = {k: construct_topic(k) for k in klassen}
    oud = {k: k.__module__ for k in klassen}
    try:
        for k in klassen:
            k.__module__ = "ergens.anders.verhuisd"
        assert {k: construct_topic(k) for k in klassen} == voor
        # And an event encoded now carries the same topic.
        mapper = PydanticMapper(transcoder=OrjsonTranscoder())
        casus = Casus(
            id=UUID(int=1),
            school="99XX",
            onderwerp=_onderwerp_model(),
            actor=ZOCO.actor,
            toelichting=None,
        )
        [geopend] = casus.collect_events()
        assert mapper.to_stored_event(geopend).topic == "zorgroute:CasusGeopend"
    finally:
        for k, module in oud.items():
            k.__module__ = module


def _onderwerp_model() -> Any:
    from domain.waarden import Onderwerp

    return Onderwerp(type="leerling", leerlingnummer="1", klas="2A", afdeling="havo", leerjaar=2)


# ---- stored events ------------------------------------------------------------------------------


def _d(dagen: int) -> str:
    # The route lies in the past: what happened is never after today.
    return (date.today() - timedelta(days=50) + timedelta(days=dagen)).isoformat()


def _heel_traject(app: Zorgroute) -> UUID:
    """A pupil through every event of the brief (and an idempotency key), then reopened."""
    casus_id = app.meld_signaal(
        ZOCO,
        SignaalVerzoek.model_validate(
            {
                "onderwerp": {
                    "type": "leerling",
                    "leerlingnummer": "777",
                    "naam": "Piet Puk",
                    "klas": "2A",
                    "afdeling": "havo",
                    "leerjaar": 2,
                },
                "categorieen": ["leren"],
                "omschrijving": "Zorg.",
                "bron": "docent",
            }
        ),
        idempotentie_sleutel="eerste-signaal",
    ).casus_id
    stappen: list[tuple[str, dict[str, Any]]] = [
        ("gesprekken", {"met": "leerling", "datum": _d(0), "samenvatting": "s"}),
        ("ouders-geinformeerd", {"datum": _d(0), "wijze": "telefoon"}),
        ("kernteam-aanmelding", {"datum": _d(1), "vraag": "v"}),
        ("kernteambesprekingen", {"datum": _d(1), "advies": "a"}),
        ("interventies", {"soort": "s", "omschrijving": "o", "startdatum": _d(1), "evaluatiedatum": _d(30)}),
        ("contactpersoonbesprekingen", {"datum": _d(2), "advies": "a", "besluit": "inbrengen_in_ozs"}),
        ("toestemmingen", {"doel": "swv", "besluit": "geweigerd", "door": "ouders", "datum": _d(2)}),
        ("toestemmingen", {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": _d(2)}),
        ("ozs-inbreng", {"datum": _d(3), "ondersteuningsvraag": "o", "doel": "d", "waarom_nu": "w", "sterke_kanten": "s"}),
        ("regiehouder", {"medewerker_id": "zt-1", "naam": "R"}),
        ("intern-begeleider", {"medewerker_id": "ib-1", "naam": "I"}),
        ("handelingsplan", {"doelen": ["d"], "evaluatiedatum": _d(40)}),
        ("opp", {"uitstroomperspectief": "havo", "doelen": ["d"], "evaluatiedatum": _d(200), "instemming_ouders": True}),
        ("ozs-besprekingen", {"datum": _d(31), "verslag": "v"}),
        ("terugkoppelingen", {"aan": "mentor", "datum": _d(31), "inhoud": "i"}),
        ("toestemmingen", {"doel": "zat", "besluit": "gegeven", "door": "ouders", "datum": _d(32)}),
        ("zat-verwijzing", {"datum": _d(33), "hulpvraag": "h", "ketenpartners": ["jeugdarts"]}),
        ("toestemmingen", {"doel": "zat", "besluit": "ingetrokken", "door": "ouders", "datum": _d(34)}),
        ("evaluaties", {"datum": _d(40), "doelen_behaald": "ja", "conclusie": "c", "vervolg": "terug_naar_mentor"}),
        ("afsluiting", {"datum": _d(41), "reden": "doelen_behaald"}),
    ]  # fmt: skip
    for handeling, gegevens in stappen:
        app.handel(ZOCO, casus_id, opdracht_voor(handeling, gegevens))
    app.meld_signaal(
        ZOCO,
        SignaalOpDossierVerzoek.model_validate(
            {"categorieen": ["gedrag"], "omschrijving": "Weer zorg.", "bron": "mentor"}
        ),
        casus_id=casus_id,
    )
    return casus_id


@pytest.fixture
def opgeslagen(settings: Settings) -> Iterator[tuple[dict[str, str], bytes, UUID, dict[str, Any]]]:
    """A database holding one file through every event; yields env, key, id and its view."""
    env = eventsourcing_env(settings)
    sleutel = settings.id_sleutel.get_secret_value().encode()  # type: ignore[union-attr]
    app = Zorgroute(Eventsourcingopslag(env), id_sleutel=sleutel)
    try:
        casus_id = _heel_traject(app)
        yield env, sleutel, casus_id, app.lees(ZOCO, casus_id)
    finally:
        app.close()


def test_stored_topics_are_exactly_the_explicit_topics(
    opgeslagen: tuple[dict[str, str], bytes, UUID, dict[str, Any]],
) -> None:
    env, sleutel, casus_id, _ = opgeslagen
    app = Zorgroute(Eventsourcingopslag(env), id_sleutel=sleutel)
    try:
        notificaties = app.opslag.recorder.select_notifications(start=1, limit=1000)
        toegestaan = {k.TOPIC for k in GEBEURTENISKLASSEN}  # type: ignore[attr-defined]
        topics = [n.topic for n in notificaties]
        assert set(topics) <= toegestaan
        casus_topics = [n.topic for n in notificaties if n.originator_id == casus_id]
        assert set(casus_topics) == {f"zorgroute:{naam}" for naam in VERWACHTE_CASUS_EVENTS}
        assert "zorgroute:IdempotentieSleutelVastgelegd" in topics
        # The aggregate class is stored by topic too, inside each creation event.
        for n in notificaties:
            state = orjson.loads(n.state)
            if "originator_topic" in state:
                assert state["originator_topic"] in {
                    "zorgroute:Casus",
                    "zorgroute:IdempotentieSleutel",
                }
        for topic in topics:
            assert "domain" not in topic and "application" not in topic
    finally:
        app.close()


# ---- a real move: read the stored events with the domain under another module name -------------

LEZER = r"""
import importlib.abc, json, sys

class Verboden(importlib.abc.MetaPathFinder):
    # The old module paths are gone: importing them fails, as after a move.
    def find_spec(self, naam, pad=None, doel=None):
        if naam.split(".")[0] in ("domain", "application"):
            raise ImportError(f"{naam} is verhuisd")
        return None

sys.meta_path.insert(0, Verboden())

from uuid import UUID
from eventsourcing.application import Application
import verhuisd_domein.casus as casus_module
import verhuisd_domein.sleutel as sleutel_module

class Zorgroute(Application):
    name = "Zorgroute"

from eventsourcing.utils import resolve_topic
try:
    # Control: a topic made of the old module path would no longer resolve here.
    resolve_topic("domain.casus:Casus.SignaalGemeld")
    oud_pad_onleesbaar = False
except Exception:
    oud_pad_onleesbaar = True

opdracht = json.loads(sys.argv[1])
app = Zorgroute(env=opdracht["env"])
casus = app.repository.get(UUID(opdracht["casus_id"]))
sleutels = [
    app.repository.get(n.originator_id)
    for n in app.recorder.select_notifications(start=1, limit=1000)
    if n.topic == "zorgroute:IdempotentieSleutelVastgelegd"
]
print(json.dumps({
    "klasse": f"{type(casus).__module__}.{type(casus).__qualname__}",
    "oud_pad_onleesbaar": oud_pad_onleesbaar,
    "sleutelklasse": sorted({type(s).__module__ for s in sleutels}),
    "sleutelantwoorden": [s.antwoord for s in sleutels],
    "geladen": sorted(m for m in sys.modules if m.split(".")[0] in ("domain", "application")),
    "versie": casus.version,
    "status": casus.status,
    "niveau": casus.niveau,
    "traject": casus.traject,
    "signalen": len(casus.signalen),
    "regiehouder": casus.regiehouder and casus.regiehouder.model_dump(),
    "toestemmingen": {d: t.besluit for d, t in casus.toestemmingen.items()},
}))
"""


def _verhuis_domein(doel: Path) -> None:
    """Copy domain/ (and the idempotency aggregate) into a package with another name."""
    pakket = doel / "verhuisd_domein"
    shutil.copytree(PROJECT / "domain", pakket, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "application" / "idempotentie.py", pakket / "sleutel.py")
    for bestand in pakket.rglob("*.py"):
        tekst = bestand.read_text()
        tekst = re.sub(r"\bfrom domain\b", "from verhuisd_domein", tekst)
        tekst = re.sub(r"\bimport domain\b", "import verhuisd_domein", tekst)
        assert not re.search(r"\b(from|import) (domain|application)\b", tekst), bestand
        bestand.write_text(tekst)


def test_stored_events_stay_readable_after_the_domain_module_moves(
    opgeslagen: tuple[dict[str, str], bytes, UUID, dict[str, Any]], tmp_path: Path
) -> None:
    env, _, casus_id, weergave = opgeslagen
    _verhuis_domein(tmp_path)
    omgeving = {
        **os.environ,
        # The project root stays importable (infrastructure for the mapper), but domain/
        # and application/ are blocked inside the subprocess.
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(PROJECT)]),
    }
    resultaat = subprocess.run(
        [sys.executable, "-c", LEZER, json.dumps({"env": env, "casus_id": str(casus_id)})],
        capture_output=True,
        text=True,
        timeout=60,
        env=omgeving,
        cwd=tmp_path,
        check=False,
    )
    assert resultaat.returncode == 0, resultaat.stderr
    gelezen = json.loads(resultaat.stdout.strip().splitlines()[-1])
    assert gelezen["klasse"] == "verhuisd_domein.casus.Casus"
    assert gelezen["geladen"] == []
    assert gelezen["oud_pad_onleesbaar"] is True
    assert gelezen["sleutelklasse"] == ["verhuisd_domein.sleutel"]
    assert gelezen["sleutelantwoorden"][0]["casus_id"] == str(casus_id)
    assert gelezen["versie"] == weergave["versie"]
    assert gelezen["status"] == weergave["status"] == "open"
    assert gelezen["niveau"] == weergave["niveau"] == "mentor"
    assert gelezen["traject"] == weergave["traject"] == 2
    assert gelezen["signalen"] == len(weergave["signalen"]) == 2
    assert gelezen["regiehouder"] == weergave["regiehouder"]
    assert gelezen["toestemmingen"] == {
        d: t["besluit"] for d, t in weergave["toestemmingen"].items()
    }
