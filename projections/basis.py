"""What every projection is: a named set of tables and a function from changes to rows.

The runner hands a projection `Wijziging`s: the event, its position in the log, and the
file's structural fields before and after it (computed by replaying the domain's own
effects, so no projection re-implements a rule of the route).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from domain.casus import Casus
from projections.opslaanbaar import begrensd
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
    "afdeling",
    "leerjaar",
)
# What places a file in a class: kept out of the audit trail of an anonymous file.
PLAATSENDE_VELDEN: tuple[str, ...] = ("klas", "afdeling", "leerjaar")


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
        "afdeling": casus.onderwerp.afdeling,
        "leerjaar": casus.onderwerp.leerjaar,
    }


def details_van(casus: Casus, bewaard: dict[str, Any] | None = None) -> dict[str, Any]:
    """What views show beyond the structural fields, as a snapshot (the aggregate itself
    keeps changing while a batch is processed). `bewaard`, kept per file by the caller,
    reuses the JSON of value objects that did not change (they are immutable)."""
    onderwerp = casus.onderwerp
    bewaard = {} if bewaard is None else bewaard
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
        "startdocument": _json(casus.startdocument, "startdocument", bewaard),
        "kernteam_aanmelding": _json(casus.kernteam_aanmelding, "kernteam_aanmelding", bewaard),
        "opschalen": casus.opschalen,
        "afsluitreden": casus.afsluitreden,
        "heeft_plan": casus.handelingsplan is not None,
        "heeft_opp": casus.opp is not None,
        "aantal_signalen": len(casus.signalen),
        "geopend_op": casus.created_on.isoformat(),
        "ketenpartners": casus.ketenpartners,  # who may read it: the case list selects on it
    }


def _json(waarde: Any, sleutel: str, bewaard: dict[str, Any]) -> Any:
    if waarde is None:
        return None
    vorige = bewaard.get(sleutel)
    if vorige is not None and vorige[0] is waarde:
        return vorige[1]
    dump = waarde.model_dump(mode="json")
    bewaard[sleutel] = (waarde, dump)
    return dump


def datum_van(gebeurtenis: Any) -> Any:
    """The event's `datum` field, or None when it has none. A pydantic model keeps its
    fields in `__dict__`; `getattr` with a default on a missing one is a slow path."""
    return gebeurtenis.__dict__.get("datum")


def _datum(waarde: Any) -> str | None:
    return waarde.isoformat() if waarde is not None else None


class Wijziging:
    """One event on a file, with the file's state just before and right after it.
    Read-only by convention: `voor` of one change may be the `na` of the previous one."""

    __slots__ = ("_tijdstip", "casus_id", "details", "gebeurtenis", "na", "positie", "type", "voor")

    def __init__(
        self,
        positie: int,
        gebeurtenis: Casus.Event,
        voor: dict[str, Any],
        na: dict[str, Any],
        details: dict[str, Any],
    ) -> None:
        self.positie = positie
        self.gebeurtenis = gebeurtenis
        self.voor = voor
        self.na = na
        self.details = details
        self.type: str = type(gebeurtenis).__name__
        self.casus_id = str(gebeurtenis.originator_id)
        self._tijdstip: str | None = None

    @property
    def tijdstip(self) -> str:
        if self._tijdstip is None:
            self._tijdstip = self.gebeurtenis.timestamp.isoformat()
        return self._tijdstip

    def gewijzigd(self) -> dict[str, dict[str, Any]]:
        """{veld: {oud, nieuw}} for the structural fields this event changed."""
        voor, na = self.voor, self.na
        uit = {}
        for veld in STRUCTURELE_VELDEN:
            oud, nieuw = voor.get(veld), na.get(veld)
            if oud != nieuw:
                uit[veld] = {"oud": oud, "nieuw": nieuw}
        return uit


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

    def maak_tabellen(self, cur: Cursor, *, met_indexen: bool = True) -> None:
        """The tables, and unless told otherwise their indexes (a rebuild fills fresh tables
        without them and builds them once at the swap, much cheaper than row by row)."""
        for tabel, kolommen in self.tabellen.items():
            cur.execute(f"CREATE TABLE IF NOT EXISTS {self.t(tabel)} ({kolommen})")
        if not met_indexen:
            return
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
        begrensd(kolommen, [tuple(r[k] for k in kolommen) for r in rijen]),
    )


def weergavenaam(na: dict[str, Any], details: dict[str, Any]) -> str:
    """Pseudonym for an anonymous file, the pupil's name, or the class of a class file."""
    if na["anoniem"]:
        return str(details["pseudoniem"])
    if details["type"] == "klas":
        return f"Klas {na['klas']}"
    return str(details["naam"] or f"Leerling uit {na['klas']}")
