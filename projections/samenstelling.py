"""Which views exist. Building them from the settings is the composition root's
(`api/samenstelling.py`)."""

from __future__ import annotations

from projections.agenda import Agenda
from projections.audittrail import Audittrail
from projections.basis import Projectie
from projections.casussen import Casussen
from projections.trends import Trends
from projections.verantwoording import Verantwoording
from projections.werkvoorraad import Werkvoorraad


def alle_projecties() -> list[Projectie]:
    return [Casussen(), Agenda(), Werkvoorraad(), Audittrail(), Trends(), Verantwoording()]
