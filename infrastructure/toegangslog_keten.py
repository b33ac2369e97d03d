"""The access log's schema and its hash chain: the tables, the triggers, how an entry's
hash is made and how the chain is walked. Storage and connections are in toegangslog.py.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
import psycopg
from psycopg_pool import PoolTimeout

from application.toegangslog import Toegangsregel

BEGIN_HASH = "0" * 64
_OPSLAGFOUTEN = (sqlite3.Error, psycopg.Error, PoolTimeout, OSError)
_VELDEN = [n for n in Toegangsregel.__dataclass_fields__ if n != "tijdstip"]
_KOLOMMEN = ["volgnummer", "tijdstip", *_VELDEN, "vorige_hash", "hash"]
Breuk = Literal["hash", "ontbreekt", "keten"]

_TABEL = """CREATE TABLE IF NOT EXISTS toegangslog (
    volgnummer BIGINT PRIMARY KEY, tijdstip {tijd} NOT NULL, school TEXT,
    gebruiker_id TEXT NOT NULL, gebruiker_naam TEXT NOT NULL, gebruiker_rol TEXT NOT NULL,
    actie TEXT NOT NULL, resultaat TEXT NOT NULL, regel TEXT NOT NULL, object TEXT NOT NULL,
    casus_id TEXT, pseudoniem TEXT, versie BIGINT, namens TEXT, doel TEXT, bron_adres TEXT,
    bron_agent TEXT, request_id TEXT, reden_noodtoegang TEXT,
    vorige_hash TEXT NOT NULL, hash TEXT NOT NULL)"""
_KOP = """CREATE TABLE IF NOT EXISTS toegangslog_kop (
    id INTEGER PRIMARY KEY CHECK (id = 1), volgnummer BIGINT NOT NULL, hash TEXT NOT NULL)"""
_INDEXEN = [
    "CREATE INDEX IF NOT EXISTS toegangslog_casus ON toegangslog (school, casus_id, volgnummer)",
    "CREATE INDEX IF NOT EXISTS toegangslog_gebruiker ON toegangslog (school, gebruiker_id, volgnummer)",
    "CREATE INDEX IF NOT EXISTS toegangslog_school ON toegangslog (school, volgnummer)",
]
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS toegangslog_geen_{op.lower()} BEFORE {op} ON toegangslog "
    f"BEGIN SELECT RAISE(ABORT, 'toegangslog is alleen-toevoegen: {op} is niet toegestaan'); END"
    for op in ("UPDATE", "DELETE")
]
# SET search_path FROM CURRENT: the functions find their tables in the installed schema,
# whatever search_path the session that fires them has.
_PG_TRIGGERS = """
CREATE OR REPLACE FUNCTION toegangslog_weiger() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$ BEGIN
  RAISE EXCEPTION 'toegangslog is alleen-toevoegen: % is niet toegestaan', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE FUNCTION toegangslog_kop_bewaak() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$ BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.volgnummer <> OLD.volgnummer + 1
     OR NOT EXISTS (SELECT 1 FROM toegangslog WHERE volgnummer = NEW.volgnummer
                    AND hash = NEW.hash) THEN
    RAISE EXCEPTION 'kop van de toegangslog mag alleen één bestaande regel vooruit'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER toegangslog_alleen_toevoegen BEFORE UPDATE OR DELETE ON toegangslog
  FOR EACH ROW EXECUTE FUNCTION toegangslog_weiger();
CREATE OR REPLACE TRIGGER toegangslog_geen_truncate BEFORE TRUNCATE ON toegangslog
  FOR EACH STATEMENT EXECUTE FUNCTION toegangslog_weiger();
CREATE OR REPLACE TRIGGER toegangslog_kop_bewaakt BEFORE UPDATE OR DELETE ON toegangslog_kop
  FOR EACH ROW EXECUTE FUNCTION toegangslog_kop_bewaak();
CREATE OR REPLACE TRIGGER toegangslog_kop_geen_truncate BEFORE TRUNCATE ON toegangslog_kop
  FOR EACH STATEMENT EXECUTE FUNCTION toegangslog_weiger();
REVOKE UPDATE, DELETE, TRUNCATE ON toegangslog FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON toegangslog_kop FROM PUBLIC;
"""
_KOP_SQL = "SELECT volgnummer, hash FROM toegangslog_kop WHERE id = 1"
_KETEN_SQL = "SELECT * FROM toegangslog ORDER BY volgnummer"
_PG_GEINSTALLEERD = """SELECT to_regclass('toegangslog_kop') IS NOT NULL
    AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'toegangslog_kop_bewaakt'
                AND tgrelid = to_regclass('toegangslog_kop')) AS klaar"""


@dataclass(frozen=True)
class VerificatieUitkomst:
    """What `verifieer` found: intact, or the first broken link and why."""

    ok: bool
    gecontroleerd: int  # entries whose hash and link were checked
    volgnummer: int | None = None  # first broken link
    soort: Breuk | None = None  # hash mismatch / missing entry / chain link mismatch
    reden: str | None = None  # Dutch, for the operator
    kop_hash: str | None = None  # anchor this elsewhere to catch a rewritten chain


def _utc(tijdstip: datetime) -> datetime:
    # A naive time is taken as UTC, so the same entry always hashes the same.
    if tijdstip.tzinfo is None:
        return tijdstip.replace(tzinfo=UTC)
    return tijdstip.astimezone(UTC)


def _tekst(tijdstip: datetime) -> str:
    # Fixed width, so that on SQLite text order is time order (van/tot filters).
    return _utc(tijdstip).isoformat(timespec="microseconds")


def bereken_hash(rij: dict[str, Any], vorige_hash: str) -> str:
    """sha256(vorige_hash + canonical JSON of every field of the entry, keys sorted)."""
    velden = {k: rij[k] for k in _KOLOMMEN if k not in ("vorige_hash", "hash")}
    tijdstip = velden["tijdstip"]
    velden["tijdstip"] = _tekst(
        tijdstip if isinstance(tijdstip, datetime) else datetime.fromisoformat(tijdstip)
    )
    canoniek = orjson.dumps(velden, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(vorige_hash.encode("ascii") + canoniek).hexdigest()


# The canonical JSON sorts its keys, and "volgnummer" sorts after every other field: so an
# entry's JSON is a prefix known before its number, then the number. That lets PostgreSQL
# finish the hash itself once it has taken the head (see `PG_SCHRIJF`).
_HASH_VELDEN = [k for k in _KOLOMMEN if k not in ("vorige_hash", "hash")]
if sorted(_HASH_VELDEN)[-1] != "volgnummer":  # pragma: no cover - a new field would break it
    raise RuntimeError("volgnummer moet de laatste sleutel van de canonieke JSON zijn")


def hash_voorvoegsel(regel: Toegangsregel) -> bytes:
    """The canonical JSON of `regel` up to its number: `{...,"volgnummer":`. With the
    previous hash in front and `N}` behind it, it is what `bereken_hash` hashes."""
    velden = {k: getattr(regel, k) for k in _HASH_VELDEN if k not in ("volgnummer", "tijdstip")}
    velden["tijdstip"] = _tekst(regel.tijdstip)
    canoniek = orjson.dumps(velden, option=orjson.OPT_SORT_KEYS)
    return canoniek[:-1] + b',"volgnummer":'


def _loop_keten(kop: Any, cur: Any) -> VerificatieUitkomst:
    if kop is None:
        return VerificatieUitkomst(False, 0, None, "ontbreekt", "kop ontbreekt")
    kop_nummer, kop_hash = int(kop["volgnummer"]), str(kop["hash"])
    verwacht, vorige = 1, BEGIN_HASH

    def breuk(nummer: int, soort: Breuk, reden: str) -> VerificatieUitkomst:
        return VerificatieUitkomst(False, verwacht - 1, nummer, soort, reden, kop_hash)

    while rijen := cur.fetchmany(1000):
        for ruw in rijen:
            rij = dict(ruw)
            nummer = int(rij["volgnummer"])
            if nummer != verwacht:
                return breuk(verwacht, "ontbreekt", "regel ontbreekt (gat in de volgnummers)")
            if nummer > kop_nummer:
                return breuk(nummer, "keten", f"regel staat na de kop ({kop_nummer})")
            # Own hash first: a changed entry is named as changed, not as a broken link.
            if bereken_hash(rij, str(rij["vorige_hash"])) != rij["hash"]:
                return breuk(nummer, "hash", "hash klopt niet: regel is gewijzigd")
            if rij["vorige_hash"] != vorige:
                return breuk(nummer, "keten", "vorige_hash wijst niet naar de vorige regel")
            verwacht, vorige = nummer + 1, str(rij["hash"])
    # The head catches what the rows alone cannot: the last entries removed.
    if verwacht - 1 < kop_nummer:
        return breuk(verwacht, "ontbreekt", f"regel ontbreekt (de kop wijst naar {kop_nummer})")
    if vorige != kop_hash:
        return breuk(kop_nummer, "keten", "hash van de laatste regel wijkt af van de kop")
    return VerificatieUitkomst(True, kop_nummer, kop_hash=kop_hash)


def _als_json(r: dict[str, Any]) -> dict[str, Any]:
    tijdstip = r["tijdstip"]
    if not isinstance(tijdstip, datetime):
        tijdstip = datetime.fromisoformat(tijdstip)
    vlak = ("namens", "actie", "object", "casus_id", "pseudoniem", "versie", "resultaat")
    return {
        "volgnummer": int(r["volgnummer"]),
        "tijdstip": _tekst(tijdstip),
        "gebruiker": {
            "id": r["gebruiker_id"],
            "naam": r["gebruiker_naam"],
            "rol": r["gebruiker_rol"],
        },
        **{k: r[k] for k in (*vlak, "regel", "doel")},
        "bron": {"adres": r["bron_adres"], "agent": r["bron_agent"], "request_id": r["request_id"]},
        "reden_noodtoegang": r["reden_noodtoegang"],
    }
