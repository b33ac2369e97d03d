"""The caseload (werkvoorraad) of one staff member: the open files where they are
regiehouder or intern begeleider, the evaluations coming up or overdue, and the feedback
owed to whoever raised a signal.

Stored are dates and ids only; "due", "overdue" and "owed" are decided when asked, for
the given `peildatum`, so a view built today equals one built last month. The rules:

- `casussen`: open files where the person is regiehouder and/or IB (`rollen`).
- `evaluaties`: on those files, a next evaluation on or before `peildatum` + 14 days;
  `te_laat` when it lies before `peildatum` (due today is not late yet).
- `terugkoppeling_verschuldigd`: per file and reporter (the signal's `gemeld_door`),
  the signals of the current traject without feedback for 28 days or more. Feedback
  (`TerugkoppelingGegeven` with `aan=signaalgever`) answers every signal recorded on
  that file before it; it counts from its own `datum`, so asked about an earlier
  `peildatum` the signal was still owed. A signal the person reported themselves is not
  owed to them. A reopened file starts a new traject and its duties afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from projections.basis import Projectie, Wijziging, schrijf_rijen, weergavenaam
from projections.opslag import Cursor, Opslag

NEDERLAND = ZoneInfo("Europe/Amsterdam")
VOORUITBLIK = timedelta(days=14)
TERUGKOPPELTERMIJN = timedelta(days=28)

CASUS_DDL = (
    "casus_id TEXT PRIMARY KEY, school TEXT NOT NULL, weergavenaam TEXT, klas TEXT NOT NULL, "
    "anoniem INTEGER NOT NULL, status TEXT NOT NULL, niveau TEXT NOT NULL, "
    "traject INTEGER NOT NULL, regiehouder TEXT, intern_begeleider TEXT, "
    "volgende_bespreking TEXT, volgende_evaluatie TEXT"
)
CASUS_KOLOMMEN = tuple(deel.split()[0] for deel in CASUS_DDL.split(", "))
SIGNAAL_DDL = (
    "casus_id TEXT NOT NULL, versie INTEGER NOT NULL, traject INTEGER NOT NULL, "
    "melder_id TEXT NOT NULL, melder_naam TEXT NOT NULL, melder_rol TEXT NOT NULL, "
    "gemeld_op TEXT NOT NULL, signaal_datum TEXT NOT NULL, teruggekoppeld_op TEXT, "
    "PRIMARY KEY (casus_id, versie)"
)
SIGNAAL_KOLOMMEN = (
    *("casus_id", "versie", "traject", "melder_id", "melder_naam", "melder_rol"),
    *("gemeld_op", "signaal_datum", "teruggekoppeld_op"),
)


class Werkvoorraad(Projectie):
    naam = "werkvoorraad"
    tabellen: ClassVar[dict[str, str]] = {
        "werkvoorraad": CASUS_DDL,
        "werkvoorraad_signalen": SIGNAAL_DDL,
    }
    indexen: ClassVar[dict[str, str]] = {
        "werkvoorraad_regiehouder": "werkvoorraad:school, regiehouder",
        "werkvoorraad_ib": "werkvoorraad:school, intern_begeleider",
    }

    def verwerk(self, cur: Cursor, wijzigingen: Sequence[Wijziging]) -> None:
        laatste: dict[str, Wijziging] = {}
        signalen: list[list[Any]] = []
        for w in wijzigingen:
            laatste[w.casus_id] = w
            if w.type == "SignaalGemeld":
                signalen.append(_signaalrij(w))
            elif w.type == "TerugkoppelingGegeven" and w.gebeurtenis.aan == "signaalgever":  # type: ignore[attr-defined]
                datum = w.gebeurtenis.datum.isoformat()  # type: ignore[attr-defined]
                versie = w.gebeurtenis.originator_version
                # Feedback answers exactly the signals recorded before it (same file,
                # earlier version) of the reporter it is for (older feedback names none:
                # then all of them): those of this batch here, stored ones in the table.
                voor = w.gebeurtenis.signaalgever  # type: ignore[attr-defined]
                for rij in signalen:
                    if (
                        rij[0] == w.casus_id
                        and rij[1] < versie
                        and rij[-1] is None
                        and voor in (None, rij[3])
                    ):
                        rij[-1] = datum
                cur.execute(
                    f"UPDATE {self.t('werkvoorraad_signalen')} SET teruggekoppeld_op = %s "
                    "WHERE casus_id = %s AND versie < %s AND teruggekoppeld_op IS NULL "
                    "AND (CAST(%s AS TEXT) IS NULL OR melder_id = %s)",
                    [datum, w.casus_id, versie, voor, voor],
                )
        cur.voeg_toe(
            self.t("werkvoorraad_signalen"), SIGNAAL_KOLOMMEN, signalen, conflict="casus_id, versie"
        )
        # The file's row holds only its latest state: one write per file per batch.
        rijen = [_casusrij(w) for w in laatste.values()]
        schrijf_rijen(cur, self.t("werkvoorraad"), CASUS_KOLOMMEN, rijen)


def _signaalrij(w: Wijziging) -> list[Any]:
    e = w.gebeurtenis
    actor = e.actor
    return [
        w.casus_id,
        e.originator_version,
        w.na["traject"],
        actor.id,
        actor.naam,
        actor.rol,
        w.tijdstip,
        # The day as the school lives it: a signal at 00:30 in Amsterdam is that day.
        e.timestamp.astimezone(NEDERLAND).date().isoformat(),
        None,
    ]


def _casusrij(w: Wijziging) -> dict[str, Any]:
    na, d = w.na, w.details
    return {
        "casus_id": w.casus_id,
        "school": d["school"],
        "weergavenaam": weergavenaam(na, d),
        "klas": na["klas"],
        "anoniem": int(na["anoniem"]),
        "status": na["status"],
        "niveau": na["niveau"],
        "traject": na["traject"],
        "regiehouder": na["regiehouder"],
        "intern_begeleider": na["intern_begeleider"],
        "volgende_bespreking": na["volgende_bespreking"],
        "volgende_evaluatie": na["volgende_evaluatie"],
    }


# ---- reading ----------------------------------------------------------------------------


def _rollen(rij: dict[str, Any], medewerker: str) -> list[str]:
    rollen = []
    if rij["regiehouder"] == medewerker:
        rollen.append("regiehouder")
    if rij["intern_begeleider"] == medewerker:
        rollen.append("intern_begeleider")
    return rollen


# The files of one person's caseload, as a condition on `pv_werkvoorraad w`.
_EIGEN = "w.school = %s AND w.status = 'open' AND (w.regiehouder = %s OR w.intern_begeleider = %s)"


def werkvoorraad(opslag: Opslag, school: str, medewerker: str, peildatum: date) -> dict[str, Any]:
    """The caseload of `medewerker` (a staff id, the token's `sub`) on `peildatum`."""
    eigen = [school, medewerker, medewerker]
    with opslag.lezen() as cur:
        rijen = cur.execute(
            f"SELECT * FROM pv_werkvoorraad w WHERE {_EIGEN} ORDER BY weergavenaam, casus_id",
            eigen,
        ).fetchall()
        signalen = _open_signalen(cur, eigen, medewerker, peildatum) if rijen else []
    casussen = [
        {
            "casus_id": r["casus_id"],
            "weergavenaam": r["weergavenaam"],
            "anoniem": bool(r["anoniem"]),
            "klas": None if r["anoniem"] else r["klas"],  # nothing beside a pseudonym
            "niveau": r["niveau"],
            "rollen": _rollen(r, medewerker),
            "volgende_bespreking": r["volgende_bespreking"],
            "volgende_evaluatie": r["volgende_evaluatie"],
        }
        for r in rijen
    ]
    return {
        "medewerker": medewerker,
        "peildatum": peildatum.isoformat(),
        "casussen": casussen,
        "evaluaties": _evaluaties(casussen, peildatum),
        "terugkoppeling_verschuldigd": _verschuldigd(rijen, signalen, peildatum),
    }


def _evaluaties(casussen: list[dict[str, Any]], peildatum: date) -> list[dict[str, Any]]:
    grens = peildatum + VOORUITBLIK
    resultaat = []
    for casus in casussen:
        if casus["volgende_evaluatie"] is None:
            continue
        datum = date.fromisoformat(casus["volgende_evaluatie"])
        if datum > grens:
            continue
        dagen = (datum - peildatum).days
        resultaat.append(
            {
                "casus_id": casus["casus_id"],
                "weergavenaam": casus["weergavenaam"],
                "rollen": casus["rollen"],
                "evaluatiedatum": datum.isoformat(),
                "te_laat": dagen < 0,
                "dagen_tot": dagen,  # negative: that many days overdue
                "dagen_te_laat": max(0, -dagen),
            }
        )
    resultaat.sort(key=lambda e: (e["evaluatiedatum"], e["casus_id"]))
    return resultaat


def _open_signalen(
    cur: Cursor, eigen: list[str], medewerker: str, peildatum: date
) -> list[dict[str, Any]]:
    """The signals of the current traject of these files that may be owed on `peildatum`:
    the database drops the answered and the recent ones (most), `_verschuldigd` applies
    the whole rule. A join rather than a list of ids, so the signals are found through
    their key even when the planner has no statistics to tell it a list is short."""
    grens = (peildatum - TERUGKOPPELTERMIJN).isoformat()
    return cur.execute(
        "SELECT s.casus_id, s.traject, s.melder_id, s.melder_naam, s.melder_rol, "
        "s.signaal_datum, s.teruggekoppeld_op FROM pv_werkvoorraad w "
        "JOIN pv_werkvoorraad_signalen s ON s.casus_id = w.casus_id AND s.traject = w.traject "
        f"WHERE {_EIGEN} AND s.melder_id <> %s AND s.signaal_datum <= %s "
        "AND (s.teruggekoppeld_op IS NULL OR s.teruggekoppeld_op > %s) "
        "ORDER BY s.casus_id, s.versie",
        [*eigen, medewerker, grens, peildatum.isoformat()],
    ).fetchall()


def _verschuldigd(
    casussen: list[dict[str, Any]], signalen: list[dict[str, Any]], peildatum: date
) -> list[dict[str, Any]]:
    per_casus = {c["casus_id"]: c for c in casussen}
    grens = (peildatum - TERUGKOPPELTERMIJN).isoformat()
    peil = peildatum.isoformat()
    groepen: dict[tuple[str, str], dict[str, Any]] = {}
    for s in signalen:
        casus = per_casus[s["casus_id"]]
        beantwoord = s["teruggekoppeld_op"] is not None and s["teruggekoppeld_op"] <= peil
        if s["traject"] != casus["traject"] or beantwoord or s["signaal_datum"] > grens:
            continue
        sleutel = (s["casus_id"], s["melder_id"])
        groep = groepen.setdefault(
            sleutel,
            {
                "casus_id": s["casus_id"],
                "weergavenaam": casus["weergavenaam"],
                "melder": {"id": s["melder_id"], "naam": s["melder_naam"], "rol": s["melder_rol"]},
                "sinds": s["signaal_datum"],
                "aantal_signalen": 0,
            },
        )
        groep["sinds"] = min(groep["sinds"], s["signaal_datum"])
        groep["aantal_signalen"] += 1
    resultaat = list(groepen.values())
    for groep in resultaat:
        groep["dagen_zonder_terugkoppeling"] = (peildatum - date.fromisoformat(groep["sinds"])).days
    resultaat.sort(key=lambda g: (g["sinds"], g["casus_id"], g["melder"]["id"]))
    return resultaat
