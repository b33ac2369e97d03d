"""Fail closed: when the access log cannot record a look, nobody gets to look. Every read,
refusal and overview then answers 503 without any case data, on both backends."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel
from infrastructure.persistence import postgres_doel, sqlite_pad
from infrastructure.settings import Settings
from tests.e2e.conftest import Medewerker, Omgeving, dag, leerling, probleem
from tests.e2e.test_toegangslog_http import CASUSVELDEN, REDEN
from tests.e2e.toegang_opzet import DOSSIERS, Scenario


def maak_onschrijfbaar(
    s: Scenario, monkeypatch: pytest.MonkeyPatch, kapot: Callable[[Any], None]
) -> None:
    """Every way the port writes (one entry, or an overview's entries at once) fails."""
    for methode in ("schrijf", "schrijf_alle"):
        if hasattr(s.logboek, methode):
            monkeypatch.setattr(s.logboek, methode, kapot)


def _geen_casusgegevens(s: Scenario, antwoord: httpx.Response, relatie: str) -> None:
    body = probleem(antwoord, 503, "toegangslog_onbeschikbaar")
    f = DOSSIERS[relatie]
    assert not f.noemt_leerling(antwoord.text)
    for verboden in s.teksten[relatie]:
        assert verboden not in antwoord.text
    assert not set(body) & set(CASUSVELDEN), body


@pytest.mark.parametrize(
    ("rol", "pad", "params"),
    [
        ("zorgcoordinator", "/casussen/{cid}", {}),
        ("zorgcoordinator", "/casussen/{cid}", {"versie": 2}),
        ("zorgcoordinator", "/casussen/{cid}/geschiedenis", {}),
        ("auditor", "/casussen/{cid}/audittrail", {}),
        ("zorgcoordinator", "/casussen", {}),
        ("zorgcoordinator", "/agenda/ozs", {"datum": dag(8)}),
        ("mentor", "/casussen/{cid}", {}),  # a refusal must be logged too
        ("teamleider", "/casussen/{cid}", {"X-Noodtoegang": REDEN}),
    ],
    ids=["dossier", "versie", "geschiedenis", "audittrail", "lijst", "agenda", "weigering", "nood"],
)
def test_a_read_answers_503_without_case_data_when_the_log_cannot_be_written(
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    rol: str,
    pad: str,
    params: dict[str, Any],
) -> None:
    relatie = "andere_afdeling"  # the teamleider's break-glass case; the mentor's refusal
    cid = scenario.ids[relatie]
    geschreven: list[object] = []

    def kapot(regels: Toegangsregel | Sequence[Toegangsregel]) -> None:
        geschreven.append(regels)
        raise ToegangslogOnbeschikbaar("schijf vol")

    maak_onschrijfbaar(scenario, monkeypatch, kapot)
    kop = {"X-Noodtoegang": params.pop("X-Noodtoegang")} if "X-Noodtoegang" in params else {}
    antwoord = scenario.als(rol).get(pad.format(cid=cid), params=params, headers=kop)
    _geen_casusgegevens(scenario, antwoord, relatie)
    assert geschreven, "the service tried to log before it answered"


def test_a_refused_command_answers_503_when_its_refusal_cannot_be_logged(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    def kapot(regels: Toegangsregel | Sequence[Toegangsregel]) -> None:
        raise ToegangslogOnbeschikbaar("schijf vol")

    maak_onschrijfbaar(scenario, monkeypatch, kapot)
    cid = scenario.ids["andere_klas"]
    gesprek = {"met": "leerling", "datum": dag(), "samenvatting": "x"}
    antwoord = scenario.als("mentor").post(f"/casussen/{cid}/gesprekken", gesprek)
    _geen_casusgegevens(scenario, antwoord, "andere_klas")


def _breek_opslag(settings: Settings) -> None:
    """Rename the log's table under the running app, as a lost disk or schema would."""
    if settings.is_sqlite:
        pad = Path(sqlite_pad(settings.database_url))
        bestand = pad.with_name(pad.stem + ".toegangslog" + (pad.suffix or ".sqlite"))
        with sqlite3.connect(bestand) as verbinding:
            verbinding.execute("ALTER TABLE toegangslog RENAME TO toegangslog_kwijt")
        return
    doel = postgres_doel(settings.database_url)
    with psycopg.connect(**doel.verbinding(autocommit=True)) as verbinding:
        verbinding.execute(
            sql.SQL("ALTER TABLE {}.toegangslog RENAME TO toegangslog_kwijt").format(
                sql.Identifier(doel.schema or "public")
            )
        )


def test_with_the_log_storage_gone_a_file_read_answers_503_and_no_case_data(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    naam = "Lotte Lekvrij"
    cid = zc.meld(leerling("777001", naam), omschrijving="GEHEIM: zorgen over thuis")
    assert zc.get(f"/casussen/{cid}").status_code == 200
    _breek_opslag(omgeving.settings)

    for pad in (f"/casussen/{cid}", f"/casussen/{cid}/geschiedenis", "/casussen"):
        antwoord = zc.get(pad)
        body = probleem(antwoord, 503, "toegangslog_onbeschikbaar")
        for verboden in (naam, "777001", "GEHEIM"):
            assert verboden not in antwoord.text
        assert not set(body) & set(CASUSVELDEN)
