"""Rendering of view rows as CSV (RFC 4180) and iCalendar (RFC 5545), for any view.

Both formats leave the service: CSV files are opened in spreadsheets and calendars sync
to phones. So CSV cells that a spreadsheet would run as a formula are defused, and the
iCalendar text is escaped and folded exactly as the RFC says, so no calendar client
misreads a line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

CRLF = "\r\n"
ICS_REGELLENGTE = 75  # octets per line, CRLF excluded (RFC 5545 §3.1)

# A cell starting with one of these is run as a formula by Excel and LibreOffice (CSV
# injection, OWASP); free texts from users can start with them.
_FORMULE_TEKENS = ("=", "+", "-", "@", "\t", "\r")


def _cel(waarde: Any) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if isinstance(waarde, int | float):
        return str(waarde)  # numbers stay numbers, a minus sign included
    if isinstance(waarde, date | datetime):
        return waarde.isoformat()
    if isinstance(waarde, list | tuple):
        tekst = "; ".join(_cel(w) for w in waarde)
    else:
        tekst = str(waarde)
    return "'" + tekst if tekst.startswith(_FORMULE_TEKENS) else tekst


def als_csv(rijen: Iterable[Mapping[str, Any]], kolommen: Sequence[str]) -> str:
    """CSV with a header row of `kolommen`, CRLF line ends and quoting where needed
    (RFC 4180). Missing keys and None are empty cells, booleans `ja`/`nee`, lists are
    joined with `; `."""
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, lineterminator=CRLF, quoting=csv.QUOTE_MINIMAL)
    schrijver.writerow(kolommen)
    for rij in rijen:
        schrijver.writerow([_cel(rij.get(k)) for k in kolommen])
    return buffer.getvalue()


@dataclass(frozen=True)
class IcsGebeurtenis:
    """One VEVENT. `begin` as a date makes an all-day event (the meeting's time of day
    is not known to the service); a datetime must carry a zone."""

    uid: str
    begin: date | datetime
    samenvatting: str
    beschrijving: str = ""
    einde: date | datetime | None = None


def ics_tekst(waarde: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    return (
        waarde.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def vouw(regel: str) -> str:
    """Fold one content line into pieces of at most 75 octets, never inside a UTF-8
    character; continuation lines start with one space, which counts (RFC 5545 §3.1)."""
    delen: list[str] = []
    huidig: list[str] = []
    lengte, limiet = 0, ICS_REGELLENGTE
    for teken in regel:
        octetten = len(teken.encode("utf-8"))
        if lengte + octetten > limiet:
            delen.append("".join(huidig))
            huidig, lengte, limiet = [], 0, ICS_REGELLENGTE - 1
        huidig.append(teken)
        lengte += octetten
    delen.append("".join(huidig))
    return (CRLF + " ").join(delen)


def _ics_tijd(waarde: date | datetime, naam: str) -> str:
    if isinstance(waarde, datetime):
        if waarde.tzinfo is None:
            raise ValueError("een tijdstip in iCalendar heeft een tijdzone nodig")
        return f"{naam}:{waarde.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    return f"{naam};VALUE=DATE:{waarde.strftime('%Y%m%d')}"


def als_ics(
    gebeurtenissen: Iterable[IcsGebeurtenis],
    *,
    prodid: str = "-//Zorgroute//Zorgroute//NL",
    tijdstempel: datetime | None = None,
    kalendernaam: str | None = None,
) -> str:
    """A VCALENDAR (text/calendar) with one VEVENT per gebeurtenis. `tijdstempel` is the
    DTSTAMP (default: now); pass it to get byte-identical output for the same input."""
    stempel = (tijdstempel or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    regels = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN"]
    regels.append("METHOD:PUBLISH")
    if kalendernaam:
        regels.append(f"X-WR-CALNAME:{ics_tekst(kalendernaam)}")
    for g in gebeurtenissen:
        regels += ["BEGIN:VEVENT", f"UID:{g.uid}", f"DTSTAMP:{stempel}"]
        regels.append(_ics_tijd(g.begin, "DTSTART"))
        if g.einde is not None:
            regels.append(_ics_tijd(g.einde, "DTEND"))
        regels.append(f"SUMMARY:{ics_tekst(g.samenvatting)}")
        if g.beschrijving:
            regels.append(f"DESCRIPTION:{ics_tekst(g.beschrijving)}")
        regels.append("END:VEVENT")
    regels.append("END:VCALENDAR")
    return "".join(vouw(r) + CRLF for r in regels)
