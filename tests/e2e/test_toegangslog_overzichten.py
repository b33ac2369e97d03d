"""Reading aggregates leaves a trace too: every allowed read of the trends and of the
accountability report (each format) is in the access log before it is answered, and
without a log there is no answer (503, no numbers). Both backends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from application.toegangslog import ToegangslogOnbeschikbaar, Toegangsregel
from tests.e2e.conftest import Medewerker, Omgeving, leerling, probleem


def _schooljaar() -> str:
    vandaag = date.today()
    begin = vandaag.year if vandaag.month >= 8 else vandaag.year - 1
    return f"{begin}-{begin + 1}"


def _vragen(omgeving: Omgeving) -> list[tuple[Medewerker, str, dict[str, Any], str, str]]:
    """(who, path, params, actie, object) for each allowed read of aggregates."""
    swv = omgeving.als("swv", scholen=["99XX"], sub="swv-1", naam="SWV Regio")
    teamleider = omgeving.als("teamleider", afdeling="havo", sub="tl-1", naam="Teamleider")
    zc = omgeving.als("zorgcoordinator", sub="zc-1", naam="Zorgcoördinator Zus")
    venster = {"van": str(date.today() - timedelta(days=60)), "tot": str(date.today())}
    jaar = {"schooljaar": _schooljaar()}
    return [
        (zc, "/trends", venster, "zoeken", "trends"),
        (teamleider, "/trends", venster, "zoeken", "trends"),
        (swv, "/trends", {**venster, "school": "99XX"}, "zoeken", "trends"),
        (zc, "/verantwoording", jaar, "zoeken", "verantwoording"),
        (swv, "/verantwoording", jaar, "zoeken", "verantwoording"),
        (swv, "/verantwoording", {**jaar, "formaat": "csv"}, "exporteren", "verantwoording"),
        (swv, "/verantwoording", {**jaar, "formaat": "html"}, "exporteren", "verantwoording"),
    ]


def test_every_read_of_trends_and_report_is_logged_with_its_school(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    positie = zc.post(
        "/signalen",
        {"onderwerp": leerling(), "categorieen": ["verzuim"], "omschrijving": "Weg.", "bron": "mentor"},
    ).json()["positie"]  # fmt: skip
    auditor = omgeving.als("auditor", sub="au-1", naam="Auditor")
    for wie, pad, params, actie, object_ in _vragen(omgeving):
        antwoord = wie.get(pad, params={**params, "na": positie})
        assert antwoord.status_code == 200, antwoord.text
        log = auditor.get("/toegangslog", params={"gebruiker": wie.sub}).json()["items"]
        (regel,) = [r for r in log if r["bron"]["request_id"] == antwoord.headers["X-Request-ID"]]
        assert (regel["actie"], regel["resultaat"], regel["object"]) == (
            actie,
            "toegestaan",
            object_,
        )
        assert regel["regel"] == f"{object_}:{wie.rol}:rol"
        assert regel["gebruiker"]["rol"] == wie.rol and regel["casus_id"] is None


def test_a_refused_read_of_the_report_is_logged_as_a_refusal(omgeving: Omgeving) -> None:
    teamleider = omgeving.als("teamleider", afdeling="havo", sub="tl-2", naam="Teamleider")
    antwoord = teamleider.get("/verantwoording", params={"schooljaar": _schooljaar()})
    probleem(antwoord, 403, "geen_toegang")
    auditor = omgeving.als("auditor", sub="au-1", naam="Auditor")
    log = auditor.get("/toegangslog", params={"gebruiker": "tl-2"}).json()["items"]
    assert [(r["actie"], r["object"]) for r in log] == [("weigering", "verantwoording")]


@pytest.mark.parametrize("index", range(7))
def test_without_the_log_trends_and_report_answer_503_without_numbers(
    omgeving: Omgeving, monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    wie, pad, params, _, _ = _vragen(omgeving)[index]
    logboek = omgeving.client.app.state.service.poortwachter.logboek  # type: ignore[attr-defined]
    geschreven: list[object] = []

    def kapot(regels: Toegangsregel | Sequence[Toegangsregel]) -> None:
        geschreven.append(regels)
        raise ToegangslogOnbeschikbaar("schijf vol")

    for methode in ("schrijf", "schrijf_alle"):
        monkeypatch.setattr(logboek, methode, kapot)
    antwoord = wie.get(pad, params=params)
    body = probleem(antwoord, 503, "toegangslog_onbeschikbaar")
    assert geschreven, "the service tried to log before it answered"
    assert not {"groepen", "scholen", "perioden"} & set(body)
    assert "schooljaar," not in antwoord.text  # no CSV header either
