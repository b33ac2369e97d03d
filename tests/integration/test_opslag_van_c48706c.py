"""A database written by the code of c48706c (tests/fixtures/c48706c, README there) opens
with the current code: every stored event loads and replays, every file reads as it did
then (now, at every version, at a moment, its history), the idempotency keys of then
still answer, every view rebuilds, and the access log of then verifies, seals and grows.
On SQLite the files themselves; on PostgreSQL their rows, copied in order into tables the
current code made.

What c48706c answered is in `antwoorden.json.gz`; the current answer must hold all of it
with the same values. New fields are allowed (the contract may grow), nothing else."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli_app
from infrastructure.auth import maak_token
from infrastructure.persistence import postgres_doel
from infrastructure.settings import Settings
from tests.conftest import _tijdelijk_schema

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "c48706c"
BESTANDEN = ("zorgroute.sqlite", "zorgroute.toegangslog.sqlite")
# The fixture's own keys (README): the file ids are derived with the id key.
ID_SLEUTEL = "fixture-id-sleutel-c48706c"
JWT_GEHEIM = "fixture-jwt-geheim-c48706c-0123456789"
KETEN_SLEUTEL = "fixture-ketensleutel-na-c48706c"
API = "/api/v1"
SCHOOL = "99XX"

# Every event class of domain/casus.py at c48706c, and the idempotency key's.
TOPICS_VAN_TOEN = {
    "zorgroute:CasusGeopend",
    "zorgroute:SignaalGemeld",
    "zorgroute:CasusHeropend",
    "zorgroute:GesprekGevoerd",
    "zorgroute:OudersGeinformeerd",
    "zorgroute:AangemeldVoorKernteam",
    "zorgroute:BesprokenInKernteam",
    "zorgroute:InterventieIngezet",
    "zorgroute:BesprokenMetContactpersoonZorg",
    "zorgroute:ToestemmingGegeven",
    "zorgroute:ToestemmingGeweigerd",
    "zorgroute:ToestemmingIngetrokken",
    "zorgroute:IngebrachtInOZS",
    "zorgroute:RegiehouderBenoemd",
    "zorgroute:InternBegeleiderGekoppeld",
    "zorgroute:HandelingsplanVastgesteld",
    "zorgroute:OPPVastgesteld",
    "zorgroute:BesprokenInOZS",
    "zorgroute:TerugkoppelingGegeven",
    "zorgroute:EvaluatieUitgevoerd",
    "zorgroute:DoorverwezenNaarZAT",
    "zorgroute:CasusAfgesloten",
    "zorgroute:IdempotentieSleutelVastgelegd",
}


@cache
def antwoorden() -> dict[str, Any]:
    with gzip.open(FIXTURE / "antwoorden.json.gz", "rt", encoding="utf-8") as f:
        return dict(json.load(f))


def verschillen(toen: Any, nu: Any, pad: str = "") -> list[str]:
    """Where `nu` does not hold `toen`: a key gone, a value changed, a list of another
    length. Keys only `nu` has are no difference."""
    if isinstance(toen, dict):
        if not isinstance(nu, dict):
            return [f"{pad}: {toen!r} werd {nu!r}"]
        return [
            fout
            for sleutel, waarde in toen.items()
            for fout in (
                verschillen(waarde, nu[sleutel], f"{pad}.{sleutel}")
                if sleutel in nu
                else [f"{pad}.{sleutel}: ontbreekt"]
            )
        ]
    if isinstance(toen, list):
        if not isinstance(nu, list) or len(nu) != len(toen):
            return [f"{pad}: {toen!r} werd {nu!r}"]
        return [
            fout
            for i, (a, b) in enumerate(zip(toen, nu, strict=True))
            for fout in verschillen(a, b, f"{pad}[{i}]")
        ]
    return [] if toen == nu else [f"{pad}: {toen!r} werd {nu!r}"]


def gelijk_aan_toen(toen: Any, nu: Any, wat: str) -> None:
    fouten = verschillen(toen, nu)
    assert not fouten, f"{wat} anders dan c48706c antwoordde:\n" + "\n".join(fouten[:20])


def lijst_zoals_nu_bedoeld(toen: dict[str, Any]) -> dict[str, Any]:
    """The case list of c48706c with the one change made on purpose since: an anonymous
    file is listed under its pseudonym alone, without its class, department or year
    (issue 13, docs/toegang.md "Anonieme dossiers")."""
    verborgen = dict.fromkeys(("naam", "klas", "afdeling", "leerjaar"))
    items = [{**i, **verborgen} if i["anoniem"] else i for i in toen["items"]]
    assert len(items) - sum(i is j for i, j in zip(items, toen["items"], strict=True)) == 1
    return {**toen, "items": items}


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def kopie(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """The fixture's files, unpacked byte for byte into a fresh folder; on PostgreSQL
    their rows (events and access log, in their order) copied into a fresh schema whose
    tables the current code made: what c48706c stored is the same bytes on both."""
    for naam in BESTANDEN:
        (tmp_path / naam).write_bytes(gzip.decompress((FIXTURE / f"{naam}.gz").read_bytes()))
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'zorgroute.sqlite'}",
        jwt_secret=SecretStr(JWT_GEHEIM),
        id_sleutel=SecretStr(ID_SLEUTEL),
        keten_sleutel=SecretStr(KETEN_SLEUTEL),
        log_level="WARNING",
    )
    if request.param == "sqlite":
        yield settings
        return
    basis: str = request.getfixturevalue("postgres_url")
    with _tijdelijk_schema(basis) as schema:
        scheidingsteken = "&" if "?" in basis else "?"
        pg = settings.model_copy(
            update={"database_url": f"{basis}{scheidingsteken}schema={schema}"}
        )
        with TestClient(create_app(pg)):
            pass  # the tables, as the current code makes them
        _zet_over(tmp_path, basis, schema)
        yield pg


def _zet_over(map: Path, basis: str, schema: str) -> None:
    with (
        sqlite3.connect(map / "zorgroute.sqlite") as gebeurtenissen,
        sqlite3.connect(map / "zorgroute.toegangslog.sqlite") as log,
        psycopg.connect(basis, options=f"-c search_path={schema}") as pg,
        pg.cursor() as cur,
    ):
        # As a restore by the owner does: past the trigger that lets the log's head move
        # only one entry at a time.
        cur.execute("SET session_replication_role = replica")
        cur.executemany(
            "INSERT INTO zorgroute_events (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)",
            gebeurtenissen.execute(
                "SELECT originator_id, originator_version, topic, state FROM stored_events "
                "ORDER BY rowid"
            ).fetchall(),
        )
        rijen = log.execute("SELECT * FROM toegangslog ORDER BY volgnummer").fetchall()
        plekken = ", ".join(["%s"] * len(rijen[0]))
        cur.executemany(f"INSERT INTO toegangslog VALUES ({plekken})", rijen)
        volgnummer, kop = log.execute("SELECT volgnummer, hash FROM toegangslog_kop").fetchone()
        cur.execute("UPDATE toegangslog_kop SET volgnummer = %s, hash = %s", (volgnummer, kop))


def gebeurtenissen(settings: Settings) -> list[tuple[str, int, str]]:
    """(originator_id, version, topic) of every stored event in log order, read past the
    library."""
    if settings.is_sqlite:
        pad = settings.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(pad) as verbinding:
            rijen = verbinding.execute(
                "SELECT originator_id, originator_version, topic FROM stored_events ORDER BY rowid"
            ).fetchall()
    else:
        doel = postgres_doel(settings.database_url)
        with psycopg.connect(**doel.verbinding(options=f"-c search_path={doel.schema}")) as pg:
            rijen = pg.execute(
                "SELECT originator_id, originator_version, topic FROM zorgroute_events "
                "ORDER BY notification_id"
            ).fetchall()
    return [(str(UUID(str(i))), int(v), str(t)) for i, v, t in rijen]


def cli(settings: Settings, *args: str) -> tuple[int, str]:
    assert settings.keten_sleutel is not None
    env = {
        "ZORGROUTE_DATABASE_URL": settings.database_url,
        "ZORGROUTE_ID_SLEUTEL": ID_SLEUTEL,
        "ZORGROUTE_JWT_SECRET": JWT_GEHEIM,
        "ZORGROUTE_KETEN_SLEUTEL": settings.keten_sleutel.get_secret_value(),
        "ZORGROUTE_LOG_LEVEL": "WARNING",
    }
    uitkomst = CliRunner().invoke(cli_app, list(args), env=env)
    return uitkomst.exit_code, uitkomst.output.strip()


class Medewerker:
    def __init__(self, client: TestClient, rol: str, sub: str, naam: str, **kw: Any) -> None:
        token = maak_token(JWT_GEHEIM, sub=sub, naam=naam, rol=rol, school=SCHOOL, **kw)
        self.client, self.koppen = client, {"Authorization": f"Bearer {token}"}

    def get(self, pad: str, status: int = 200, **kw: Any) -> httpx.Response:
        antwoord = self.client.get(
            API + pad, headers={**self.koppen, **kw.pop("headers", {})}, **kw
        )
        assert antwoord.status_code == status, (pad, antwoord.status_code, antwoord.text)
        return antwoord

    def post(self, pad: str, body: Any, koppen: dict[str, str]) -> httpx.Response:
        return self.client.post(API + pad, json=body, headers={**self.koppen, **koppen})


@pytest.fixture
def client(kopie: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(kopie)) as c:
        yield c


def zc(client: TestClient) -> Medewerker:
    # The demo's coordinator, who made the idempotent requests of the fixture.
    return Medewerker(client, "zorgcoordinator", "zc-devries", "A. de Vries")


def test_de_kopie_houdt_elke_gebeurtenisklasse_van_toen(kopie: Settings) -> None:
    """The fixture is what it claims: every event class of then, each at least once."""
    topics = Counter(topic for _, _, topic in gebeurtenissen(kopie))
    assert set(topics) == TOPICS_VAN_TOEN
    assert topics["zorgroute:CasusGeopend"] == len(antwoorden()["dossiers"]) == 61


def test_elk_dossier_leest_zoals_toen_nu_bij_elke_versie_en_op_een_moment(
    kopie: Settings, client: TestClient
) -> None:
    versies = Counter(
        i for i, _, t in gebeurtenissen(kopie) if t != "zorgroute:IdempotentieSleutelVastgelegd"
    )
    assert set(versies) == set(antwoorden()["dossiers"])
    coordinator = zc(client)
    for casus_id, toen in antwoorden()["dossiers"].items():
        pad = f"/casussen/{casus_id}"
        nu = coordinator.get(pad)
        gelijk_aan_toen(toen["nu"], nu.json(), pad)
        assert nu.headers["ETag"] == f'"{versies[casus_id]}"'
        assert nu.json()["versie"] == versies[casus_id]
        gelijk_aan_toen(
            toen["versie_1"], coordinator.get(f"{pad}?versie=1").json(), f"{pad}?versie=1"
        )
        gelijk_aan_toen(
            toen["geschiedenis"],
            coordinator.get(f"{pad}/geschiedenis").json(),
            f"{pad}/geschiedenis",
        )
        # Every event replayed: the file at each version up to now.
        for versie in range(2, versies[casus_id]):
            assert coordinator.get(f"{pad}?versie={versie}").json()["versie"] == versie
        op = coordinator.get(pad, params={"op": toen["nu"]["gewijzigd_op"]}).json()
        gelijk_aan_toen(toen["nu"], op, f"{pad}?op=")
        coordinator.get(pad, 404, params={"op": "2000-01-01T00:00:00+00:00"})


def test_een_idempotentiesleutel_van_toen_geeft_hetzelfde_antwoord(
    kopie: Settings, client: TestClient
) -> None:
    vooraf = gebeurtenissen(kopie)
    coordinator = zc(client)
    idempotent = antwoorden()["idempotent"]
    signaal = coordinator.post(
        "/signalen",
        idempotent["signaal"]["body"],
        {"Idempotency-Key": "fixture-c48706c-signaal"},
    )
    assert signaal.status_code == 201, signaal.text
    # A repeated command answers with the log's end then (at or after its own write, for
    # `?na=`), as c48706c did: here after the file's conversation.
    assert signaal.json()["positie"] == len(vooraf)
    gelijk_aan_toen(
        {**idempotent["signaal"]["antwoord"], "positie": len(vooraf)},
        signaal.json(),
        "POST /signalen",
    )
    gesprek = idempotent["gesprek"]
    stap = coordinator.post(
        f"/casussen/{gesprek['casus_id']}/gesprekken",
        gesprek["body"],
        {"Idempotency-Key": "fixture-c48706c-gesprek"},
    )
    assert stap.status_code == 201, stap.text
    gelijk_aan_toen(gesprek["antwoord"], stap.json(), "POST gesprekken")
    assert gebeurtenissen(kopie) == vooraf  # answered from the key: nothing stored
    anders = coordinator.post(
        f"/casussen/{gesprek['casus_id']}/gesprekken",
        {**gesprek["body"], "samenvatting": "Iets anders."},
        {"Idempotency-Key": "fixture-c48706c-gesprek"},
    )
    assert anders.status_code == 422, anders.text
    assert anders.json()["code"] == "idempotency_key_hergebruikt"
    assert gebeurtenissen(kopie) == vooraf


def test_een_dossier_van_toen_neemt_een_nieuwe_stap(kopie: Settings, client: TestClient) -> None:
    coordinator = zc(client)
    casus_id, toen = next(
        (c, d["nu"]) for c, d in antwoorden()["dossiers"].items() if d["nu"]["status"] == "open"
    )
    gesprek = {"met": "leerling", "datum": "2026-12-03", "samenvatting": "Na de update."}
    stap = coordinator.post(
        f"/casussen/{casus_id}/gesprekken", gesprek, {"If-Match": f'"{toen["versie"]}"'}
    )
    assert stap.status_code == 201, stap.text
    assert stap.json()["versie"] == toen["versie"] + 1
    assert coordinator.get(f"/casussen/{casus_id}").json()["versie"] == toen["versie"] + 1
    assert (
        coordinator.get(f"/casussen/{casus_id}?versie={toen['versie']}").json()["versie"]
        == toen["versie"]
    )


def test_elke_weergave_bouwt_op_uit_de_gebeurtenissen_van_toen(kopie: Settings) -> None:
    code, uit = cli(kopie, "projecties", "rebuild", "--all", "--processen", "1")
    assert code == 0, uit
    einde = len(gebeurtenissen(kopie))
    assert f"opnieuw opgebouwd tot positie {einde}" in uit
    code, uit = cli(kopie, "projecties", "status")
    assert code == 0, uit
    regels = uit.splitlines()
    assert len(regels) >= 6, uit
    for regel in regels:
        assert re.search(rf"positie\s+{einde}\s+achter\s+0 ", regel), regel
        assert "fout" not in regel, regel
    with TestClient(create_app(kopie)) as client:
        coordinator = zc(client)
        lijst = coordinator.get(f"/casussen?limit=200&na={einde}").json()
        gelijk_aan_toen(lijst_zoals_nu_bedoeld(antwoorden()["casussen"]), lijst, "GET /casussen")
        for overleg in ("kernteam", "ozs", "zat"):
            coordinator.get(f"/agenda/{overleg}?datum=2026-12-04")
        coordinator.get("/werkvoorraad")
        coordinator.get("/audittrail")
        coordinator.get("/trends?van=2026-01-01&tot=2026-12-31")
        coordinator.get("/verantwoording?schooljaar=2026-2027")
        for casus_id, toen in antwoorden()["dossiers"].items():
            trail = coordinator.get(f"/casussen/{casus_id}/audittrail").json()
            assert len(trail["items"]) == toen["nu"]["versie"], casus_id


def test_de_toegangslog_van_toen_klopt_wordt_verzegeld_en_groeit(
    kopie: Settings,
) -> None:
    toen = antwoorden()["toegangslog"]
    anker = f"toegangslog:{toen['regels']}:{toen['kop_hash']}"
    code, uit = cli(kopie, "audit", "verify", "--hash")
    assert f"toegangslog intact: {toen['regels']} regels" in uit, uit
    assert f"laatste hash: {toen['kop_hash']}" in uit, uit
    # c48706c sealed nothing: with a key, verify says so (exit 1) until the first seal.
    assert code == 1 and "zegels niet gevonden" in uit, uit
    # The upgrade's steps: the tables of then completed (the seals' are new), then a seal.
    code, uit = cli(kopie, "audit", "installeer")
    assert code == 0, uit
    code, uit = cli(kopie, "audit", "verzegel")
    assert code == 0, uit
    code, uit = cli(kopie, "audit", "verify", "--anker", anker)
    assert code == 0, uit
    assert "gebeurtenissen intact" in uit, uit
    with TestClient(create_app(kopie)) as client:
        auditor = Medewerker(client, "auditor", "au-smit", "L. Smit")
        regels = auditor.get("/toegangslog?limiet=1000").json()["items"]
        assert len(regels) >= toen["regels"]
        nood = auditor.get("/toegangslog/noodtoegang").json()["items"]
        assert [r["reden_noodtoegang"] for r in nood] == [
            "Leerling vermist, politie vraagt contactgegevens."
        ]
        casus_id = next(iter(antwoorden()["dossiers"]))
        zc(client).get(f"/casussen/{casus_id}")
    code, uit = cli(kopie, "audit", "verify", "--anker", anker)
    assert code == 0, uit
    gegroeid = re.search(r"toegangslog intact: (\d+) regels", uit)
    assert gegroeid and int(gegroeid[1]) > toen["regels"], uit
