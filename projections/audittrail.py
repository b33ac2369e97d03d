"""The audit trail: one entry per change to a file — who, in which role, what, when, why.

Shaped after the VNG ZGW Zaken API audittrail (`wijzigingen` as {veld: {oud, nieuw}},
`toelichting`) and the NEN 7513 log fields that a change has (event, date-time, subject,
user, role). `wijzigingen` covers the file's structural fields only; the action is named
from the event type and closed vocabularies, so free text and the pupil's name never reach
this view (or a CSV export of it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import orjson

from domain.casus import Casus
from domain.opdrachten import OPDRACHTEN
from projections.basis import PLAATSENDE_VELDEN, Projectie, Wijziging
from projections.opslag import Cursor, Opslag

NEDERLAND = ZoneInfo("Europe/Amsterdam")
KOLOMMEN = (
    "positie",
    "casus_id",
    "school",
    "versie",
    "tijdstip",
    "gebruiker_id",
    "gebruiker_naam",
    "gebruiker_rol",
    "actie",
    "gebeurtenis",
    "toelichting",
    "wijzigingen",
)

# Each event's label, as its command declares it (domain/opdrachten/).
ACTIES: dict[str, str] = {
    soort: label for m in OPDRACHTEN for soort, label in m.verklaring.gebeurtenissen.items()
}

# Only closed vocabularies (enums) may qualify an action: never a free-text field.
_NADER: dict[str, Callable[[Any], str]] = {
    "GesprekGevoerd": lambda g: f"met {g.met}",
    "ToestemmingGegeven": lambda g: f"{g.doel}, door {g.door}",
    "ToestemmingGeweigerd": lambda g: f"{g.doel}, door {g.door}",
    "ToestemmingIngetrokken": lambda g: f"{g.doel}, door {g.door}",
    "BesprokenMetContactpersoonZorg": lambda g: f"besluit: {g.besluit.replace('_', ' ')}",
    "TerugkoppelingGegeven": lambda g: f"aan {g.aan}",
    "EvaluatieUitgevoerd": lambda g: f"vervolg: {g.vervolg.replace('_', ' ')}",
    "CasusAfgesloten": lambda g: f"reden: {g.reden.replace('_', ' ')}",
    "OnderwerpGecorrigeerd": lambda g: f"bron: {g.bron}",
}


def actie_van(gebeurtenis: Casus.Event) -> str:
    """'toestemming gegeven (ozs, door ouders)': the event as a Dutch verb phrase."""
    soort = type(gebeurtenis).__name__
    actie = ACTIES.get(soort, soort)
    nader = _NADER.get(soort)
    return f"{actie} ({nader(gebeurtenis)})" if nader else actie


def _utc_tekst(moment: datetime) -> str:
    # One fixed format (UTC, always microseconds) so that text order is time order on
    # both databases; isoformat() alone drops ".000000" and would break that.
    utc = moment.astimezone(UTC)
    if utc.year >= 1000:  # the same text as strftime below, faster
        return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "+00:00"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class Audittrail(Projectie):
    naam = "audittrail"
    tabellen: ClassVar[dict[str, str]] = {
        "audittrail": (
            "positie BIGINT PRIMARY KEY, casus_id TEXT NOT NULL, school TEXT NOT NULL, "
            "versie INTEGER NOT NULL, tijdstip TEXT NOT NULL, gebruiker_id TEXT NOT NULL, "
            "gebruiker_naam TEXT NOT NULL, gebruiker_rol TEXT NOT NULL, actie TEXT NOT NULL, "
            "gebeurtenis TEXT NOT NULL, toelichting TEXT, wijzigingen TEXT NOT NULL"
        )
    }
    indexen: ClassVar[dict[str, str]] = {
        "audittrail_casus": "audittrail:school, casus_id, positie",
        "audittrail_gebruiker": "audittrail:school, gebruiker_id, tijdstip",
        "audittrail_tijdstip": "audittrail:school, tijdstip",
    }

    def verwerk(self, cur: Cursor, wijzigingen: Sequence[Wijziging]) -> None:
        rijen = [self._rij(w) for w in wijzigingen]
        # Keyed on the log position: a replayed batch writes the same rows, never twice.
        cur.voeg_toe(self.t("audittrail"), KOLOMMEN, rijen, conflict="positie")

    @staticmethod
    def _rij(w: Wijziging) -> tuple[Any, ...]:
        g = w.gebeurtenis
        actor = g.actor
        return (
            w.positie,
            w.casus_id,
            w.details["school"],
            g.originator_version,
            _utc_tekst(g.timestamp),
            actor.id,
            actor.naam,
            actor.rol,
            actie_van(g),
            w.type,
            g.toelichting,
            orjson.dumps(w.gewijzigd(), option=orjson.OPT_SORT_KEYS).decode(),
        )


# ---- queries -------------------------------------------------------------------------------

_SELECT = (
    "SELECT positie, casus_id, versie, tijdstip, gebruiker_id, gebruiker_naam, gebruiker_rol, "
    "actie, gebeurtenis, toelichting, wijzigingen FROM {tabel}"
)


def _item(rij: dict[str, Any]) -> dict[str, Any]:
    return {
        "positie": int(rij["positie"]),
        "casus_id": rij["casus_id"],
        "versie": int(rij["versie"]),
        "tijdstip": rij["tijdstip"],
        "gebruiker": {
            "id": rij["gebruiker_id"],
            "naam": rij["gebruiker_naam"],
            "rol": rij["gebruiker_rol"],
        },
        "actie": rij["actie"],
        "gebeurtenis": rij["gebeurtenis"],
        "toelichting": rij["toelichting"],
        "wijzigingen": orjson.loads(rij["wijzigingen"]),
    }


def casus_trail(opslag: Opslag, school: str, casus_id: str) -> list[dict[str, Any]]:
    """Every change to one file, in log order; [] for an unknown file or another school's."""
    tabel = Audittrail().t("audittrail")
    with opslag.lezen() as cur:
        rijen = cur.execute(
            _SELECT.format(tabel=tabel) + " WHERE school = %s AND casus_id = %s ORDER BY positie",
            [school, str(casus_id)],
        ).fetchall()
    return [_item(r) for r in rijen]


def _grens(moment: datetime | date, einde: bool) -> str:
    """A filter bound as stored text. A date means the whole day in Amsterdam (`tot` up to
    and including that day); a datetime without zone is read as Amsterdam time."""
    if not isinstance(moment, datetime):
        dag = moment + timedelta(days=1) if einde else moment
        moment = datetime.combine(dag, time(), tzinfo=NEDERLAND)
        if einde:
            moment -= timedelta(microseconds=1)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=NEDERLAND)
    return _utc_tekst(moment)


def gebruiker_trail(
    opslag: Opslag,
    school: str,
    gebruiker: str | None = None,
    van: datetime | date | None = None,
    tot: datetime | date | None = None,
    *,
    limiet: int | None = None,
) -> list[dict[str, Any]]:
    """The school's changes by one user (or by everyone when `gebruiker` is None), with
    `van` ≤ tijdstip ≤ `tot` (both optional, inclusive), oldest first."""
    voorwaarden, params = ["school = %s"], [school]
    if gebruiker is not None:
        voorwaarden.append("gebruiker_id = %s")
        params.append(gebruiker)
    if van is not None:
        voorwaarden.append("tijdstip >= %s")
        params.append(_grens(van, einde=False))
    if tot is not None:
        voorwaarden.append("tijdstip <= %s")
        params.append(_grens(tot, einde=True))
    sql = _SELECT.format(tabel=Audittrail().t("audittrail"))
    sql += f" WHERE {' AND '.join(voorwaarden)} ORDER BY tijdstip, positie"
    alle: list[Any] = list(params)
    if limiet is not None:
        sql += " LIMIT %s"
        alle.append(limiet)
    with opslag.lezen() as cur:
        rijen = cur.execute(sql, alle).fetchall()
    return [_item(r) for r in rijen]


def zonder_plaats(items: list[dict[str, Any]], anoniem: set[str]) -> list[dict[str, Any]]:
    """The entries with the class, department and year changes of the files in `anoniem`
    left out: beside an anonymous file's id they would narrow it down to a pupil. Done
    when read, so the trail of a file made anonymous later is covered from its start, and
    the lifting of anonymity shows them again."""
    for item in items:
        if item["casus_id"] in anoniem:
            for veld in PLAATSENDE_VELDEN:
                item["wijzigingen"].pop(veld, None)
    return items


# ---- CSV export ----------------------------------------------------------------------------

CSV_KOLOMMEN = (
    "positie",
    "casus_id",
    "versie",
    "tijdstip",
    "gebruiker_id",
    "gebruiker_naam",
    "gebruiker_rol",
    "actie",
    "gebeurtenis",
    "toelichting",
    "wijzigingen",
)


def _cel(waarde: Any) -> str:
    tekst = "" if waarde is None else str(waarde)
    # A cell starting with = + - @ (or a tab/CR) is run as a formula by spreadsheet
    # programs; a toelichting is typed by users, so neutralise it (OWASP CSV injection).
    if tekst and tekst[0] in "=+-@\t\r":
        return "'" + tekst
    return tekst


def als_csv(items: Sequence[dict[str, Any]]) -> str:
    """The entries of `casus_trail`/`gebruiker_trail` as CSV (header first, `wijzigingen`
    as a JSON text column)."""
    uit = io.StringIO()
    schrijver = csv.writer(uit, lineterminator="\r\n")
    schrijver.writerow(CSV_KOLOMMEN)
    for item in items:
        gebruiker = item["gebruiker"]
        wijzigingen = orjson.dumps(item["wijzigingen"], option=orjson.OPT_SORT_KEYS).decode()
        schrijver.writerow(
            [
                _cel(item["positie"]),
                _cel(item["casus_id"]),
                _cel(item["versie"]),
                _cel(item["tijdstip"]),
                _cel(gebruiker["id"]),
                _cel(gebruiker["naam"]),
                _cel(gebruiker["rol"]),
                _cel(item["actie"]),
                _cel(item["gebeurtenis"]),
                _cel(item["toelichting"]),
                wijzigingen,
            ]
        )
    return uit.getvalue()
