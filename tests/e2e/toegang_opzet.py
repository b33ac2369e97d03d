"""One school full of files, each in a known relation to a fixed cast of staff, shared by
the access matrix and the access-log tests: the cast, the facts of every file (`Feiten`,
written down here by hand) and the `Scenario` a test gets. `toegang_bouw` builds it
(once per backend and module, as the `scenario` fixture) and `controleer_feiten` reads
the built files back, so a test that reasons from the facts reasons about what is
really stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from tests.e2e.conftest import ANDERE_SCHOOL, SCHOOL, Medewerker, Omgeving

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
    organisatie: str | None = None  # an external partner's organisation


# The organisations of ZAT partners: the cast's partner works for the first.
EIGEN_ORGANISATIE, ANDERE_ORGANISATIE, DERDE_ORGANISATIE = (
    "jeugdarts-ggd",
    "wijkteam-noord",
    "leerplicht-zuid",
)

# The cast: one person per role. Their relations to the files follow from the facts below.
CAST: dict[str, Persoon] = {
    "mentor": Persoon("mentor", "m-1", klassen=("2A",)),
    "docent": Persoon("docent", "d-1"),
    "zorgcoordinator": Persoon("zorgcoordinator", "zc-1"),
    "teamleider": Persoon("teamleider", "tl-1", afdeling="havo"),
    "intern_begeleider": Persoon("intern_begeleider", "ib-1"),
    "zorgteam": Persoon("zorgteam", "zt-1"),
    "extern": Persoon("extern", "ex-1", organisatie=EIGEN_ORGANISATIE),
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
    ketenpartners: tuple[str, ...] = ()  # the organisations the standing ZAT referral names
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
    # Referred to the cast partner's organisation (and another), consent standing.
    "zat_met_toestemming": Feiten(
        "3C",
        "vmbo",
        niveau="extern",
        regiehouder="zt-2",
        zat_toestemming=True,
        ketenpartners=(ANDERE_ORGANISATIE, EIGEN_ORGANISATIE),
        naam="Gijs Verwezen",
        leerlingnummer="900007",
    ),
    # Referred, consent standing, but to other organisations than the cast partner's.
    "zat_andere_organisatie": Feiten(
        "3C",
        "vmbo",
        niveau="extern",
        regiehouder="zt-2",
        zat_toestemming=True,
        ketenpartners=(ANDERE_ORGANISATIE, DERDE_ORGANISATIE),
        naam="Lotte Anderpartner",
        leerlingnummer="900012",
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
        ketenpartners=(EIGEN_ORGANISATIE,),
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
    # Issue 13: anonymous in the OZS, closed, and reopened by a signal: back at mentor level
    # in the teamleider's department and mentor m-1's class, and still anonymous.
    "anoniem_heropend": Feiten(
        "2A",
        "havo",
        niveau="mentor",
        anoniem=True,
        naam="Mila Heropend",
        leerlingnummer="900013",
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
        ketenpartners=(EIGEN_ORGANISATIE,),
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
            "organisatie": p.organisatie,
        }
        claims.update(kw)
        school = claims.pop("school", p.school)
        return self.omgeving.als(rol, school=school, **claims)

    def zoek_log(self, **kw: Any) -> list[dict[str, Any]]:
        kw.setdefault("school", SCHOOL)
        return self.logboek.zoek(**kw)
