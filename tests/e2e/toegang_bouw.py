"""Builds the scenario of `toegang_opzet` through the API, once per backend and test
module, and offers it as the `scenario` fixture (registered in tests/conftest.py)."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from pydantic import SecretStr

from api.app import create_app
from infrastructure.settings import Settings
from projections import beheer
from tests.e2e.conftest import ANDERE_SCHOOL, Medewerker, Omgeving, dag, signaal
from tests.e2e.toegang_opzet import (
    BACKENDS,
    DOSSIERS,
    TEKST_AAN_MENTOR,
    TEKST_DOCENT,
    TEKST_MENTOR,
    TEKST_NA_VERWIJZING,
    TEKST_TERUGKOPPELING,
    TEKST_VOOR_VERWIJZING,
    Feiten,
    Scenario,
)

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

    def verwijs(self, cid: str, f: Feiten) -> None:
        self.toestemming(cid, "zat", "gegeven")
        body = {"datum": dag(-5), "hulpvraag": "Integraal overleg"}
        self.stap(cid, "zat-verwijzing", body | {"ketenpartners": list(f.ketenpartners)})


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
            # Feedback to the teacher's signal names them: a file with two reporters.
            bouwer.stap(
                cid,
                "terugkoppelingen",
                {
                    "aan": "signaalgever",
                    "signaalgever": "d-1",
                    "datum": dag(),
                    "inhoud": TEKST_TERUGKOPPELING,
                },
            )
            bouwer.stap(
                cid,
                "terugkoppelingen",
                {"aan": "mentor", "datum": dag(), "inhoud": TEKST_AAN_MENTOR},
            )
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
        if naam == "anoniem_heropend":
            bouwer.naar_ozs(cid, anoniem=True)
            bouwer.stap(cid, "afsluiting", {"datum": dag(-3), "reden": "geen_zorg_meer"})
            heropend = signaal(_onderwerp(naam, f), omschrijving=f"{eerste} ({naam}, heropend)")
            bouwer.doe(zc, "/signalen", heropend)
            teksten[naam].append(f"{eerste} ({naam}, heropend)")
        if naam == "zat_toestemming_niet_verwezen":
            bouwer.toestemming(cid, "zat", "gegeven")
        if f.ketenpartners:
            bouwer.verwijs(cid, f)
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
    ander.verwijs(cid, f)
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
        verwijzingen = [
            i["gegevens"]["ketenpartners"]
            for i in zc.geschiedenis(scenario.ids[naam])
            if i["type"] == "DoorverwezenNaarZAT"
        ]
        # The file shows no partners; its history shows who the last referral named.
        partners = tuple(verwijzingen[-1]) if casus["niveau"] == "extern" and verwijzingen else ()
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
            partners,
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
            f.ketenpartners,
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


@pytest.fixture(scope="module", params=BACKENDS)
def scenario(request: pytest.FixtureRequest) -> Iterator[Scenario]:
    """One built school per backend, shared by the tests of a module."""
    yield from scenario_voor(request)
