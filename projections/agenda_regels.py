"""Which file is due for which meeting: the rules over the agenda view's dates, once in
Python (`redenen`, which decides each row) and once as SQL (`VOORWAARDEN`, which lets
the database hand back only the files that may be due). For meeting date D (open files
of the school only; a closed file never appears):

kernteam
  `kernteam_aangemeld` — registered for a kernteam meeting on or before D and not yet
  discussed in the kernteam before D (a missed meeting carries over to the next one).
  `evaluatie` — at level kernteam or contactpersoon with the next evaluation ≤ D
  (interventions from basic support are evaluated where they were set).
ozs (files at level ozs or extern)
  `nieuw_ingebracht` — brought in on or before D and not discussed in the OZS before D.
  `opschalen` — an evaluation on or before D asked to escalate, not yet discussed.
  `evaluatie` — at level ozs with the next evaluation ≤ D (extern: see zat).
  `periodieke_bespreking` — next discussion ≤ D: 28 days after the intake or the last
  discussion (or the date that discussion set), so exactly 4 weeks later it is due.
zat (files at level extern)
  `verwezen` — referred on or before D and no evaluation recorded before D since the
  referral (the regiehouder records the ZAT's outcome as an evaluation).
  `evaluatie` — next evaluation ≤ D.

A file due for several reasons appears once: `reden` is the first in `REDENEN`,
`redenen` lists them all.
"""

from __future__ import annotations

from projections.agenda_begrippen import REDENEN
from projections.opslag import Rij


def _voor(waarde: str | None, d: str) -> bool:
    """True when the stored date is on or before meeting date `d` (ISO text compares)."""
    return waarde is not None and waarde <= d


def _nog_niet_voor(waarde: str | None, d: str) -> bool:
    """True when the follow-up did not happen before `d` (none yet, or on/after `d`)."""
    return waarde is None or waarde >= d


def redenen(rij: Rij, overleg: str, d: str) -> list[str]:
    """Why this file is on the agenda of `overleg` on ISO date `d` (see this module's doc)."""
    niveau, gevonden = rij["niveau"], set()
    if overleg == "kernteam":
        if _voor(rij["kt_datum"], d) and _nog_niet_voor(rij["kt_besproken_op"], d):
            gevonden.add("kernteam_aangemeld")
        if niveau in ("kernteam", "contactpersoon") and _voor(rij["volgende_evaluatie"], d):
            gevonden.add("evaluatie")
    elif overleg == "ozs" and niveau in ("ozs", "extern"):
        if _voor(rij["intake_datum"], d) and _nog_niet_voor(rij["eerste_ozs_bespreking"], d):
            gevonden.add("nieuw_ingebracht")
        if rij["opschalen"] and _voor(rij["opschalen_op"], d):
            gevonden.add("opschalen")
        if niveau == "ozs" and _voor(rij["volgende_evaluatie"], d):
            gevonden.add("evaluatie")
        if _voor(rij["volgende_bespreking"], d):
            gevonden.add("periodieke_bespreking")
    elif overleg == "zat" and niveau == "extern":
        if _voor(rij["zat_verwezen_op"], d) and _nog_niet_voor(rij["zat_afgehandeld_op"], d):
            gevonden.add("verwezen")
        if _voor(rij["volgende_evaluatie"], d):
            gevonden.add("evaluatie")
    return [r for r in REDENEN if r in gevonden]


# The rules of `redenen` as SQL, per meeting: the database hands back only the files that
# are due (a few hundred of the thousands open at a school), with their dates compared as
# ISO text exactly as `redenen` compares them. `redenen` still decides each row, so the
# two can only differ by the SQL letting a row through that Python then drops.
_NIET_VOOR = "({kolom} IS NULL OR {kolom} >= %s)"
VOORWAARDEN: dict[str, tuple[str, int]] = {
    "kernteam": (
        "((a.kt_datum <= %s AND " + _NIET_VOOR.format(kolom="a.kt_besproken_op") + ") "
        "OR (a.niveau IN ('kernteam', 'contactpersoon') AND a.volgende_evaluatie <= %s))",
        3,
    ),
    "ozs": (
        "a.niveau IN ('ozs', 'extern') AND ("
        "(a.intake_datum <= %s AND " + _NIET_VOOR.format(kolom="a.eerste_ozs_bespreking") + ") "
        "OR (a.opschalen <> 0 AND a.opschalen_op <= %s) "
        "OR (a.niveau = 'ozs' AND a.volgende_evaluatie <= %s) "
        "OR a.volgende_bespreking <= %s)",
        5,
    ),
    "zat": (
        "a.niveau = 'extern' AND ("
        "(a.zat_verwezen_op <= %s AND " + _NIET_VOOR.format(kolom="a.zat_afgehandeld_op") + ") "
        "OR a.volgende_evaluatie <= %s)",
        3,
    ),
}
