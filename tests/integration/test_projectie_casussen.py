"""The runner and the case list on both backends: exactly once, rebuildable, paged."""

from __future__ import annotations

from uuid import UUID

from domain.opdrachten import SignaalVerzoek, opdracht_voor
from projections import beheer, casussen
from projections.basis import Projectie, Wijziging
from projections.casussen import Casussen
from projections.opslag import Cursor
from tests.integration.conftest import GESPREK, LEERLING, MENTOR, Weergaven, signaal


def meld(weergaven: Weergaven, nummer: int, klas: str = "H3A") -> UUID:
    onderwerp = {
        **LEERLING,
        "leerlingnummer": f"n{nummer}",
        "naam": f"Leerling {nummer}",
        "klas": klas,
    }
    return weergaven.service.meld_signaal(
        MENTOR, SignaalVerzoek.model_validate(signaal(onderwerp))
    ).casus_id


def test_case_list_pages_newest_change_first_and_filters(weergaven: Weergaven) -> None:
    ids = [meld(weergaven, i) for i in range(5)]
    meld(weergaven, 99, klas="H3B")
    weergaven.service.handel(MENTOR, ids[0], opdracht_voor("gesprekken", GESPREK))
    runner = weergaven.runner(Casussen())
    runner.verwerk_beschikbaar()

    eerste = casussen.lijst(weergaven.opslag, "99XX", {"klas": "H3A"}, limit=3)
    tweede = casussen.lijst(
        weergaven.opslag, "99XX", {"klas": "H3A"}, limit=3, cursor=eerste["volgende_cursor"]
    )

    assert eerste["items"][0]["casus_id"] == str(ids[0])
    assert eerste["items"][0]["versie"] == 3
    assert len(eerste["items"]) + len(tweede["items"]) == 5
    assert tweede["volgende_cursor"] is None
    assert casussen.lijst(weergaven.opslag, "11AA", {})["items"] == []


def test_a_rebuild_equals_the_view_kept_up_to_date(weergaven: Weergaven) -> None:
    for i in range(12):
        meld(weergaven, i)
    runner = weergaven.runner(Casussen(), batch=5)
    runner.verwerk_beschikbaar()
    voor = casussen.lijst(weergaven.opslag, "99XX", {}, limit=100)

    positie = beheer.herbouw(runner, "casussen")

    assert positie == weergaven.service.opslag.recorder.max_notification_id()
    assert casussen.lijst(weergaven.opslag, "99XX", {}, limit=100) == voor


class Gif(Projectie):
    """A projection whose handler fails on the third file: a poison event."""

    naam = "gif"
    tabellen = {"gif": "casus_id TEXT PRIMARY KEY"}
    repareerd = False

    def verwerk(self, cur: Cursor, wijzigingen: list[Wijziging]) -> None:  # type: ignore[override]
        for w in wijzigingen:
            if (
                w.type == "CasusGeopend"
                and w.gebeurtenis.onderwerp.leerlingnummer == "n2"
                and not Gif.repareerd
            ):  # type: ignore[attr-defined]
                raise ValueError("kan dit niet verwerken")
            cur.execute(
                f"INSERT INTO {self.t('gif')} (casus_id) VALUES (%s) ON CONFLICT DO NOTHING",
                [w.casus_id],
            )


def test_a_poison_event_stops_only_its_projection_until_fixed_and_restarted(
    weergaven: Weergaven,
) -> None:
    for i in range(4):
        meld(weergaven, i)
    runner = weergaven.runner(Casussen(), Gif(), batch=100)
    runner.verwerk_beschikbaar()

    status = {s["naam"]: s for s in beheer.status(runner)}
    assert status["casussen"]["status"] == "actief" and status["casussen"]["achterstand"] == 0
    assert status["gif"]["status"] == "gestopt"
    assert status["gif"]["fout_positie"] == 5  # CasusGeopend of the third file
    assert status["gif"]["positie"] == 4
    assert "ValueError" in status["gif"]["fout"]

    Gif.repareerd = True
    try:
        runner.hervat_gestopte()
        runner.verwerk_beschikbaar()
    finally:
        Gif.repareerd = False
    status = {s["naam"]: s for s in beheer.status(runner)}
    assert status["gif"]["status"] == "actief" and status["gif"]["achterstand"] == 0
    with weergaven.opslag.lezen() as cur:
        assert len(cur.execute("SELECT casus_id FROM pv_gif").fetchall()) == 4


def test_a_reader_can_wait_for_its_own_write(weergaven: Weergaven) -> None:
    runner = weergaven.runner(Casussen())
    runner.start()
    try:
        resultaat = weergaven.service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal()))
        assert resultaat.positie is not None
        assert beheer.wacht_tot(runner, resultaat.positie, timeout=5)
        assert casussen.lijst(weergaven.opslag, "99XX", {})["items"][0]["versie"] == 2
    finally:
        runner.stop()
