"""The composition root: what every entry point builds from `Settings`, and closes again.

The app's lifespan, every CLI command, the projector, the demo seed and the benchmarks
build the service and the views' runner here and nowhere else, so that they all run the
same service on the same wiring (docs/architectuur.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from application.service import Zorgroute
from infrastructure.gebeurtenislog import gebeurtenislog_van
from infrastructure.opslag import Eventsourcingopslag, bouw_opslag
from infrastructure.persistence import postgres_doel, sqlite_pad
from infrastructure.pg_recorder import TABELLEN_SLOT
from infrastructure.settings import Settings
from infrastructure.sqlite_wal import WalPerDraad
from infrastructure.toegangslog import Toegangslog
from infrastructure.verzegelen import zegel_draad
from projections.opslag import Opslag
from projections.runner import Projectierunner
from projections.samenstelling import alle_projecties


def bouw_service(
    settings: Settings,
    *,
    toegangslog: bool = True,
    klok: Callable[[], datetime] | None = None,
    **extra: Any,
) -> Zorgroute:
    """The service on the configured event store, with its access log (installed) unless
    `toegangslog=False` (what only follows the log, such as the projector, reads no file
    on anyone's behalf). `klok` is its "now", for "today" and for its events' time."""
    logboek = None
    if toegangslog:
        logboek = Toegangslog.van_settings(settings)
        logboek.installeer()
    if klok is not None:
        extra["klok"] = klok
    try:
        return Zorgroute(
            bouw_opslag(settings),
            id_sleutel=settings.id_sleutel_bytes(),
            toegangslog=logboek,
            **extra,
        )
    except BaseException:
        if logboek is not None:
            logboek.sluit()
        raise


def opslag_van(service: Zorgroute) -> Eventsourcingopslag:
    """The storage adapter `bouw_service` put under the service's port."""
    opslag = service.opslag
    if not isinstance(opslag, Eventsourcingopslag):
        raise TypeError("de dienst heeft geen opslag van bouw_opslag")
    return opslag


def sluit_service(service: Zorgroute) -> None:
    logboek = service.poortwachter.logboek
    if isinstance(logboek, Toegangslog):
        logboek.sluit()
    service.close()


@contextmanager
def service_van(settings: Settings, **opties: Any) -> Iterator[Zorgroute]:
    """`bouw_service` for the length of a `with` block."""
    service = bouw_service(settings, **opties)
    try:
        yield service
    finally:
        sluit_service(service)


def bouw_runner(settings: Settings, service: Zorgroute) -> Projectierunner:
    """A runner over every view, with its tables in place (not yet started)."""
    # SQLite cannot notify, so it polls more often; PostgreSQL mostly wakes on NOTIFY.
    poll = 0.2 if settings.is_sqlite else 1.0
    runner = Projectierunner(
        gebeurtenislog_van(opslag_van(service).app),
        weergave_opslag(settings),
        alle_projecties(),
        poll_seconden=poll,
        # The sealer beside the views, where ZORGROUTE_KETEN_SLEUTEL is set.
        naast=[partial(zegel_draad, settings, opslag_van(service).app)],
    )
    try:
        runner.installeer()
    except BaseException:
        runner.opslag.sluit()
        raise
    return runner


def sluit_runner(runner: Projectierunner) -> None:
    runner.stop()
    runner.opslag.sluit()


@contextmanager
def runner_van(settings: Settings) -> Iterator[Projectierunner]:
    """The views' runner (not started) on a service of its own, for a `with` block."""
    with service_van(settings, toegangslog=False) as service:
        runner = bouw_runner(settings, service)
        try:
            yield runner
        finally:
            sluit_runner(runner)


def weergave_opslag(settings: Settings) -> Opslag:
    """SQLite views live in a file next to the events, so that a projector writing views
    never holds the lock that an API writing events needs; on PostgreSQL they share the
    database (and schema) with the events."""
    if settings.is_sqlite:
        pad = Path(sqlite_pad(settings.database_url))
        weergaven = pad.with_name(pad.stem + ".weergaven" + (pad.suffix or ".sqlite"))
        # Views can be rebuilt from the events, so NORMAL durability is enough here.
        return Opslag(dialect="sqlite", sqlite=partial(WalPerDraad, str(weergaven)))
    return Opslag(
        dialect="postgres",
        postgres=postgres_verbinding(settings),
        schema=postgres_doel(settings.database_url).schema,
        pool_grootte=max(2, settings.pool_size),
        tabellen_slot=TABELLEN_SLOT,
    )


def postgres_verbinding(settings: Settings) -> dict[str, Any]:
    """psycopg's connection arguments for the views' database (without the schema)."""
    return postgres_doel(settings.database_url).verbinding(connect_timeout=5)
