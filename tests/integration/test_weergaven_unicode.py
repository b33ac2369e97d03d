"""Every event the domain accepts can be stored by every view, on both backends (issue 14,
item 1): texts over the whole Unicode range (NUL, lone surrogates, RTL marks, emoji, very
long ones) in every field of a route through the application service, then every view
over the log, live and rebuilt. Before this, one NUL stopped the case list, agenda and
caseload on PostgreSQL, and one long staff id kept every view retrying for ever.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import ValidationError

from api.samenstelling import bouw_runner
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from domain.fouten import DomeinFout
from domain.invoer import Verzoek
from domain.opdrachten import PER_SEGMENT, SignaalOpDossierVerzoek, SignaalVerzoek
from infrastructure.settings import Settings
from projections import beheer
from projections.basis import lees_rijen
from projections.opslaanbaar import SLEUTEL_MAX, SLEUTELKOLOMMEN, opslaanbaar
from projections.runner import Projectierunner
from projections.samenstelling import alle_projecties
from tests.integration.conftest import maak_service

Tekst = Callable[[], str]
_RND = random.Random(14)
# Not compressible: PostgreSQL compresses index entries, so a repeated letter would fit.
LANG = "".join(chr(_RND.randrange(0x21, 0xD7FF)) for _ in range(3000))
BIJZONDER = [
    "Nul\x00Byte",
    "\x00",
    "\x01\x1f\x7f\x9f",
    "\u202eKAPOT\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "\U0010ffff\U000e0001",
    "\ufeff\ufffe\uffff",
    "e\u0301\u0308",
    "%s %% _ , ' \" \\ ;",
    "\r\n\t ",
    "",
    LANG,
    "x" * 20_000,
]
# Every code point but the surrogates, which come one per example at most (`surrogaat`):
# pydantic lets a lone one through and the event store's encoder refuses the step.
TEKENS = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)
SURROGATEN = ["a\ud800b", "\udfff", "\udbff\udbff"]
TEKSTEN = st.one_of(
    st.text(TEKENS, max_size=40),
    st.sampled_from(BIJZONDER),
    st.lists(st.sampled_from(BIJZONDER[:12]), max_size=4).map("".join),
)


def _dag(dagen: int) -> str:
    return (date.today() + timedelta(days=dagen)).isoformat()


def route(t: Tekst, anoniem: bool) -> list[tuple[str, dict[str, Any]]]:
    """The route from signal to ZAT and back, with `t()` in every text of it."""
    onderwerp = {
        "type": "leerling",
        "leerlingnummer": "n" + t(),
        "naam": t(),
        "klas": t(),
        "afdeling": t(),
        "leerjaar": 3,
    }
    inbreng = {
        "datum": _dag(-14),
        "ondersteuningsvraag": t(),
        "doel": t(),
        "waarom_nu": t(),
        "sterke_kanten": t(),
        "anoniem": anoniem,
    }
    if anoniem:
        inbreng["reden_anoniem"] = t()
    return [
        (
            "signalen",
            {
                "onderwerp": onderwerp,
                "categorieen": ["gedrag"],
                "omschrijving": t(),
                "bron": "mentor",
                "toelichting": t(),
            },
        ),
        (
            "gesprekken",
            {"met": "leerling", "datum": _dag(-20), "samenvatting": t(), "afspraken": [t(), t()]},
        ),
        ("ouders-geinformeerd", {"datum": _dag(-19), "wijze": "telefoon", "reactie": t()}),
        ("kernteam-aanmelding", {"datum": _dag(-18), "vraag": t()}),
        ("kernteambesprekingen", {"datum": _dag(-18), "advies": t(), "acties": [t()]}),
        (
            "interventies",
            {
                "soort": t(),
                "omschrijving": t(),
                "startdatum": _dag(-17),
                "evaluatiedatum": _dag(30),
            },
        ),
        (
            "contactpersoonbesprekingen",
            {"datum": _dag(-16), "advies": t(), "besluit": "inbrengen_in_ozs"},
        ),
        (
            "toestemmingen",
            {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": _dag(-15)},
        ),
        ("ozs-inbreng", inbreng),
        ("regiehouder", {"medewerker_id": t(), "naam": t()}),
        ("intern-begeleider", {"medewerker_id": t(), "naam": t()}),
        ("handelingsplan", {"doelen": [t()], "interventies": [t()], "evaluatiedatum": _dag(40)}),
        (
            "ozs-besprekingen",
            {"datum": _dag(-10), "verslag": t(), "aanwezigen": [t()], "adviezen": [t()]},
        ),
        (
            "toestemmingen",
            {"doel": "zat", "besluit": "gegeven", "door": "ouders", "datum": _dag(-9)},
        ),
        (
            "zat-verwijzing",
            {"datum": _dag(-8), "hulpvraag": t(), "ketenpartners": [t(), "jeugdarts-ggd"]},
        ),
        ("terugkoppelingen", {"aan": "mentor", "datum": _dag(-7), "inhoud": t()}),
        (
            "onderwerp-correctie",
            {"naam": t(), "klas": t(), "afdeling": t(), "reden": t()},
        ),
        ("anonimiteit-opheffing", {"reden": t()}),
        (
            "toestemmingen",
            {"doel": "zat", "besluit": "ingetrokken", "door": "ouders", "datum": _dag(-6)},
        ),
        (
            "evaluaties",
            {"datum": _dag(-5), "doelen_behaald": "ja", "conclusie": t(), "vervolg": "afsluiten"},
        ),
        ("signalen", {"categorieen": ["leren"], "omschrijving": t(), "bron": "docent"}),
    ]


def _bevat_surrogaat(waarde: Any) -> bool:
    if isinstance(waarde, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in waarde)
    if isinstance(waarde, dict):
        return any(_bevat_surrogaat(w) for w in waarde.values())
    if isinstance(waarde, list | tuple):
        return any(_bevat_surrogaat(w) for w in waarde)
    return False


def _ongecontroleerd(model: type[Verzoek], gegevens: dict[str, Any]) -> Any:
    """The command's input with its texts as given, past its model's text checks. The
    input models refuse control characters, but events stored before they did can hold
    any text, and the views must store those too: so every other field is validated as
    usual and the refused texts are put back after, as such an event holds them."""
    schoon = copy.deepcopy(gegevens)
    teruggezet: list[tuple[tuple[Any, ...], Any]] = []
    for _ in range(100):
        try:
            verzoek = model.model_validate(schoon)
            break
        except ValidationError as fout:
            for e in fout.errors():
                pad = tuple(e["loc"])
                if pad[0] == "onderwerp" and len(pad) > 2:
                    pad = (pad[0], *pad[2:])  # without the union's tag
                houder: Any = schoon
                for stap in pad[:-1]:
                    houder = houder[stap]
                teruggezet.append((pad, houder[pad[-1]]))
                houder[pad[-1]] = "x"
    for pad, waarde in teruggezet:
        houder = verzoek
        for stap in pad[:-1]:
            houder = houder[stap] if isinstance(stap, int) else getattr(houder, stap)
        if isinstance(pad[-1], int):
            houder[pad[-1]] = waarde
        else:
            object.__setattr__(houder, pad[-1], waarde)
    return verzoek


def voer_uit(service: Zorgroute, wie: Gebruiker, stappen: list[tuple[str, dict[str, Any]]]) -> int:
    """Runs the steps on one file; returns how many were stored. A refused step stores
    nothing: a domain rule, or (only for a lone surrogate) the event store's encoder."""
    casus_id = None
    opgeslagen = 0
    for handeling, gegevens in stappen:
        voor = service.opslag.recorder.max_notification_id() or 0
        try:
            if handeling == "signalen":
                signaal = _ongecontroleerd(SignaalOpDossierVerzoek, gegevens)
                resultaat = service.meld_signaal(wie, signaal, casus_id=casus_id)
            elif casus_id is None:
                break  # the file was never opened
            else:
                opdracht = _ongecontroleerd(PER_SEGMENT[handeling], gegevens)
                resultaat = service.handel(wie, casus_id, opdracht)
        except DomeinFout:
            assert (service.opslag.recorder.max_notification_id() or 0) == voor
            continue
        except (TypeError, ValueError):
            if not (
                _bevat_surrogaat(gegevens) or _bevat_surrogaat([wie.sub, wie.naam, wie.school])
            ):
                raise
            assert (service.opslag.recorder.max_notification_id() or 0) == voor
            continue
        casus_id = resultaat.casus_id
        opgeslagen += 1
    return opgeslagen


def alle_actief(runner: Projectierunner) -> None:
    """Every view processed the whole log: none stopped, none behind."""
    einde = runner.gebeurtenislog.einde()
    standen = {s["naam"]: s for s in beheer.status(runner)}
    assert set(standen) == {p.naam for p in alle_projecties()}
    for naam, stand in standen.items():
        assert stand["status"] == "actief", (naam, stand["fout"])
        assert stand["positie"] == einde, naam


@pytest.fixture
def opzet(settings: Settings) -> Iterator[tuple[Zorgroute, Projectierunner]]:
    service = maak_service(settings)
    runner = bouw_runner(settings, service)
    try:
        yield service, runner
    finally:
        runner.opslag.sluit()
        service.close()


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    teksten=st.lists(TEKSTEN, min_size=60, max_size=60),
    school=st.one_of(st.just("99XX"), TEKSTEN.filter(bool)),
    sub=TEKSTEN.filter(bool),
    naam=TEKSTEN,
    anoniem=st.booleans(),
    surrogaat=st.one_of(st.none(), st.tuples(st.integers(0, 59), st.sampled_from(SURROGATEN))),
)
def test_every_view_stores_every_event_the_domain_accepts(
    opzet: tuple[Zorgroute, Projectierunner],
    teksten: list[str],
    school: str,
    sub: str,
    naam: str,
    anoniem: bool,
    surrogaat: tuple[int, str] | None,
) -> None:
    service, runner = opzet
    wie = Gebruiker(sub=sub, naam=naam, rol="zorgcoordinator", school=school)
    if surrogaat is not None:
        teksten[surrogaat[0]] = surrogaat[1]
    volgende = iter(teksten * 2)
    opgeslagen = voer_uit(service, wie, route(lambda: next(volgende), anoniem))
    event(f"stappen opgeslagen: {opgeslagen // 5 * 5}+")

    runner.verwerk_beschikbaar()

    alle_actief(runner)


def test_a_rebuild_stores_them_too_and_the_file_keeps_its_own_text(
    opzet: tuple[Zorgroute, Projectierunner],
) -> None:
    service, runner = opzet
    opgeslagen = 0
    for ronde in range(len(BIJZONDER)):
        # Each special text in every field once, a long id as staff id and as sub.
        teksten = iter((BIJZONDER[ronde:] + BIJZONDER[:ronde]) * 10)
        wie = Gebruiker(
            sub=LANG if ronde % 2 else f"zc-\x00{ronde}",
            naam=BIJZONDER[ronde],
            rol="zorgcoordinator",
            school="99XX",
        )
        opgeslagen += voer_uit(service, wie, route(teksten.__next__, ronde % 3 == 0))
    assert opgeslagen > 3 * len(BIJZONDER)  # most of each route was stored
    runner.verwerk_beschikbaar()
    alle_actief(runner)
    live = _alle_rijen(runner)

    beheer.herbouw_alle(runner)  # on PostgreSQL into fresh tables by COPY

    alle_actief(runner)
    assert _alle_rijen(runner) == live
    # The file keeps what was stored; the view holds NUL as U+FFFD.
    wie = Gebruiker(sub="zc-1", naam="Z", rol="zorgcoordinator", school="99XX")
    signaal = route(lambda: "Nul\x00Byte", False)[0][1]
    casus = service.meld_signaal(
        wie,
        _ongecontroleerd(
            SignaalVerzoek,
            {**signaal, "onderwerp": {**signaal["onderwerp"], "leerlingnummer": "nieuw"}},
        ),
    )
    runner.verwerk_beschikbaar()
    assert service.lees(wie, casus.casus_id)["onderwerp"]["naam"] == "Nul\x00Byte"
    with runner.opslag.lezen() as cur:
        rij = lees_rijen(cur, "pv_casussen", {str(casus.casus_id)})[str(casus.casus_id)]
    assert rij["naam"] == "Nul\ufffdByte" == opslaanbaar(["Nul\x00Byte"])[0]


def _alle_rijen(runner: Projectierunner) -> dict[str, list[str]]:
    uitkomst = {}
    with runner.opslag.lezen() as cur:
        for projectie in alle_projecties():
            for tabel in projectie.tabellen:
                rijen = cur.execute(f"SELECT * FROM {projectie.t(tabel)}").fetchall()
                uitkomst[tabel] = sorted(repr(sorted(r.items())) for r in rijen)
    return uitkomst


def test_every_indexed_text_column_fed_from_outside_is_bounded() -> None:
    """The views' indexed text columns are bounded (`SLEUTELKOLOMMEN`) or hold ids, dates
    and closed vocabularies only: a new index on free text must be added there."""
    vast = {
        "casus_id",
        "positie",
        "status",
        "niveau",
        "gewijzigd_op",
        "tijdstip",
        "datum",
        "schooljaar",
    }
    for projectie in alle_projecties():
        for definitie in projectie.indexen.values():
            kolommen = {k.strip() for k in definitie.partition(":")[2].split(",")}
            assert kolommen <= vast | SLEUTELKOLOMMEN, (projectie.naam, kolommen)
    assert SLEUTEL_MAX * 4 * 3 < 2704  # three bounded columns fit one btree entry
