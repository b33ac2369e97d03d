"""An agenda answer as CSV or iCalendar (the JSON answer is `projections.agenda.agenda`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from projections.agenda_begrippen import KERNVRAGEN, OVERLEGGEN, REDENEN
from projections.formaten import IcsGebeurtenis, als_csv, als_ics

CSV_KOLOMMEN = (
    *("casus_id", "weergavenaam", "klas", "reden", "regiehouder", "laatst_besproken", "vraag"),
    *KERNVRAGEN,
)


def csv_van(resultaat: dict[str, Any]) -> str:
    """An agenda answer as CSV: one line per item, the key questions as columns."""
    rijen = [
        {
            **item,
            **item["kernvragen"],
            "reden": REDENEN[item["reden"]],
            "regiehouder": (item["regiehouder"] or {}).get("naam"),
        }
        for item in resultaat["items"]
    ]
    return als_csv(rijen, CSV_KOLOMMEN)


def ics_van(resultaat: dict[str, Any], school: str, tijdstempel: datetime | None = None) -> str:
    """An agenda answer as iCalendar: one all-day VEVENT for the meeting, the items in
    its description. Only display name, class, reason and regiehouder go in: calendars
    sync to phones and cloud services, so the key questions' free texts stay out."""
    overleg, d = resultaat["overleg"], resultaat["datum"]
    regels = []
    for nummer, item in enumerate(resultaat["items"], start=1):
        tekst = f"{nummer}. {item['weergavenaam']}"
        if item["klas"]:
            tekst += f" ({item['klas']})"
        tekst += f" – {REDENEN[item['reden']]}"
        if item["regiehouder"]:
            tekst += f" – regiehouder {item['regiehouder']['naam']}"
        regels.append(tekst)
    gebeurtenis = IcsGebeurtenis(
        uid=f"agenda-{overleg}-{d.replace('-', '')}-{school.lower()}@zorgroute",
        begin=date.fromisoformat(d),
        samenvatting=f"{OVERLEGGEN[overleg]} – {len(regels)} {'casus' if len(regels) == 1 else 'casussen'}",
        beschrijving="\n".join(regels) if regels else "Geen casussen op de agenda.",
    )
    return als_ics(
        [gebeurtenis],
        prodid="-//Zorgroute//Agenda//NL",
        tijdstempel=tijdstempel or datetime.now(UTC),
        kalendernaam=f"Zorgroute {OVERLEGGEN[overleg]}",
    )
