"""One school full of files, each in a known relation to a fixed cast of staff: built once
per backend and module, and shared by the access matrix and the access-log tests.

The facts of every file (`Feiten`) are written down here by hand, next to the steps that
build it; `controleer_feiten` reads the built files back, so a test that reasons from the
facts reasons about what is really stored.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from pydantic import SecretStr

from api.app import create_app
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from projections import beheer
from tests.e2e.conftest import ANDERE_SCHOOL, SCHOOL, Medewerker, Omgeving, dag, signaal

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]

ROLLEN = (
    "mentor",
    "docent",
    "zorgcoordinator",
    "teamleider",
    "intern_begeleider",
    "zorgteam",
    "extern",
    "swv",
    "auditor",
    "beheerder",
)

# Free texts that must never reach someone who may not see them; unique, so a search of a
# whole response body finds them wherever they hide.
TEKST_VOOR_VERWIJZING = "VOOR-VERWIJZING: moeder belt over slapeloosheid"
TEKST_NA_VERWIJZING = "NA-VERWIJZING: jeugdarts vraagt om schoolrapport"
TEKST_MENTOR = "MENTORSIGNAAL: huilt in de pauze"
TEKST_DOCENT = "DOCENTSIGNAAL: huiswerk nooit af bij wiskunde"
TEKST_TERUGKOPPELING = "TERUGKOPPELING-SIGNAALGEVER: besproken, mentor pakt het op"
TEKST_AAN_MENTOR = "TERUGKOPPELING-MENTOR: thuissituatie onrustig"


@dataclass(frozen=True)
class Persoon:
    """Who a matrix caller is (the token's claims)."""

    rol: str
    sub: str
    school: str | None = SCHOOL
    klassen: tuple[str, ...] = ()
    afdeling: str | None = None
    scholen: tuple[str, ...] = ()


# The cast: one person per role. Their relations to the files follow from the facts below.
CAST: dict[str, Persoon] = {
    "mentor": Persoon("mentor", "m-1", klassen=("2A",)),
    "docent": Persoon("docent", "d-1"),
    "zorgcoordinator": Persoon("zorgcoordinator", "zc-1"),
    "teamleider": Persoon("teamleider", "tl-1", afdeling="havo"),
    "intern_begeleider": Persoon("intern_begeleider", "ib-1"),
    "zorgteam": Persoon("zorgteam", "zt-1"),
    "extern": Persoon("extern", "ex-1"),
    "swv": Persoon("swv", "swv-1", school=None, scholen=(SCHOOL, ANDERE_SCHOOL)),
    "auditor": Persoon("auditor", "au-1"),
    "beheerder": Persoon("beheerder", "bh-1"),
}


@dataclass(frozen=True)
class Feiten:
    """What is true of a file, as far as access is concerned (written down by hand)."""

    klas: str
    afdeling: str
    niveau: str = "mentor"
    school: str = SCHOOL
    is_klas: bool = False
    regiehouder: str | None = None
    intern_begeleider: str | None = None
    anoniem: bool = False
    zat_toestemming: bool = False
    signaalgevers: frozenset[str] = frozenset({"zc-1"})
    naam: str | None = None
    leerlingnummer: str | None = None

    def noemt_leerling(self, tekst: str) -> bool:
        """Does `tekst` carry this pupil's name or number (not as digits of a timestamp)?"""
        if self.naam and self.naam in tekst:
            return True
        nummer = self.leerlingnummer
        return bool(nummer and re.search(rf"(?<![\d.]){nummer}(?!\d)", tekst))


DOSSIERS: dict[str, Feiten] = {
    # Mentor m-1's class; the docent reported a signal here too.
    "eigen_klas": Feiten(
        "2A",
        "havo",
        signaalgevers=frozenset({"m-1", "d-1"}),
        naam="Anna Eigenklas",
        leerlingnummer="900001",
    ),
    "andere_klas": Feiten("3C", "havo", naam="Bram Anderklas", leerlingnummer="900002"),
    "klascasus_eigen_klas": Feiten("2A", "havo", is_klas=True),
    "gekoppeld": Feiten(
        "3C",
        "vmbo",
        niveau="ozs",
        regiehouder="zt-2",
        intern_begeleider="ib-1",
        naam="Cas Gekoppeld",
        leerlingnummer="900003",
    ),
    "niet_gekoppeld": Feiten(
        "3C",
        "vmbo",
        niveau="ozs",
        regiehouder="zt-2",
        intern_begeleider="ib-2",
        naam="Daan Nietgekoppeld",
        leerlingnummer="900004",
    ),
    # Back at mentor level after an evaluation: zorgteam member zt-1 reads it only as
    # its regiehouder (who stays on record).
    "regiehouder": Feiten(
        "4D",
        "vmbo",
        niveau="mentor",
        regiehouder="zt-1",
        intern_begeleider="ib-2",
        naam="Eva Regie",
        leerlingnummer="900005",
    ),
    "andere_afdeling": Feiten("4D", "vmbo", naam="Fleur Andereafdeling", leerlingnummer="900006"),
    "zat_met_toestemming": Feiten(
        "3C",
        "vmbo",
        niveau="extern",
        regiehouder="zt-2",
        zat_toestemming=True,
        naam="Gijs Verwezen",
        leerlingnummer="900007",
    ),
    "zat_toestemming_niet_verwezen": Feiten(
        "3C",
        "vmbo",
        niveau="ozs",
        regiehouder="zt-2",
        zat_toestemming=True,
        naam="Hanna Nietverwezen",
        leerlingnummer="900008",
    ),
    "zat_toestemming_ingetrokken": Feiten(
        "3C",
        "vmbo",
        niveau="extern",
        regiehouder="zt-2",
        zat_toestemming=False,
        naam="Ivo Ingetrokken",
        leerlingnummer="900009",
    ),
    # In mentor m-1's class and the teamleider's department; IB ib-1 is coupled.
    "anoniem": Feiten(
        "2A",
        "havo",
        niveau="ozs",
        regiehouder="zt-2",
        intern_begeleider="ib-1",
        anoniem=True,
        naam="Jet Anoniem",
        leerlingnummer="900010",
    ),
    # Every relation the cast could have, but at another school.
    "andere_school": Feiten(
        "2A",
        "havo",
        niveau="extern",
        school=ANDERE_SCHOOL,
        regiehouder="zt-1",
        intern_begeleider="ib-1",
        zat_toestemming=True,
        signaalgevers=frozenset({"zc-1", "d-1"}),
        naam="Kees Anderschool",
        leerlingnummer="900011",
    ),
}


@dataclass
class Scenario:
    backend: str
    omgeving: Omgeving
    settings: Settings
    ids: dict[str, str]
    teksten: dict[str, list[str]] = field(default_factory=dict)  # file → its free texts

    @property
    def client(self) -> TestClient:
        return self.omgeving.client

    @property
    def logboek(self) -> Toegangslog:
        logboek = self.client.app.state.service.poortwachter.logboek  # type: ignore[attr-defined]
        assert isinstance(logboek, Toegangslog)
        return logboek

    def als(self, rol: str, **kw: Any) -> Medewerker:
        """The cast member of this role; `kw` overrides claims (another person, school)."""
        p = CAST[rol]
        claims: dict[str, Any] = {
            "sub": p.sub,
            "naam": f"Matrix {rol}",
            "klassen": list(p.klassen) or None,
            "afdeling": p.afdeling,
            "scholen": list(p.scholen) or None,
        }
        claims.update(kw)
        school = claims.pop("school", p.school)
        return self.omgeving.als(rol, school=school, **claims)

    def zoek_log(self, **kw: Any) -> list[dict[str, Any]]:
        kw.setdefault("school", SCHOOL)
        return self.logboek.zoek(**kw)


# ---- building ---------------------------------------------------------------------------


def _onderwerp(naam: str, f: Feiten) -> dict[str, Any]:
    if f.is_klas:
        return {"type": "klas", "klas": f.klas, "afdeling": f.afdeling, "leerjaar": 2}
    return {
        "type": "leerling",
        "leerlingnummer": f.leerlingnummer,
        "naam": f.naam,
        "klas": f.klas,
        "afdeling": f.afdeling,
        "leerjaar": 2,
    }


class _Bouwer:
    def __init__(self, zc: Medewerker) -> None:
        self.zc = zc
        self.positie = 0

    def doe(self, wie: Medewerker, pad: str, body: dict[str, Any]) -> dict[str, Any]:
        antwoord = wie.post(pad, body)
        assert antwoord.status_code in (200, 201), f"{pad}: {antwoord.text}"
        gegevens = dict(antwoord.json())
        self.positie = max(self.positie, int(gegevens.get("positie") or 0))
        return gegevens

    def stap(self, cid: str, handeling: str, body: dict[str, Any]) -> None:
        self.doe(self.zc, f"/casussen/{cid}/{handeling}", body)

    def naar_ozs(self, cid: str, *, anoniem: bool = False) -> None:
        inbreng: dict[str, Any] = {
            "datum": dag(-20),
            "ondersteuningsvraag": "Wat heeft deze leerling nodig?",
            "doel": "Weer met plezier naar school",
            "waarom_nu": "Het verzuim loopt op",
            "sterke_kanten": "Behulpzaam",
        }
        if anoniem:
            inbreng |= {"anoniem": True, "reden_anoniem": "Veiligheid van de leerling"}
        else:
            self.stap(cid, "ouders-geinformeerd", {"datum": dag(-21), "wijze": "telefoon"})
            self.toestemming(cid, "ozs", "gegeven")
        self.stap(cid, "ozs-inbreng", inbreng)

    def toestemming(self, cid: str, doel: str, besluit: str) -> None:
        body = {"doel": doel, "besluit": besluit, "door": "ouders", "datum": dag(-19)}
        self.stap(cid, "toestemmingen", body)

    def benoem(self, cid: str, f: Feiten) -> None:
        if f.regiehouder:
            body = {"medewerker_id": f.regiehouder, "naam": f"Regiehouder {f.regiehouder}"}
            self.stap(cid, "regiehouder", body)
        if f.intern_begeleider:
            body = {"medewerker_id": f.intern_begeleider, "naam": f"IB {f.intern_begeleider}"}
            self.stap(cid, "intern-begeleider", body)

    def verwijs(self, cid: str) -> None:
        self.toestemming(cid, "zat", "gegeven")
        self.stap(
            cid,
            "zat-verwijzing",
            {"datum": dag(-5), "hulpvraag": "Integraal overleg", "ketenpartners": ["jeugdarts"]},
        )


def bouw(omgeving: Omgeving) -> tuple[dict[str, str], dict[str, list[str]], int]:
    """Build every file of `DOSSIERS`; returns their ids, their free texts and the last
    log position."""
    zc = omgeving.als("zorgcoordinator", sub="zc-1", naam="Zorgcoördinator Zus")
    bouwer = _Bouwer(zc)
    ids: dict[str, str] = {}
    teksten: dict[str, list[str]] = {}
    for naam, f in DOSSIERS.items():
        if naam == "andere_school":
            continue
        eerste = TEKST_MENTOR if naam == "eigen_klas" else TEKST_VOOR_VERWIJZING
        melder = omgeving.als("mentor", sub="m-1", klassen=["2A"]) if naam == "eigen_klas" else zc
        body = signaal(_onderwerp(naam, f), omschrijving=f"{eerste} ({naam})")
        cid = str(bouwer.doe(melder, "/signalen", body)["casus_id"])
        ids[naam] = cid
        teksten[naam] = [f"{eerste} ({naam})"]
        if f.niveau in ("ozs", "extern") or f.regiehouder:
            bouwer.naar_ozs(cid, anoniem=f.anoniem)
            bouwer.benoem(cid, f)
        if naam == "eigen_klas":
            docent = omgeving.als("docent", sub="d-1")
            bouwer.doe(docent, f"/casussen/{cid}/signalen", signaal(omschrijving=TEKST_DOCENT))
            teksten[naam].append(TEKST_DOCENT)
            for aan, inhoud in (
                ("signaalgever", TEKST_TERUGKOPPELING),
                ("mentor", TEKST_AAN_MENTOR),
            ):
                bouwer.stap(cid, "terugkoppelingen", {"aan": aan, "datum": dag(), "inhoud": inhoud})
        if naam == "regiehouder":
            plan = {"doelen": ["Op tijd"], "interventies": ["Check-in"], "evaluatiedatum": dag(-2)}
            bouwer.stap(cid, "handelingsplan", plan)
            evaluatie = {
                "datum": dag(-1),
                "doelen_behaald": "ja",
                "conclusie": "Gaat goed",
                "vervolg": "terug_naar_mentor",
            }
            bouwer.stap(cid, "evaluaties", evaluatie)
        if naam == "zat_toestemming_niet_verwezen":
            bouwer.toestemming(cid, "zat", "gegeven")
        if naam in ("zat_met_toestemming", "zat_toestemming_ingetrokken"):
            bouwer.verwijs(cid)
            body = signaal(omschrijving=f"{TEKST_NA_VERWIJZING} ({naam})")
            bouwer.doe(zc, f"/casussen/{cid}/signalen", body)
            teksten[naam].append(f"{TEKST_NA_VERWIJZING} ({naam})")
        if naam == "zat_toestemming_ingetrokken":
            bouwer.toestemming(cid, "zat", "ingetrokken")

    # The other school: every relation the cast could have, with the same staff ids.
    f = DOSSIERS["andere_school"]
    zc_ander = omgeving.als("zorgcoordinator", school=ANDERE_SCHOOL, sub="zc-1")
    ander = _Bouwer(zc_ander)
    cid = str(ander.doe(zc_ander, "/signalen", signaal(_onderwerp("andere_school", f)))["casus_id"])
    docent_ander = omgeving.als("docent", school=ANDERE_SCHOOL, sub="d-1")
    ander.doe(docent_ander, f"/casussen/{cid}/signalen", signaal(omschrijving=TEKST_DOCENT))
    ander.naar_ozs(cid)
    ander.benoem(cid, f)
    ander.verwijs(cid)
    ids["andere_school"] = cid
    teksten["andere_school"] = [TEKST_DOCENT]
    return ids, teksten, max(bouwer.positie, ander.positie)


def controleer_feiten(scenario: Scenario) -> None:
    """The built files are what `DOSSIERS` says they are (read as their zorgcoördinator)."""
    for naam, f in DOSSIERS.items():
        zc = scenario.als("zorgcoordinator", school=f.school)
        casus = zc.lees(scenario.ids[naam])
        regiehouder = (casus["regiehouder"] or {}).get("medewerker_id")
        ib = (casus["intern_begeleider"] or {}).get("medewerker_id")
        zat = (casus["toestemmingen"].get("zat") or {}).get("besluit") == "gegeven"
        gevers = frozenset(s["gemeld_door"]["id"] for s in casus["signalen"])
        gevonden = (
            casus["onderwerp"]["klas"],
            casus["onderwerp"]["afdeling"],
            casus["niveau"],
            casus["school"],
            casus["onderwerp"]["type"] == "klas",
            regiehouder,
            ib,
            casus["anoniem"],
            zat,
            gevers,
        )
        verwacht = (
            f.klas,
            f.afdeling,
            f.niveau,
            f.school,
            f.is_klas,
            f.regiehouder,
            f.intern_begeleider,
            f.anoniem,
            f.zat_toestemming,
            f.signaalgevers,
        )
        assert gevonden == verwacht, f"{naam}: gebouwd {gevonden}, verwacht {verwacht}"


# ---- one app per backend and module -----------------------------------------------------


@contextlib.contextmanager
def _database_url(
    backend: str, request: pytest.FixtureRequest, tmp: pytest.TempPathFactory
) -> Iterator[str]:
    if backend == "sqlite":
        map_: Path = tmp.mktemp("toegang")
        yield f"sqlite:///{map_ / 'zorgroute.sqlite'}"
        return
    basis: str = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(basis, autocommit=True) as verbinding:
        verbinding.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield f"{basis}{'&' if '?' in basis else '?'}schema={schema}"
    finally:
        with psycopg.connect(basis, autocommit=True) as verbinding:
            verbinding.execute("SET lock_timeout = '5s'")
            with contextlib.suppress(psycopg.Error):
                verbinding.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def scenario_voor(request: pytest.FixtureRequest) -> Iterator[Scenario]:
    """The body of a module-scoped fixture parametrized with `BACKENDS`."""
    backend = str(request.param)
    tmp: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    with _database_url(backend, request, tmp) as url:
        settings = Settings(
            database_url=url,
            jwt_secret=SecretStr(secrets.token_urlsafe(32)),
            id_sleutel=SecretStr(secrets.token_urlsafe(32)),
        )
        with TestClient(create_app(settings)) as client:
            omgeving = Omgeving(client, settings)
            ids, teksten, positie = bouw(omgeving)
            runner = client.app.state.runner  # type: ignore[attr-defined]
            assert beheer.wacht_tot(runner, positie, None, timeout=30), "weergaven lopen achter"
            scenario = Scenario(backend, omgeving, settings, ids, teksten)
            controleer_feiten(scenario)
            yield scenario
