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
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from infrastructure.settings import Settings
from tests.conftest import _tijdelijk_schema
from tests.integration.opslag_van_toen import (
    BESTANDEN,
    FIXTURE,
    ID_SLEUTEL,
    JWT_GEHEIM,
    KETEN_SLEUTEL,
    Medewerker,
    antwoorden,
    cli,
    gebeurtenissen,
    gelijk_aan_toen,
    lijst_zoals_nu_bedoeld,
    zc,
    zet_over,
)

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
        zet_over(tmp_path, basis, schema)
        yield pg


@pytest.fixture
def client(kopie: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(kopie)) as c:
        yield c


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
