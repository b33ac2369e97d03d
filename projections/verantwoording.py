"""The accountability report to the samenwerkingsverband: per school and school year,
aggregates only, with small counts suppressed (rules: docs/verantwoording.md).

The view stores facts, not totals: one row per counted event and one per change of a
file's level or status, each with its business date. Every aggregate, including "in care
at which level", is computed when asked, so the report depends on the events alone and
never on the day the view was built. Ids stay in the view's own tables and never leave
`verantwoording()`; no name or free text is stored at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any, ClassVar, get_args
from zoneinfo import ZoneInfo

from domain.identiteit import schooljaar_van
from domain.waarden import NIVEAUS, AfsluitReden, Categorie
from projections import verantwoording_telling as telling
from projections.basis import Projectie, Wijziging, datum_van
from projections.hergebruik import Hergebruik
from projections.onderdrukking import MARKERING, Tabel, mediaan, percentage, publiceer_aantallen
from projections.opslag import Cursor, Opslag
from projections.verantwoording_signalen import publiceer_signalen

NEDERLAND = ZoneInfo("Europe/Amsterdam")
Rapport = dict[str, Any]
# Publishes one table: (counts, contributors, min_cel) → cell → count or None.
Signalen = Callable[[Mapping[str, int], Mapping[str, int], int], dict[str, int | None]]

# fmt: off
# A total row is published with its table, so it is a sum the suppression must protect.
TABELLEN = (
    Tabel("leerlingen_in_zorg", "Leerlingen in zorg, naar hoogste niveau in het schooljaar",
          NIVEAUS, "totaal"),
    Tabel("klassen_in_zorg", "Klassen in zorg (groepsklimaat)", ("klassen",)),
    Tabel("signalen", "Nieuwe signalen per categorie (een signaal kan meer categorieën hebben)",
          get_args(Categorie), "totaal"),
    Tabel("stappen", "Stappen in de route", ("ozs_inbreng", "zat_verwijzing", "opp")),
    Tabel("evaluaties", "Uitgevoerde evaluaties", ("op_tijd", "te_laat", "zonder_termijn"),
          "totaal"),
    # "Terug naar de mentor" is an outcome but not a closure, so not part of that total.
    Tabel("uitkomsten", "Uitkomsten", ("terug_naar_mentor", *get_args(AfsluitReden)),
          "afgesloten", get_args(AfsluitReden)),
)
LABELS = {
    "mentor": "Mentor", "kernteam": "Kernteam", "contactpersoon": "Contactpersoon zorg",
    "ozs": "Zorgteam (OZS)", "extern": "Extern (ZAT)", "totaal": "Totaal",
    "klassen": "Klassen", "leren": "Leren", "werkhouding": "Werkhouding", "gedrag": "Gedrag",
    "sociaal_emotioneel": "Sociaal-emotioneel", "thuissituatie": "Thuissituatie",
    "verzuim": "Verzuim", "gezondheid": "Gezondheid", "veiligheid": "Veiligheid",
    "middelengebruik": "Middelengebruik", "groepsklimaat": "Groepsklimaat",
    "ozs_inbreng": "Ingebracht in het zorgteam (OZS)", "zat_verwijzing": "Doorverwezen naar het ZAT",
    "opp": "OPP vastgesteld", "op_tijd": "Op of vóór de afgesproken datum",
    "te_laat": "Na de afgesproken datum", "zonder_termijn": "Zonder afgesproken datum",
    "terug_naar_mentor": "Na evaluatie terug naar de mentor",
    "doelen_behaald": "Afgesloten: doelen behaald", "geen_zorg_meer": "Afgesloten: geen zorg meer nodig",
    "uitgeschreven": "Afgesloten: uitgeschreven", "overgedragen": "Afgesloten: overgedragen",
    "afgesloten": "Afgesloten, totaal",
}
# fmt: on
STAND = ("positie", "casus_id", "school", "soort", "datum", "niveau", "status")
FEITEN = (*STAND[:3], "volgnr", "schooljaar", "tabel", "cel", "traject", "datum")
STAPPEN = {
    "IngebrachtInOZS": "ozs_inbreng",
    "DoorverwezenNaarZAT": "zat_verwijzing",
    "OPPVastgesteld": "opp",
}


def peildatum(w: Wijziging) -> date:
    """The business date of an event (`datum`), else the Dutch calendar day it was recorded
    (signals, reopenings, OPPs carry no date of their own)."""
    datum = datum_van(w.gebeurtenis)
    if isinstance(datum, date):
        return datum
    return w.gebeurtenis.timestamp.astimezone(NEDERLAND).date()


class Verantwoording(Projectie):
    naam = "verantwoording"
    tabellen: ClassVar[dict[str, str]] = {
        # A file's level/status after each event that changed one of them.
        "verantwoording_stand": (
            "positie BIGINT PRIMARY KEY, casus_id TEXT NOT NULL, school TEXT NOT NULL, "
            "soort TEXT NOT NULL, datum TEXT NOT NULL, niveau TEXT NOT NULL, status TEXT NOT NULL"
        ),
        # One row per counted fact; `volgnr` separates the categories of one signal.
        "verantwoording_feiten": (
            "positie BIGINT NOT NULL, volgnr INTEGER NOT NULL, casus_id TEXT NOT NULL, "
            "school TEXT NOT NULL, schooljaar TEXT NOT NULL, tabel TEXT NOT NULL, "
            "cel TEXT NOT NULL, traject INTEGER NOT NULL, datum TEXT NOT NULL, "
            "PRIMARY KEY (positie, volgnr)"
        ),
        # The first signal of each traject: the start of the lead time to the OZS.
        "verantwoording_trajecten": (
            "casus_id TEXT NOT NULL, traject INTEGER NOT NULL, eerste_signaal TEXT NOT NULL, "
            "PRIMARY KEY (casus_id, traject)"
        ),
    }
    indexen: ClassVar[dict[str, str]] = {
        "verantwoording_stand_school": "verantwoording_stand:school, datum",
        "verantwoording_feiten_school": "verantwoording_feiten:school, schooljaar",
    }

    def verwerk(self, cur: Cursor, wijzigingen: Sequence[Wijziging]) -> None:
        stand, feiten, trajecten = [], [], []
        for w in wijzigingen:
            datum, na = peildatum(w), w.na
            iso, sleutel = datum.isoformat(), (w.positie, w.casus_id, w.details["school"])
            if (w.voor.get("niveau"), w.voor.get("status")) != (na["niveau"], na["status"]):
                stand.append((*sleutel, w.details["type"], iso, na["niveau"], na["status"]))
            eigen = self._feiten(w, datum)
            if eigen:
                jaar, traject = schooljaar_van(datum), na["traject"]
                for volgnr, (tabel, cel) in enumerate(eigen):
                    feiten.append((*sleutel, volgnr, jaar, tabel, cel, traject, iso))
            if w.type == "SignaalGemeld":
                trajecten.append((w.casus_id, na["traject"], iso))
        cur.voeg_toe(self.t("verantwoording_stand"), STAND, stand, conflict="positie")
        cur.voeg_toe(self.t("verantwoording_feiten"), FEITEN, feiten, conflict="positie, volgnr")
        # In log order, so the first signal of a traject wins.
        cur.executemany(
            f"INSERT INTO {self.t('verantwoording_trajecten')} (casus_id, traject, "
            "eerste_signaal) VALUES (%s, %s, %s) ON CONFLICT (casus_id, traject) DO NOTHING",
            trajecten,
        )

    @staticmethod
    def _feiten(w: Wijziging, datum: date) -> list[tuple[str, str]]:
        g: Any = w.gebeurtenis
        if w.type == "SignaalGemeld":
            return [("signalen", "totaal")] + [("signalen", c) for c in g.categorieen]
        if w.type in STAPPEN:
            return [("stappen", STAPPEN[w.type])]
        if w.type == "EvaluatieUitgevoerd":
            # On time = carried out on or before the evaluation date that was due just before.
            verwacht = w.voor.get("volgende_evaluatie")
            tijdig = (
                "zonder_termijn"
                if verwacht is None
                else ("op_tijd" if datum.isoformat() <= verwacht else "te_laat")
            )
            feiten = [("evaluaties", tijdig), ("evaluaties", "totaal")]
            if g.vervolg == "terug_naar_mentor":
                feiten.append(("uitkomsten", "terug_naar_mentor"))
            return feiten
        if w.type == "CasusAfgesloten":
            return [("uitkomsten", g.reden), ("uitkomsten", "afgesloten")]
        return []


def _periode(schooljaar: str) -> tuple[date, date]:
    begin = int(schooljaar.split("-")[0])
    if schooljaar != f"{begin}-{begin + 1}":
        raise ValueError("schooljaar moet de vorm 2025-2026 hebben")
    return date(begin, 8, 1), date(begin + 1, 7, 31)


def _lees(cur: Cursor, scholen: list[str], schooljaar: str) -> dict[str, Any]:
    van, tot = (d.isoformat() for d in _periode(schooljaar))
    return {
        "in_zorg": telling.in_zorg(cur, scholen, van, tot),
        "cellen": telling.cellen(cur, scholen, schooljaar),
        "doorloop": telling.doorloop(cur, scholen, schooljaar),
    }


def _school(
    school: str, data: dict[str, Any], min_cel: int, signalen: Signalen | None = None
) -> dict[str, Any]:
    # Per (tabel, cel): how many facts, and from how many distinct files.
    aantallen: dict[tuple[str, str], int] = defaultdict(int)
    personen: dict[tuple[str, str], int] = defaultdict(int)
    for rij in data["in_zorg"]:
        if rij["school"] != school:
            continue
        # A file is counted once, at its highest level: its count is its contributors.
        if rij["soort"] == "klas":
            sleutels = [("klassen_in_zorg", "klassen")]
        else:
            sleutels = [("leerlingen_in_zorg", rij["niveau"]), ("leerlingen_in_zorg", "totaal")]
        for sleutel in sleutels:
            aantallen[sleutel] += rij["aantal"]
            personen[sleutel] += rij["aantal"]
    for rij in data["cellen"]:
        if rij["school"] == school:
            aantallen[(rij["tabel"], rij["cel"])] += rij["aantal"]
            personen[(rij["tabel"], rij["cel"])] += rij["personen"]
    tabellen, gepubliceerd = [], {}
    for tabel in TABELLEN:
        # The signal table is checked against the trends' months as well.
        publiceer = signalen if signalen and tabel.sleutel == "signalen" else None
        uit = (publiceer or partial(publiceer_aantallen, tabel))(
            {c: aantallen[(tabel.sleutel, c)] for c in tabel.cellen},
            {c: personen[(tabel.sleutel, c)] for c in tabel.cellen},
            min_cel,
        )
        gepubliceerd[tabel.sleutel] = uit
        rijen = [_cijfer(c, LABELS[c], "aantal", uit[c]) for c in tabel.cellen]
        tabellen.append({"sleutel": tabel.sleutel, "titel": tabel.titel, "rijen": rijen})
    ev = gepubliceerd["evaluaties"]
    op_tijd, te_laat = ev["op_tijd"], ev["te_laat"]
    basis = None if op_tijd is None or te_laat is None else op_tijd + te_laat
    inbreng = [r for r in data["doorloop"] if r["school"] == school]
    # An intake dated before its signal (entered afterwards) counts as 0 days.
    dagen = [max(0, (_d(r["datum"]) - _d(r["eerste_signaal"])).days) for r in inbreng]
    inbrengers = len({r["casus_id"] for r in inbreng})
    kengetallen = [
        _cijfer("evaluaties_op_tijd_pct", "Evaluaties op tijd (met afgesproken datum)", "%",
                percentage(op_tijd, basis, min_cel)),
        _cijfer("doorlooptijd_signaal_ozs_mediaan", "Doorlooptijd signaal → inbreng OZS (mediaan)",
                "dagen", mediaan(dagen, inbrengers, min_cel)),
    ]  # fmt: skip
    return {"school": school, "tabellen": tabellen, "kengetallen": kengetallen}


def _d(tekst: str) -> date:
    return date.fromisoformat(tekst)


def _cijfer(sleutel: str, label: str, eenheid: str, waarde: float | None) -> dict[str, Any]:
    return {"sleutel": sleutel, "label": label, "eenheid": eenheid, "waarde": waarde,
            "onderdrukt": waarde is None}  # fmt: skip


def verantwoording(
    opslag: Opslag,
    scholen: list[str],
    schooljaar: str,
    min_cel: int = 5,
    vandaag: date | None = None,
) -> Rapport:
    """The report for these schools and school year; each school stands alone (no totals
    across schools, which would be one more sum to protect)."""
    if min_cel < 1:
        raise ValueError("min_cel moet minstens 1 zijn")
    van, tot = _periode(schooljaar)
    dag = vandaag or datetime.now(NEDERLAND).date()
    scholen = sorted(set(scholen))
    if not scholen:
        data: dict[str, Any] = {"in_zorg": [], "cellen": [], "doorloop": []}
    else:
        with opslag.lezen(tellen=True) as cur:
            data = _lees(cur, scholen, schooljaar)
    return {
        "schooljaar": schooljaar,
        "periode": {"van": van.isoformat(), "tot_en_met": tot.isoformat()},
        "min_cel": min_cel,
        "markering": MARKERING,
        "scholen": [
            _school(s, data, min_cel, _signalen(opslag, s, (van, tot), dag)) for s in scholen
        ],
    }


def _signalen(opslag: Opslag, school: str, periode: tuple[date, date], vandaag: date) -> Signalen:
    def publiceer(
        waarden: Mapping[str, int], bijdragers: Mapping[str, int], min_cel: int
    ) -> dict[str, int | None]:
        tabel = next(t for t in TABELLEN if t.sleutel == "signalen")
        return publiceer_signalen(
            opslag, school, periode, tabel, waarden, bijdragers, min_cel, vandaag
        )

    return publiceer


_HERGEBRUIK = Hergebruik()


def verantwoording_bij(
    opslag: Opslag,
    scholen: list[str],
    schooljaar: str,
    min_cel: int,
    positie: int,
    vandaag: date | None = None,
    trends_positie: int = 0,
) -> Rapport:
    """The same report, reused while the views stand at the same log positions (the
    trends' months take part in suppressing the signal table) on the same day: it can only
    change when they do, and computing it reads every fact of a school year."""
    dag = vandaag or datetime.now(NEDERLAND).date()
    sleutel = (id(opslag), tuple(sorted(set(scholen))), schooljaar, min_cel, positie, dag,
               trends_positie)  # fmt: skip
    return _HERGEBRUIK.geef(
        sleutel, lambda: verantwoording(opslag, scholen, schooljaar, min_cel, dag)
    )
