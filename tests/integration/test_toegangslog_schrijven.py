"""How entries are appended: PostgreSQL finishes each entry's hash itself in one statement,
SQLite in Python; both must make exactly the chain `audit verify` recomputes, keep several
entries all-or-none, and refuse to write without a head instead of dropping the entry."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from application.toegangslog import ToegangslogOnbeschikbaar
from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from infrastructure.toegangslog_keten import BEGIN_HASH, _utc, bereken_hash, hash_voorvoegsel
from tests.integration.test_toegangslog import REGEL, T0, ruw, sabotage

# Values whose JSON is easy to get wrong: quotes, backslashes, control characters,
# non-ASCII, an absent field, and a time with an offset and no microseconds.
LASTIG = replace(
    REGEL,
    gebruiker_naam='Ö. "Çelik"\\ \n\t名前 😀',
    doel=None,
    versie=None,
    bron_agent="\u2028\x7f",
    tijdstip=T0.astimezone(ZoneInfo("Europe/Amsterdam")),
)


def test_voorvoegsel_met_volgnummer_is_de_hash_van_de_regel() -> None:
    for regel, volgnummer in ((REGEL, 1), (LASTIG, 12345678901)):
        rij = {**asdict(regel), "tijdstip": _utc(regel.tijdstip), "volgnummer": volgnummer}
        verwacht = bereken_hash(rij, BEGIN_HASH)
        invoer = BEGIN_HASH.encode() + hash_voorvoegsel(regel) + f"{volgnummer}}}".encode()
        assert hashlib.sha256(invoer).hexdigest() == verwacht


def test_de_opgeslagen_keten_is_wat_verify_narekent(log: Toegangslog) -> None:
    log.schrijf(LASTIG)
    log.schrijf_alle([replace(REGEL, request_id=f"r-{i}") for i in range(3)])
    log.schrijf(replace(LASTIG, tijdstip=T0 + timedelta(microseconds=7)))
    uitkomst = log.verifieer()
    assert (uitkomst.ok, uitkomst.gecontroleerd) == (True, 5)
    rijen = log.zoek(school="99XX")
    assert [r["volgnummer"] for r in rijen] == [1, 2, 3, 4, 5]
    assert rijen[0]["gebruiker"]["naam"] == LASTIG.gebruiker_naam
    assert rijen[0]["tijdstip"] == "2025-10-01T09:00:00.000000+00:00"


def test_meerdere_regels_in_een_keer_genummerd_na_de_vorige(log: Toegangslog) -> None:
    log.schrijf(REGEL)
    log.schrijf_alle([replace(REGEL, request_id=f"r-{i}") for i in range(50)])
    log.schrijf(REGEL)
    rijen = log.zoek(school="99XX", limiet=100)
    assert [r["volgnummer"] for r in rijen] == list(range(1, 53))
    assert [r["bron"]["request_id"] for r in rijen[1:51]] == [f"r-{i}" for i in range(50)]
    assert log.verifieer().ok


def test_meerdere_regels_alles_of_niets(log: Toegangslog, settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite slaat een NUL-teken gewoon op")
    log.schrijf(REGEL)
    # PostgreSQL refuses a NUL character in text: the middle entry fails, so none stays.
    kapot = replace(REGEL, doel="a\x00b")
    with pytest.raises(ToegangslogOnbeschikbaar):
        log.schrijf_alle([REGEL, kapot, REGEL])
    assert [r["volgnummer"] for r in log.zoek(school="99XX")] == [1]
    log.schrijf(REGEL)
    uitkomst = log.verifieer()
    assert (uitkomst.ok, uitkomst.gecontroleerd) == (True, 2)


@pytest.mark.parametrize("aantal", [1, 3])
def test_zonder_kop_geen_regel_maar_een_fout(
    log: Toegangslog, settings: Settings, aantal: int
) -> None:
    log.schrijf(REGEL)
    sabotage(settings, "DELETE FROM toegangslog_kop")
    with pytest.raises(ToegangslogOnbeschikbaar, match="kop"):
        log.schrijf_alle([REGEL] * aantal)
    with ruw(settings) as verbinding:
        assert verbinding.execute("SELECT count(*) FROM toegangslog").fetchone()[0] == 1
