"""No access decision rests on a view that is stopped or behind (issue 14, item 1), over
HTTP on both backends. The case list, agenda and caseload decide on view rows who sees
which file; before this, a stopped view kept serving its frozen rows, and they kept
listing a file to a partner whose consent had been withdrawn.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import httpx

from projections import beheer
from projections.runner import Projectierunner
from tests.e2e.conftest import Medewerker, Omgeving, leerling, probleem
from tests.e2e.test_toegang_ketenpartner import JEUGDARTS, NAAM, partner, toestemming, verwezen

OVERZICHTEN = ("/casussen", "/agenda/ozs", "/agenda/zat", "/werkvoorraad")


def _runner(omgeving: Omgeving) -> Projectierunner:
    runner: Projectierunner = omgeving.client.app.state.runner  # type: ignore[attr-defined]
    return runner


def _ids(antwoord: httpx.Response) -> set[str]:
    assert antwoord.status_code == 200, antwoord.text
    return {str(i["casus_id"]) for i in antwoord.json()["items"]}


def _breek(runner: Projectierunner, namen: Sequence[str]) -> None:
    """From now on these views cannot process an event, as with a poison event: the
    runner stops each at the first one (its own handling, `_zoek_gif`)."""

    def kapot(*_: Any) -> None:
        raise RuntimeError("deze gebeurtenis kan de weergave niet verwerken")

    for naam in namen:
        runner.projecties[naam].verwerk = kapot  # type: ignore[method-assign]


def _wacht_tot_gestopt(runner: Projectierunner, namen: Sequence[str]) -> None:
    einde = time.monotonic() + 30
    while time.monotonic() < einde:
        standen = {s["naam"]: s["status"] for s in beheer.status(runner)}
        if all(standen[n] == "gestopt" for n in namen):
            return
        runner.wek()
        time.sleep(0.02)
    raise AssertionError(f"weergaven niet gestopt: {namen}")


def _achter(antwoord: httpx.Response, *geheim: str) -> None:
    body = probleem(antwoord, 503, "weergave_achter")
    assert antwoord.headers["Retry-After"]
    assert "items" not in body and "casussen" not in body
    for tekst in geheim:
        assert tekst not in antwoord.text


def test_a_stopped_view_gives_503_on_every_overview_that_rests_on_it(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = verwezen(zc, JEUGDARTS)
    assert cid in _ids(zc.get("/casussen"))
    runner = _runner(omgeving)
    namen = ("casussen", "werkvoorraad")  # the agenda decides on the case list's rows too
    _breek(runner, namen)
    zc.stap(cid, "toestemmingen", toestemming("zat", "ingetrokken"))
    _wacht_tot_gestopt(runner, namen)

    for pad in OVERZICHTEN:
        _achter(zc.get(pad), cid, NAAM)
    _achter(zc.get("/werkvoorraad", params={"medewerker": "zt-1"}), cid, NAAM)
    # Authentication still comes first; and a file itself is read from its own events.
    assert omgeving.client.get("/api/v1/casussen").status_code == 401
    assert zc.lees(cid)["toestemmingen"]["zat"]["besluit"] == "ingetrokken"
    probleem(partner(omgeving, JEUGDARTS).get(f"/casussen/{cid}"), 403, "geen_toegang")


def test_a_partner_whose_consent_was_withdrawn_is_not_listed_while_the_view_is_behind(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = verwezen(zc, JEUGDARTS)
    wie = partner(omgeving, JEUGDARTS)
    assert cid in _ids(wie.get("/casussen"))
    runner = _runner(omgeving)
    runner.stop()  # the projector halts: every write from now on leaves the views behind
    try:
        zc.stap(cid, "toestemmingen", toestemming("zat", "ingetrokken"))

        _achter(wie.get("/casussen"), cid, NAAM)
        _achter(zc.get("/agenda/zat"), cid, NAAM)
        probleem(wie.get(f"/casussen/{cid}"), 403, "geen_toegang")
    finally:
        runner.start()
    # Caught up: the list is current again, and the partner no longer finds the file.
    assert cid not in _ids(wie.get("/casussen"))
    assert cid in _ids(zc.get("/casussen"))


def test_an_overview_shows_every_write_acknowledged_before_it_was_asked(
    zc: Medewerker,
) -> None:
    # No `?na=` needed: the list waits for its view to reach the log's end by itself.
    for nummer in range(3):
        cid = zc.meld(leerling(nummer=f"77{nummer}", naam=f"Leerling {nummer}"))
        assert cid in _ids(zc.get("/casussen"))
