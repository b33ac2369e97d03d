"""Which views exist, and how to reach their storage from the settings."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from eventsourcing.application import Application

from infrastructure.gebeurtenislog import gebeurtenislog_van
from infrastructure.persistence import postgres_doel, sqlite_pad
from infrastructure.pg_recorder import TABELLEN_SLOT
from infrastructure.settings import Settings
from infrastructure.sqlite_wal import open_wal
from infrastructure.verzegelen import zegel_draad
from projections.agenda import Agenda
from projections.audittrail import Audittrail
from projections.basis import Projectie
from projections.casussen import Casussen
from projections.opslag import Opslag
from projections.runner import Projectierunner
from projections.trends import Trends
from projections.verantwoording import Verantwoording
from projections.werkvoorraad import Werkvoorraad


def alle_projecties() -> list[Projectie]:
    return [Casussen(), Agenda(), Werkvoorraad(), Audittrail(), Trends(), Verantwoording()]


def bouw_runner(settings: Settings, app: Application[Any]) -> Projectierunner:
    """A runner over every view, with its tables in place (not yet started)."""
    # SQLite cannot notify, so it polls more often; PostgreSQL mostly wakes on NOTIFY.
    poll = 0.2 if settings.is_sqlite else 1.0
    runner = Projectierunner(
        gebeurtenislog_van(app),
        weergave_opslag(settings),
        alle_projecties(),
        poll_seconden=poll,
        # The sealer beside the views, where ZORGROUTE_KETEN_SLEUTEL is set.
        naast=[partial(zegel_draad, settings, app)],
    )
    runner.installeer()
    return runner


def weergave_opslag(settings: Settings) -> Opslag:
    """SQLite views live in a file next to the events, so that a projector writing views
    never holds the lock that an API writing events needs; on PostgreSQL they share the
    database (and schema) with the events."""
    if settings.is_sqlite:
        pad = Path(sqlite_pad(settings.database_url))
        weergaven = pad.with_name(pad.stem + ".weergaven" + (pad.suffix or ".sqlite"))
        # Views can be rebuilt from the events, so NORMAL durability is enough here.
        return Opslag(dialect="sqlite", sqlite=partial(open_wal, str(weergaven)))
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
