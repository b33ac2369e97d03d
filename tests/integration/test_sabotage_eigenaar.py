"""Whoever holds only the database (its owner, a superuser, a copy of the file) rewrites
history; `zorgroute audit verify`, holding the key the database does not, names where.

The attacks of issue 14: an UPDATE on the event that withdrew a partner's consent (which
gave the partner the file again after a restart), an event removed or moved, the seals
rewritten without the key, and the access log rewritten from entry 300 on with its chain
and head recomputed. On both backends; all pass `verify` on c48706c, which has no seals."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from api.cli import app
from application.fouten import GeenToegang
from application.service import Zorgroute
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.opslag import bouw_opslag
from infrastructure.persistence import postgres_doel, sqlite_pad
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from infrastructure.toegangslog_keten import bereken_hash
from tests.integration.conftest import ZORGCOORDINATOR, signaal
from tests.integration.test_ketenpartners_oud import NAAR_ZAT, partner
from tests.integration.test_toegangslog import REGEL, T0, ruw, sabotage

SLEUTEL = "sleutel-die-de-database-niet-heeft"
PARTNER = "wijkteam-noord"


@pytest.fixture
def met_sleutel(settings: Settings) -> Settings:
    return settings.model_copy(update={"keten_sleutel": SecretStr(SLEUTEL)})


def cli(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"ZORGROUTE_DATABASE_URL": settings.database_url, "ZORGROUTE_KETEN_SLEUTEL": ""}
    if settings.keten_sleutel is not None:
        env["ZORGROUTE_KETEN_SLEUTEL"] = settings.keten_sleutel.get_secret_value()
    uitkomst = CliRunner().invoke(app, ["audit", *args], env=env)
    return uitkomst.exit_code, uitkomst.output.strip()


@contextlib.contextmanager
def eigenaar(settings: Settings, bestand: str = "") -> Iterator[Any]:
    """The events' database (or, on SQLite, a file beside it) as its owner has it: every
    guard out of the way."""
    if settings.is_sqlite:
        pad = Path(sqlite_pad(settings.database_url))
        verbinding = sqlite3.connect(pad.with_name(pad.stem + bestand + pad.suffix))
        verbinding.isolation_level = None
        for (naam,) in verbinding.execute("SELECT name FROM sqlite_master WHERE type='trigger'"):
            verbinding.execute(f"DROP TRIGGER {naam}")
        try:
            yield verbinding
        finally:
            verbinding.close()
        return
    doel = postgres_doel(settings.database_url)
    with psycopg.connect(
        **doel.verbinding(options=f"-c search_path={doel.schema}", autocommit=True)
    ) as verbinding:
        verbinding.execute("SET session_replication_role = replica")  # past every trigger
        yield verbinding


def events(settings: Settings) -> tuple[str, str]:
    return (
        ("stored_events", "rowid")
        if settings.is_sqlite
        else ("zorgroute_events", "notification_id")
    )


@pytest.fixture
def ingetrokken(met_sleutel: Settings) -> tuple[UUID, int]:
    """A file referred to the partner, whose consent the parents then withdrew; sealed.
    Returns the file and the log position of the withdrawal."""
    cli(met_sleutel, "installeer")
    service = Zorgroute(bouw_opslag(met_sleutel), id_sleutel=met_sleutel.id_sleutel_bytes())
    try:
        cid = service.meld_signaal(
            ZORGCOORDINATOR, SignaalVerzoek.model_validate(signaal())
        ).casus_id
        for handeling, gegevens in NAAR_ZAT:
            service.handel(ZORGCOORDINATOR, cid, opdracht_voor(handeling, gegevens))
        verwijzing = {"datum": "2025-01-05", "hulpvraag": "h", "ketenpartners": [PARTNER]}
        service.handel(ZORGCOORDINATOR, cid, opdracht_voor("zat-verwijzing", verwijzing))
        assert service.lees(partner(PARTNER), cid)["casus_id"] == str(cid)
        intrekking = {
            "doel": "zat",
            "besluit": "ingetrokken",
            "door": "ouders",
            "datum": "2025-01-06",
        }
        positie = service.handel(
            ZORGCOORDINATOR, cid, opdracht_voor("toestemmingen", intrekking)
        ).positie
        with pytest.raises(GeenToegang):
            service.lees(partner(PARTNER), cid)
    finally:
        service.close()
    assert cli(met_sleutel, "verzegel")[0] == 0
    assert positie is not None
    return cid, positie


def trek_de_intrekking_in(settings: Settings, positie: int) -> None:
    """One UPDATE: the withdrawal now reads as consent given (same fields, other topic)."""
    tabel, sleutel = events(settings)
    with eigenaar(settings) as db:
        db.execute(
            f"UPDATE {tabel} SET topic = 'zorgroute:ToestemmingGegeven' WHERE {sleutel} = {positie}"
        )


def test_verzegeld_en_onaangeroerd_is_intact(met_sleutel: Settings, ingetrokken: Any) -> None:
    code, uitvoer = cli(met_sleutel, "verify")
    assert code == 0, uitvoer
    assert "gebeurtenissen intact: 9 verzegeld, 0 nog niet verzegeld" in uitvoer


def test_teruggedraaide_intrekking_wordt_gemeld(
    met_sleutel: Settings, ingetrokken: tuple[UUID, int]
) -> None:
    cid, positie = ingetrokken
    trek_de_intrekking_in(met_sleutel, positie)
    # After a restart the partner reads the file again: that is the attack.
    service = Zorgroute(bouw_opslag(met_sleutel), id_sleutel=met_sleutel.id_sleutel_bytes())
    try:
        assert service.lees(partner(PARTNER), cid)["casus_id"] == str(cid)
    finally:
        service.close()
    code, uitvoer = cli(met_sleutel, "verify")
    assert code == 1
    assert (
        f"gebeurtenissen gebroken bij positie {positie}: gebeurtenis past niet bij haar zegel"
        in uitvoer
    )


@pytest.mark.parametrize(
    ("aanval", "positie", "melding"),
    [
        (["DELETE FROM {t} WHERE {k} = 4"], 4, "gebeurtenis ontbreekt: wel verzegeld"),
        (["DELETE FROM {t} WHERE {k} = 9"], 9, "gebeurtenis ontbreekt: wel verzegeld"),
        # Two events trade places in the log (by way of a free number: the key is unique).
        (
            [
                "UPDATE {t} SET {k} = 1000 WHERE {k} = 5",
                "UPDATE {t} SET {k} = 5 WHERE {k} = 6",
                "UPDATE {t} SET {k} = 6 WHERE {k} = 1000",
            ],
            5,
            "past niet",
        ),
        (
            ["UPDATE {t} SET originator_version = originator_version + 100 WHERE {k} = 3"],
            3,
            "past niet",
        ),
    ],
    ids=["verwijderd", "laatste-verwijderd", "verwisseld", "andere-versie"],
)
def test_gebeurtenissen_verwijderd_of_verplaatst(
    met_sleutel: Settings, ingetrokken: Any, aanval: list[str], positie: int, melding: str
) -> None:
    tabel, sleutel = events(met_sleutel)
    with eigenaar(met_sleutel) as db:
        for opdracht in aanval:
            db.execute(opdracht.format(t=tabel, k=sleutel))
    code, uitvoer = cli(met_sleutel, "verify")
    assert code == 1, uitvoer
    assert f"gebeurtenissen gebroken bij positie {positie}: " in uitvoer
    assert melding in uitvoer


@pytest.mark.parametrize("aanval", ["andere-sleutel", "zonder-sleutel", "zegel-weg", "tabel-weg"])
def test_zegels_herschreven_zonder_de_sleutel(
    met_sleutel: Settings, ingetrokken: tuple[UUID, int], aanval: str
) -> None:
    with eigenaar(met_sleutel, ".zegels") as db:
        if aanval == "tabel-weg":
            db.execute("DROP TABLE gebeurtenis_zegels")
        elif aanval == "zegel-weg":
            # One in the middle (a missing last one is an unsealed end: see the anchor).
            db.execute("DELETE FROM gebeurtenis_zegels WHERE positie = 4")
        else:
            # A forger recomputes every seal, with a guessed key or a plain hash.
            rijen = db.execute("SELECT positie, mac FROM gebeurtenis_zegels ORDER BY positie")
            for nummer, _ in list(rijen.fetchall()):
                mac = hashlib.sha256(f"{nummer}".encode()).hexdigest()
                if aanval == "andere-sleutel":
                    mac = hmac.new(b"geraden", f"{nummer}".encode(), "sha256").hexdigest()
                teken = "?" if met_sleutel.is_sqlite else "%s"
                db.execute(
                    f"UPDATE gebeurtenis_zegels SET mac = {teken} WHERE positie = {teken}",
                    (mac, nummer),
                )
    code, uitvoer = cli(met_sleutel, "verify")
    assert code == 1, uitvoer
    if aanval == "tabel-weg":
        assert "zegels niet gevonden" in uitvoer
    elif aanval == "zegel-weg":
        assert "gebroken bij positie 4: gebeurtenis zonder zegel tussen verzegelde" in uitvoer
    else:
        assert (
            "gebeurtenissen gebroken bij positie 1: gebeurtenis past niet bij haar zegel" in uitvoer
        )


def test_zonder_sleutel_geen_oordeel_over_de_gebeurtenissen(
    met_sleutel: Settings, ingetrokken: Any
) -> None:
    zonder = met_sleutel.model_copy(update={"keten_sleutel": None})
    assert cli(zonder, "verify") == (
        2,
        "toegangslog intact: 0 regels\n"
        "gebeurtenissen niet gecontroleerd: ZORGROUTE_KETEN_SLEUTEL ontbreekt",
    )


def test_anker_vangt_zegels_die_opnieuw_gezet_zijn(
    met_sleutel: Settings, ingetrokken: tuple[UUID, int]
) -> None:
    """The key alone does not stop the owner from removing the last seals, changing the
    events and letting the sealer seal them anew; a head kept outside does."""
    _, positie = ingetrokken
    code, uitvoer = cli(met_sleutel, "verify", "--kop")
    assert code == 0
    anker = next(r for r in uitvoer.splitlines() if r.startswith("anker: gebeurtenissen:"))
    anker = anker.removeprefix("anker: ")
    with eigenaar(met_sleutel, ".zegels") as db:
        db.execute(f"DELETE FROM gebeurtenis_zegels WHERE positie >= {positie}")
    trek_de_intrekking_in(met_sleutel, positie)
    assert cli(met_sleutel, "verzegel")[0] == 0
    assert cli(met_sleutel, "verify")[0] == 0  # the limit of the key alone
    code, uitvoer = cli(met_sleutel, "verify", "--anker", anker)
    assert code == 1
    assert f"gebroken bij positie {positie}: wijkt af van het anker" in uitvoer


# ---- the access log: rewritten from entry 300 on, chain and head recomputed ---------------


def herschrijf_vanaf(settings: Settings, vanaf: int) -> None:
    """What the owner can do with the unkeyed chain: change an entry, recompute every
    hash from there on and move the head along."""
    logboek = Toegangslog.van_settings(settings)
    try:
        with logboek._transactie(schrijven=False) as cur:
            cur.execute("SELECT * FROM toegangslog ORDER BY volgnummer")
            rijen = [dict(r) for r in cur.fetchall()]
    finally:
        logboek.sluit()
    vorige = rijen[vanaf - 2]["hash"]
    updates = []
    for rij in rijen[vanaf - 1 :]:
        if rij["volgnummer"] == vanaf:
            rij["gebruiker_id"] = "iemand-anders"
        rij["vorige_hash"], rij["hash"] = vorige, bereken_hash(rij, vorige)
        vorige = rij["hash"]
        updates.append((rij["gebruiker_id"], rij["vorige_hash"], rij["hash"], rij["volgnummer"]))
    teken = "?" if settings.is_sqlite else "%s"
    with ruw(settings) as verbinding:
        if settings.is_sqlite:
            verbinding.execute("DROP TRIGGER IF EXISTS toegangslog_geen_update")
        else:
            verbinding.execute("SET session_replication_role = replica")
        for waarden in updates:
            verbinding.execute(
                f"UPDATE toegangslog SET gebruiker_id = {teken}, vorige_hash = {teken}, "
                f"hash = {teken} WHERE volgnummer = {teken}",
                waarden,
            )
    sabotage(settings, f"UPDATE toegangslog_kop SET hash = '{vorige}' WHERE id = 1")


def test_toegangslog_herschreven_vanaf_regel_300_met_kop(met_sleutel: Settings) -> None:
    cli(met_sleutel, "installeer")
    logboek = Toegangslog.van_settings(met_sleutel)
    try:
        for honderd in range(4):  # sealed after every hundred entries: 100, 200, 300, 400
            logboek.schrijf_alle(
                [
                    replace(REGEL, tijdstip=T0 + timedelta(minutes=honderd * 100 + i))
                    for i in range(100)
                ]
            )
            assert cli(met_sleutel, "verzegel")[0] == 0
    finally:
        logboek.sluit()
    assert cli(met_sleutel, "verify")[1].startswith("toegangslog intact: 400 regels\n")
    herschrijf_vanaf(met_sleutel, 300)
    code, uitvoer = cli(met_sleutel, "verify")
    # The chain alone is whole again (what c48706c reported as intact) ...
    assert uitvoer.startswith("toegangslog intact: 400 regels\n")
    # ... but the seal of entry 300, made with the key, no longer fits.
    assert code == 1
    assert (
        "toegangslog herschreven bij regel 300: past niet bij zijn zegel: de regels 201 tot en "
        "met 300 zijn na het verzegelen herschreven"
    ) in uitvoer
