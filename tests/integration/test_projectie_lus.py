"""The projector's loop: rounds take what the log holds, and a wake-up is never lost."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from api.samenstelling import weergave_opslag
from application.gebeurtenislog import Meldend
from domain.opdrachten import SignaalVerzoek
from infrastructure.gebeurtenislog import gebeurtenislog_van
from infrastructure.settings import Settings
from projections import beheer
from projections.basis import Projectie, Wijziging
from projections.opslag import Cursor
from projections.runner import Projectierunner
from projections.samenstelling import alle_projecties
from tests.integration.conftest import MENTOR, Weergaven, signaal, tegelijk


class Tussendoor(Projectie):
    """Counts the files it sees; during its first batch another command comes in (as it
    does under load), through `tijdens` (set by the test)."""

    naam = "tussendoor"
    tabellen = {"tussendoor": "casus_id TEXT PRIMARY KEY"}
    tijdens: Callable[[], None] | None = None

    def verwerk(self, cur: Cursor, wijzigingen: list[Wijziging]) -> None:  # type: ignore[override]
        if self.tijdens is not None:
            tijdens, self.tijdens = self.tijdens, None
            tijdens()
        cur.voeg_toe(
            self.t("tussendoor"), ["casus_id"], [[w.casus_id] for w in wijzigingen], "casus_id"
        )


def _meld(weergaven: Weergaven, nummer: int) -> None:
    onderwerp = {"type": "leerling", "leerlingnummer": f"t{nummer}", "naam": f"L {nummer}",
                 "klas": "H3A", "afdeling": "havo", "leerjaar": 3}  # fmt: skip
    weergaven.service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal(onderwerp)))


def _gezien(weergaven: Weergaven) -> int:
    with weergaven.opslag.lezen() as cur:
        return len(cur.execute("SELECT casus_id FROM pv_tussendoor").fetchall())


def _achterstand(runner: Projectierunner) -> int:
    return int(beheer.status(runner)[0]["achterstand"])


def test_a_round_leaves_what_arrived_during_it_to_the_next_round(weergaven: Weergaven) -> None:
    _meld(weergaven, 0)
    projectie = Tussendoor()
    projectie.tijdens = lambda: _meld(weergaven, 1)
    runner = weergaven.runner(projectie)

    runner.verwerk_beschikbaar(tot_het_einde=False)

    assert _gezien(weergaven) == 1 and _achterstand(runner) > 0
    runner.verwerk_beschikbaar(tot_het_einde=False)
    assert _gezien(weergaven) == 2 and _achterstand(runner) == 0


def test_a_full_batch_is_followed_by_the_next_in_the_same_round(weergaven: Weergaven) -> None:
    for nummer in range(7):
        _meld(weergaven, nummer)
    runner = weergaven.runner(Tussendoor(), batch=3)

    runner.verwerk_beschikbaar(tot_het_einde=False)

    assert _gezien(weergaven) == 7 and _achterstand(runner) == 0


def test_catching_up_goes_on_to_the_end_of_the_log(weergaven: Weergaven) -> None:
    _meld(weergaven, 0)
    projectie = Tussendoor()
    projectie.tijdens = lambda: _meld(weergaven, 1)
    runner = weergaven.runner(projectie)

    runner.verwerk_beschikbaar()

    assert _gezien(weergaven) == 2 and _achterstand(runner) == 0


def test_a_wake_up_during_a_round_starts_the_next_one_without_waiting_for_the_poll(
    weergaven: Weergaven,
) -> None:
    _meld(weergaven, 0)
    projectie = Tussendoor()
    runner = weergaven.runner(projectie)
    runner.poll_seconden = 60.0  # only the wake-up can bring the second file in time

    def nog_een() -> None:
        _meld(weergaven, 1)
        runner.wek()  # what the LISTEN thread (or an in-process save) does

    projectie.tijdens = nog_een
    runner.start()
    try:
        einde = time.monotonic() + 10
        while _gezien(weergaven) < 2 and time.monotonic() < einde:
            time.sleep(0.05)
        assert _gezien(weergaven) == 2
    finally:
        runner.stop()


def _wacht_tot(voorwaarde: Callable[[], bool], seconden: float = 10.0) -> bool:
    einde = time.monotonic() + seconden
    while not voorwaarde() and time.monotonic() < einde:
        time.sleep(0.02)
    return voorwaarde()


def test_an_idle_projector_wakes_on_a_notification_not_on_its_poll(
    weergaven: Weergaven, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL: SQLite kent geen LISTEN/NOTIFY")
    runner = weergaven.runner(Tussendoor())
    runner.poll_seconden = 60.0  # only a notification can bring the file in time
    runner.start()
    try:
        assert _wacht_tot(runner._wekker.is_stil)  # idle, so listening
        time.sleep(0.2)  # the LISTEN thread's own first round has come and gone
        _meld(weergaven, 0)  # saved by the service: NOTIFY, nothing calls `wek`
        assert _wacht_tot(lambda: _gezien(weergaven) == 1)
    finally:
        runner.stop()


class _Luisteraar:
    """Stands in for the log's LISTEN connection: records when it listens and lets go."""

    def __init__(self) -> None:
        self.uitgevoerd: list[str] = []
        self.losgelaten = threading.Event()  # set on the first UNLISTEN

    def __enter__(self) -> _Luisteraar:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def luister(self) -> None:
        self.uitgevoerd.append("LISTEN")

    def laat_los(self) -> None:
        self.uitgevoerd.append("UNLISTEN")
        self.losgelaten.set()

    def wacht(self, seconden: float) -> bool:
        time.sleep(seconden)
        return False


def test_a_busy_projector_stops_listening_and_listens_again_when_idle(
    weergaven: Weergaven, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL: SQLite kent geen LISTEN/NOTIFY")
    luisteraar = _Luisteraar()
    projectie = Tussendoor()

    # The listener looks at the loop between waits of LUISTER_STAP; a single short round
    # could begin and end between two looks (the test then failed at random). So a second
    # file arrives during the first round, and the round that takes it lasts until the
    # listener has let go: the loop is busy for as long as it takes to be seen so.
    def tweede_ronde_wacht_op_loslaten() -> None:
        luisteraar.losgelaten.wait(10)

    def tweede_bestand() -> None:
        _meld(weergaven, 1)
        projectie.tijdens = tweede_ronde_wacht_op_loslaten

    projectie.tijdens = tweede_bestand
    runner = weergaven.runner(projectie)
    assert isinstance(runner.gebeurtenislog, Meldend)
    runner.gebeurtenislog.meldingen = lambda: luisteraar  # type: ignore[method-assign]
    runner.start()
    try:
        assert _wacht_tot(lambda: luisteraar.uitgevoerd == ["LISTEN"])
        # Work arrives (a wake-up, as a notification gives): the loop is busy and the
        # listener lets go; once the work is done it listens again.
        _meld(weergaven, 0)
        runner.wek()
        assert _wacht_tot(lambda: _gezien(weergaven) == 2)
        assert _wacht_tot(lambda: luisteraar.uitgevoerd == ["LISTEN", "UNLISTEN", "LISTEN"])
    finally:
        runner.stop()


def test_projectors_starting_together_on_a_new_schema_all_get_their_tables(
    weergaven: Weergaven, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("alleen PostgreSQL: SQLite heeft één schrijver tegelijk")

    def installeer() -> None:
        opslag = weergave_opslag(settings)
        try:
            Projectierunner(
                gebeurtenislog_van(weergaven.service.opslag.app), opslag, alle_projecties()
            ).installeer()
        finally:
            opslag.sluit()

    assert tegelijk(installeer) == []
