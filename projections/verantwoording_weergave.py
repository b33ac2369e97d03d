"""The accountability report for people: a CSV export and a printable HTML page, built
from the report `projections.verantwoording.verantwoording` computes (aggregates only)."""

from __future__ import annotations

import html
from typing import Any

from projections.formaten import als_csv as _csv
from projections.onderdrukking import MARKERING
from projections.verantwoording import Rapport


def _rijen_plat(rapport: Rapport) -> list[dict[str, Any]]:
    rijen = []
    for school in rapport["scholen"]:
        groepen = [(t["sleutel"], t["rijen"]) for t in school["tabellen"]]
        for tabel, cijfers in [*groepen, ("kengetallen", school["kengetallen"])]:
            rijen += [
                {"school": school["school"], "schooljaar": rapport["schooljaar"], "tabel": tabel,
                 "onderdeel": c["sleutel"], "omschrijving": c["label"], "eenheid": c["eenheid"],
                 "waarde": MARKERING if c["onderdrukt"] else c["waarde"]}
                for c in cijfers
            ]  # fmt: skip
    return rijen


def als_csv(rapport: Rapport) -> str:
    """One line per published figure; a hidden figure is the marker, never a number."""
    kolommen = ("school", "schooljaar", "tabel", "onderdeel", "omschrijving", "waarde", "eenheid")
    return _csv(_rijen_plat(rapport), kolommen)


STIJL = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;margin:0 0 1.2rem;min-width:24rem}
th,td{border:1px solid #999;padding:.25rem .6rem;text-align:left}
td.getal{text-align:right;font-variant-numeric:tabular-nums}
tr.totaal td{font-weight:bold}
section{margin-bottom:2rem}
@page{size:A4;margin:15mm}
@media print{body{margin:0}section{break-before:page}section:first-of-type{break-before:auto}
table,tr{break-inside:avoid}.scherm{display:none}}
"""


def _getal(waarde: Any) -> str:
    if waarde is None:
        return MARKERING
    return f"{waarde:g}".replace(".", ",") if isinstance(waarde, float) else str(waarde)


def als_html(rapport: Rapport) -> str:
    """A self-contained, printable page in Dutch: inline style, no scripts or links out."""
    e = html.escape
    jaar = e(rapport["schooljaar"])
    delen = [
        "<!DOCTYPE html>",
        '<html lang="nl"><head><meta charset="utf-8">',
        f"<title>Verantwoording zorgstructuur {jaar}</title><style>{STIJL}</style></head><body>",
        f"<h1>Verantwoording zorgstructuur, schooljaar {jaar}</h1>",
        f"<p>Periode {e(rapport['periode']['van'])} t/m {e(rapport['periode']['tot_en_met'])}. "
        f"Alleen totalen; aantallen over 1 tot {int(rapport['min_cel'])} personen en de cellen "
        f"waaruit die terug te rekenen zijn staan als <strong>{e(MARKERING)}</strong>.</p>",
        '<p class="scherm">Afdrukken: Ctrl+P / ⌘P.</p>',
    ]
    for school in rapport["scholen"]:
        delen.append(f"<section><h2>School {e(school['school'])}</h2>")
        for tabel in school["tabellen"]:
            delen.append(
                f"<table><caption><strong>{e(tabel['titel'])}</strong></caption>"
                '<tr><th scope="col">Onderdeel</th><th scope="col">Aantal</th></tr>'
            )
            for rij in tabel["rijen"]:
                klasse = ' class="totaal"' if rij["sleutel"] in ("totaal", "afgesloten") else ""
                delen.append(
                    f"<tr{klasse}><td>{e(rij['label'])}</td>"
                    f'<td class="getal">{e(_getal(rij["waarde"]))}</td></tr>'
                )
            delen.append("</table>")
        delen.append("<table><caption><strong>Kengetallen</strong></caption>")
        for k in school["kengetallen"]:
            delen.append(
                f'<tr><td>{e(k["label"])}</td><td class="getal">'
                f"{e(_getal(k['waarde']))} {e(k['eenheid'])}</td></tr>"
            )
        delen.append("</table></section>")
    delen.append("</body></html>")
    return "\n".join(delen)
