"""The agenda per meeting (kernteam, OZS, ZAT) and date, with the key questions to prepare.

The view stores dates only (one row per file); which file is due for which meeting is
decided when asked, from those dates and the meeting date (`agenda_regels`), so a view
built today gives the same agenda as one built last month. An anonymous file is stored
and shown under its pseudonym only, without its class: the name of such a pupil never
enters this view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

import orjson

from projections.agenda_begrippen import OVERLEGGEN, REDENEN
from projections.agenda_regels import VOORWAARDEN, redenen
from projections.basis import (
    Projectie,
    Wijziging,
    datum_van,
    lees_rijen,
    schrijf_rijen,
    weergavenaam,
)
from projections.opslag import Cursor, Opslag, Rij

ONDER_OZS = ("mentor", "kernteam", "contactpersoon")

DDL = (
    "casus_id TEXT PRIMARY KEY, school TEXT NOT NULL, type TEXT NOT NULL, "
    "weergavenaam TEXT, klas TEXT, anoniem INTEGER NOT NULL, status TEXT NOT NULL, "
    "niveau TEXT NOT NULL, regiehouder TEXT, regiehouder_naam TEXT, "
    "volgende_bespreking TEXT, volgende_evaluatie TEXT, opschalen INTEGER NOT NULL, "
    "startdocument TEXT, intake_datum TEXT, eerste_ozs_bespreking TEXT, "
    "laatst_besproken_ozs TEXT, kt_datum TEXT, kt_vraag TEXT, kt_besproken_op TEXT, "
    "laatst_besproken_kernteam TEXT, opschalen_op TEXT, zat_verwezen_op TEXT, "
    "zat_hulpvraag TEXT, zat_afgehandeld_op TEXT"
)
KOLOMMEN = tuple(deel.split()[0] for deel in DDL.split(", "))
# Facts of one traject, taken from the events themselves (the aggregate forgets some of
# them, e.g. a kernteam registration once discussed); a reopening starts them afresh.
TRAJECTFEITEN = KOLOMMEN[KOLOMMEN.index("intake_datum") :]


class Agenda(Projectie):
    naam = "agenda"
    tabellen: ClassVar[dict[str, str]] = {"agenda": DDL}
    indexen: ClassVar[dict[str, str]] = {"agenda_school_niveau": "agenda:school, status, niveau"}

    def verwerk(self, cur: Cursor, wijzigingen: Sequence[Wijziging]) -> None:
        laatste: dict[str, Wijziging] = {}
        for w in wijzigingen:
            laatste[w.casus_id] = w
        rijen = lees_rijen(cur, self.t("agenda"), set(laatste))
        for w in wijzigingen:
            rij = rijen.get(w.casus_id)
            if rij is None:
                rij = rijen[w.casus_id] = dict.fromkeys(KOLOMMEN)
            _pas_toe(rij, w)
        # The file's current state is that after its last event in the batch.
        for casus_id, w in laatste.items():
            _zet_stand(rijen[casus_id], w)
        schrijf_rijen(cur, self.t("agenda"), KOLOMMEN, list(rijen.values()))


def _zet_stand(rij: Rij, w: Wijziging) -> None:
    na, d = w.na, w.details
    rij.update(
        casus_id=w.casus_id,
        school=d["school"],
        type=d["type"],
        weergavenaam=weergavenaam(na, d),
        klas=None if na["anoniem"] else na["klas"],
        anoniem=int(na["anoniem"]),
        status=na["status"],
        niveau=na["niveau"],
        regiehouder=na["regiehouder"],
        regiehouder_naam=d["regiehouder_naam"],
        volgende_bespreking=na["volgende_bespreking"],
        volgende_evaluatie=na["volgende_evaluatie"],
        opschalen=int(d["opschalen"]),
        startdocument=orjson.dumps(d["startdocument"]).decode() if d["startdocument"] else None,
    )


def _pas_toe(rij: Rij, w: Wijziging) -> None:
    """The traject's facts from one event (only `TRAJECTFEITEN` are read or written)."""
    e = w.gebeurtenis
    datum = datum_van(e)
    dag = datum.isoformat() if isinstance(datum, date) else None
    if w.type == "CasusHeropend":
        rij.update(dict.fromkeys(TRAJECTFEITEN))
    elif w.type == "AangemeldVoorKernteam":
        rij.update(kt_datum=dag, kt_vraag=e.vraag, kt_besproken_op=None)  # type: ignore[attr-defined]
    elif w.type == "AfgemeldVoorKernteam":
        rij.update(kt_datum=None, kt_vraag=None, kt_besproken_op=None)
    elif w.type == "BesprokenInKernteam":
        rij["laatst_besproken_kernteam"] = _laatste(rij["laatst_besproken_kernteam"], dag)
        if rij["kt_datum"] and rij["kt_besproken_op"] is None:
            rij["kt_besproken_op"] = dag
    elif w.type == "IngebrachtInOZS":
        rij.update(intake_datum=dag, eerste_ozs_bespreking=None)
    elif w.type == "BesprokenInOZS":
        rij["laatst_besproken_ozs"] = _laatste(rij["laatst_besproken_ozs"], dag)
        intake = rij["intake_datum"]
        if intake and dag and dag >= intake and rij["eerste_ozs_bespreking"] is None:
            rij["eerste_ozs_bespreking"] = dag
    elif w.type == "EvaluatieUitgevoerd":
        if e.vervolg == "opschalen":  # type: ignore[attr-defined]
            rij["opschalen_op"] = dag
        verwezen = rij["zat_verwezen_op"]
        if verwezen and dag and dag >= verwezen and rij["zat_afgehandeld_op"] is None:
            rij["zat_afgehandeld_op"] = dag
    elif w.type == "DoorverwezenNaarZAT":
        rij.update(zat_verwezen_op=dag, zat_hulpvraag=e.hulpvraag, zat_afgehandeld_op=None)  # type: ignore[attr-defined]


def _laatste(oud: str | None, nieuw: str | None) -> str | None:
    return max(d for d in (oud, nieuw) if d) if (oud or nieuw) else None


# ---- reading ----------------------------------------------------------------------------


def _kernvragen(rij: Rij) -> dict[str, Any]:
    start = orjson.loads(rij["startdocument"]) if rij["startdocument"] else {}
    naam, onder_ozs = rij["regiehouder_naam"], rij["niveau"] in ONDER_OZS
    regie: str | None
    terug: str | None
    if rij["type"] == "klas":  # a class keeps its mentor in charge, at every level
        regie = terug = f"mentor van klas {rij['klas']}"
    elif naam:
        regie, terug = naam, f"{naam} (regiehouder) aan mentor en signaalgever"
    elif onder_ozs:
        regie, terug = "mentor", "mentor aan signaalgever"
    else:
        regie = terug = None  # to be settled in the meeting: appoint a regiehouder
    return {
        "doel": start.get("doel"),
        "ondersteuningsbehoefte": start.get("ondersteuningsvraag") or rij["kt_vraag"],
        "waarom_nu": start.get("waarom_nu"),
        "sterke_kanten": start.get("sterke_kanten"),
        "wanneer_evalueren": rij["volgende_evaluatie"],
        "casusregie": regie,
        "wie_koppelt_terug": terug,
    }


def _item(rij: Rij, overleg: str, gevonden: list[str]) -> dict[str, Any]:
    regiehouder = None
    if rij["regiehouder"]:
        regiehouder = {"medewerker_id": rij["regiehouder"], "naam": rij["regiehouder_naam"]}
    vraag = {"kernteam": rij["kt_vraag"], "zat": rij["zat_hulpvraag"]}.get(overleg)
    besproken = rij[
        "laatst_besproken_kernteam" if overleg == "kernteam" else "laatst_besproken_ozs"
    ]
    return {
        "casus_id": rij["casus_id"],
        "weergavenaam": rij["weergavenaam"],
        "anoniem": bool(rij["anoniem"]),
        "klas": rij["klas"],
        "niveau": rij["niveau"],
        "reden": gevonden[0],
        "redenen": gevonden,
        "regiehouder": regiehouder,
        "laatst_besproken": besproken,
        "vraag": vraag,
        "kernvragen": _kernvragen(rij),
    }


def agenda(opslag: Opslag, school: str, overleg: str, datum: date) -> dict[str, Any]:
    """The agenda of `overleg` ('kernteam', 'ozs' or 'zat') for the meeting on `datum`."""
    return agenda_met_dossiers(opslag, school, overleg, datum, dossiers=False)[0]


def agenda_met_dossiers(
    opslag: Opslag, school: str, overleg: str, datum: date, *, dossiers: bool = True
) -> tuple[dict[str, Any], list[Rij]]:
    """The agenda, and (`dossiers`) the case-list rows of its files, which the access
    policy decides on: read in one transaction, so that an overview of hundreds of
    files does not pay for a second one."""
    if overleg not in OVERLEGGEN:
        raise ValueError(f"onbekend overleg: {overleg}")
    d = datum.isoformat()
    voorwaarde, aantal = VOORWAARDEN[overleg]
    waar = f"a.school = %s AND a.status = 'open' AND {voorwaarde}"
    params = [school, *[d] * aantal]
    with opslag.lezen() as cur:
        rijen = cur.execute(f"SELECT * FROM pv_agenda a WHERE {waar}", params).fetchall()
        casusrijen = []
        if dossiers and rijen:
            casusrijen = cur.execute(
                "SELECT c.* FROM pv_agenda a JOIN pv_casussen c ON c.casus_id = a.casus_id "
                f"WHERE {waar} AND c.school = %s",
                [*params, school],
            ).fetchall()
    items = []
    for rij in rijen:
        gevonden = redenen(rij, overleg, d)
        if gevonden:
            items.append(_item(rij, overleg, gevonden))
    volgorde = {reden: index for index, reden in enumerate(REDENEN)}
    items.sort(key=lambda i: (volgorde[i["reden"]], i["weergavenaam"], i["casus_id"]))
    return {"overleg": overleg, "datum": d, "items": items}, casusrijen
