"""What every projection is: a named set of tables and a function from changes to rows.

The runner hands a projection `Wijziging`s: the event, its position in the log, and the
file's structural fields before and after it (computed by replaying the domain's own
effects, so no projection re-implements a rule of the route).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from domain.casus import Casus
from projections.opslag import Cursor, Rij

# The file's structural fields (brief, "Audit trail"): the only fields an audit trail
# may show as old/new. Never free text, never a name.
STRUCTURELE_VELDEN: tuple[str, ...] = (
    "status",
    "niveau",
    "traject",
    "anoniem",
    "regiehouder",
    "intern_begeleider",
    "toestemmingen",
    "volgende_bespreking",
    "volgende_evaluatie",
    "klas",
)


def stand_van(casus: Casus | None) -> dict[str, Any]:
    """The structural fields of a file as JSON-ready values ({} before the first event)."""
    if casus is None:
        return {}
    return {
        "status": casus.status,
        "niveau": casus.niveau,
        "traject": casus.traject,
        "anoniem": casus.anoniem,
        "regiehouder": casus.regiehouder.medewerker_id if casus.regiehouder else None,
        "intern_begeleider": (
            casus.intern_begeleider.medewerker_id if casus.intern_begeleider else None
        ),
        "toestemmingen": {d: t.besluit for d, t in sorted(casus.toestemmingen.items())},
        "volgende_bespreking": _datum(casus.volgende_bespreking),
        "volgende_evaluatie": _datum(casus.volgende_evaluatie),
        "klas": casus.onderwerp.klas,
    }


def details_van(casus: Casus) -> dict[str, Any]:
    """What views show beyond the structural fields, as a snapshot (the aggregate itself
    keeps changing while a batch is processed)."""
    onderwerp = casus.onderwerp
    return {
        "school": casus.school,
        "type": onderwerp.type,
        "naam": onderwerp.naam,
        "afdeling": onderwerp.afdeling,
        "leerjaar": onderwerp.leerjaar,
        "pseudoniem": casus.pseudoniem,
        "regiehouder_naam": casus.regiehouder.naam if casus.regiehouder else None,
        "intern_begeleider_naam": (
            casus.intern_begeleider.naam if casus.intern_begeleider else None
        ),
        "startdocument": (
            casus.startdocument.model_dump(mode="json") if casus.startdocument else None
        ),
        "kernteam_aanmelding": (
            casus.kernteam_aanmelding.model_dump(mode="json") if casus.kernteam_aanmelding else None
        ),
        "opschalen": casus.opschalen,
        "afsluitreden": casus.afsluitreden,
        "heeft_plan": casus.handelingsplan is not None,
        "heeft_opp": casus.opp is not None,
        "aantal_signalen": len(casus.signalen),
        "geopend_op": casus.created_on.isoformat(),
    }


def _datum(waarde: Any) -> str | None:
    return waarde.isoformat() if waarde is not None else None


@dataclass(frozen=True)
class Wijziging:
    """One event on a file, with the file's state just before and right after it."""

    positie: int
    gebeurtenis: Casus.Event
    voor: dict[str, Any]
    na: dict[str, Any]
    details: dict[str, Any]

    @cached_property
    def type(self) -> str:
        return type(self.gebeurtenis).__name__

    @cached_property
    def casus_id(self) -> str:
        return str(self.gebeurtenis.originator_id)

    @cached_property
    def tijdstip(self) -> str:
        return self.gebeurtenis.timestamp.isoformat()

    def gewijzigd(self) -> dict[str, dict[str, Any]]:
        """{veld: {oud, nieuw}} for the structural fields this event changed."""
        return {
            veld: {"oud": self.voor.get(veld), "nieuw": self.na.get(veld)}
            for veld in STRUCTURELE_VELDEN
            if self.voor.get(veld) != self.na.get(veld)
        }


class Projectie(ABC):
    """A read model. Subclasses name their tables (`tabellen`: name → column DDL) and
    write rows for a batch of changes through the given cursor, in the runner's
    transaction, using `self.t(naam)` for table names (a rebuild writes to fresh ones)."""

    naam: ClassVar[str]
    tabellen: ClassVar[dict[str, str]]
    indexen: ClassVar[dict[str, str]] = {}

    def __init__(self, achtervoegsel: str = "") -> None:
        self.achtervoegsel = achtervoegsel

    @classmethod
    def schema(cls) -> str:
        """A fingerprint of the tables' shape; a change makes the runner rebuild the view."""
        tekst = repr((sorted(cls.tabellen.items()), sorted(cls.indexen.items())))
        return hashlib.sha256(tekst.encode()).hexdigest()[:16]

    def t(self, tabel: str) -> str:
        if tabel not in self.tabellen:
            raise KeyError(f"{self.naam} kent tabel {tabel} niet")
        return f"pv_{tabel}{self.achtervoegsel}"

    def maak_tabellen(self, cur: Cursor) -> None:
        for tabel, kolommen in self.tabellen.items():
            cur.execute(f"CREATE TABLE IF NOT EXISTS {self.t(tabel)} ({kolommen})")
        for index, definitie in self.indexen.items():
            tabel, _, kolommen = definitie.partition(":")
            cur.execute(
                f"CREATE INDEX IF NOT EXISTS ix_{index}{self.achtervoegsel} "
                f"ON {self.t(tabel)} ({kolommen})"
            )

    def verwijder_tabellen(self, cur: Cursor) -> None:
        for tabel in self.tabellen:
            cur.execute(f"DROP TABLE IF EXISTS {self.t(tabel)}")

    @abstractmethod
    def verwerk(self, cur: Cursor, wijzigingen: Sequence[Wijziging]) -> None:
        """Write the rows for these changes (in log order)."""


def lees_rijen(cur: Cursor, tabel: str, ids: set[str]) -> dict[str, Rij]:
    """The stored rows of these files, by casus id (in chunks: parameter limits)."""
    gevonden: dict[str, Rij] = {}
    lijst = sorted(ids)
    for start in range(0, len(lijst), 500):
        deel = lijst[start : start + 500]
        plekken = ", ".join(["%s"] * len(deel))
        for rij in cur.execute(
            f"SELECT * FROM {tabel} WHERE casus_id IN ({plekken})", deel
        ).fetchall():
            gevonden[rij["casus_id"]] = dict(rij)
    return gevonden


def schrijf_rijen(cur: Cursor, tabel: str, kolommen: Sequence[str], rijen: list[Rij]) -> None:
    bijwerken = ", ".join(f"{k} = excluded.{k}" for k in kolommen[1:])
    cur.executemany(
        f"INSERT INTO {tabel} ({', '.join(kolommen)}) "
        f"VALUES ({', '.join(['%s'] * len(kolommen))}) "
        f"ON CONFLICT ({kolommen[0]}) DO UPDATE SET {bijwerken}",
        [tuple(r[k] for k in kolommen) for r in rijen],
    )


def weergavenaam(na: dict[str, Any], details: dict[str, Any]) -> str:
    """Pseudonym for an anonymous file, the pupil's name, or the class of a class file."""
    if na["anoniem"]:
        return str(details["pseudoniem"])
    if details["type"] == "klas":
        return f"Klas {na['klas']}"
    return str(details["naam"] or f"Leerling uit {na['klas']}")
