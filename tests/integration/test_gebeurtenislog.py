"""The event log as the views read it (infrastructure/gebeurtenislog.py), on both backends."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest

from application.gebeurtenislog import Gebeurtenislog, Meldend, Verdeelbaar
from application.service import Zorgroute
from application.synthetisch import genereer
from domain.casus import Casus
from infrastructure.gebeurtenislog import gebeurtenislog_van
from infrastructure.settings import Settings
from tests.integration.conftest import maak_service


@pytest.fixture
def gevuld(settings: Settings) -> Iterator[tuple[Zorgroute, Gebeurtenislog]]:
    service = maak_service(settings)
    try:
        genereer(service, leerlingen=30, seed=5)
        yield service, gebeurtenislog_van(service.opslag.app)
    finally:
        service.close()


def _alles(log: Gebeurtenislog, batch: int) -> list[tuple[int, Casus.Event]]:
    gelezen, positie = [], 0
    while (deel := log.lees(positie, batch)).laatste != positie:
        gelezen += deel.gebeurtenissen
        positie = deel.laatste
    return gelezen


def test_reading_in_batches_gives_every_event_of_the_store_in_order(
    gevuld: tuple[Zorgroute, Gebeurtenislog],
) -> None:
    service, log = gevuld
    einde = log.einde()
    opgeslagen = service.opslag.recorder.select_notifications(start=1, limit=einde + 1)

    gelezen = _alles(log, batch=7)

    assert einde == opgeslagen[-1].id > 7
    van_dossiers = [
        n.id
        for n in opgeslagen
        if isinstance(service.opslag.mapper.to_domain_event(n), Casus.Event)
    ]
    assert [p for p, _ in gelezen] == van_dossiers
    assert all(isinstance(g, Casus.Event) for _, g in gelezen)
    assert gelezen == _alles(log, batch=1000)
    assert log.lees(einde, 10).gebeurtenissen == [] and log.lees(einde, 10).laatste == einde


def test_a_read_stops_at_tot_and_a_file_loads_at_any_version(
    gevuld: tuple[Zorgroute, Gebeurtenislog],
) -> None:
    _, log = gevuld
    deel = log.lees(0, 1000, tot=5)
    assert deel.laatste == 5 and all(p <= 5 for p, _ in deel.gebeurtenissen)

    positie, eerste = _alles(log, batch=1000)[0]
    casus = log.casus(eerste.originator_id, 1)
    assert casus.id == eerste.originator_id and casus.version == 1
    assert log.tijdstip(positie) == eerste.timestamp


def test_only_postgres_can_notify_and_be_read_in_shares(
    gevuld: tuple[Zorgroute, Gebeurtenislog], settings: Settings
) -> None:
    _, log = gevuld
    assert isinstance(log, Meldend) == isinstance(log, Verdeelbaar) == (not settings.is_sqlite)


def _verdeelbaar(gevuld: tuple[Zorgroute, Gebeurtenislog]) -> Verdeelbaar:
    if not isinstance(log := gevuld[1], Verdeelbaar):
        pytest.skip("alleen PostgreSQL wordt in delen gelezen")
    return log


def test_the_shares_of_a_parallel_rebuild_split_the_files_exactly(
    gevuld: tuple[Zorgroute, Gebeurtenislog],
) -> None:
    log = _verdeelbaar(gevuld)
    einde = log.einde()
    delen: list[list[tuple[int, Casus.Event]]] = []
    for deel in range(3):
        gelezen, positie = [], 0
        while (stuk := log.lees_deel(positie, einde, deel, 3, 11)).laatste != positie:
            gelezen += stuk.gebeurtenissen
            positie = stuk.laatste
        delen.append(gelezen)

    assert all(delen)
    assert sorted(p for deel in delen for p, _ in deel) == [p for p, _ in _alles(log, 1000)]
    dossiers = [{g.originator_id for _, g in deel} for deel in delen]
    assert not (dossiers[0] & dossiers[1] or dossiers[0] & dossiers[2] or dossiers[1] & dossiers[2])


def test_another_process_opens_the_same_log_from_what_pickles(
    gevuld: tuple[Zorgroute, Gebeurtenislog],
) -> None:
    log = _verdeelbaar(gevuld)
    opener = pickle.loads(pickle.dumps(log.opener()))
    with opener() as ander:
        assert ander.einde() == log.einde()
        assert ander.lees(0, 50) == log.lees(0, 50)


def test_a_listener_is_told_of_a_save(gevuld: tuple[Zorgroute, Gebeurtenislog]) -> None:
    # Only that a save is told: the channel is the events table's name, the same in every
    # schema of the database, so other tests' saves may be told too.
    service, log = gevuld
    if not isinstance(log, Meldend):
        pytest.skip("alleen PostgreSQL: SQLite kent geen LISTEN/NOTIFY")
    with log.meldingen() as luisteraar:
        luisteraar.luister()
        genereer(service, leerlingen=1, seed=6, ronde=1)
        assert luisteraar.wacht(5.0)
        luisteraar.laat_los()
