"""Control characters in any text the API takes: 422 naming the field, nothing stored.

One NUL in a pupil's name once stopped every view of a deployment on PostgreSQL (issue
14). Free texts keep tab and newline (and CRLF); names, ids, list items and every query
string take no control character at all (docs/invoer.md).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.e2e.conftest import (
    API,
    Medewerker,
    Omgeving,
    bijgewerkt,
    dag,
    leerling,
    probleem,
    signaal,
)

# C0 (NUL, tab, newline, escape), DEL and C1 (NEL, CSI).
STUURTEKENS = ("\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b")
# The required parameters of the reads that have them, beside the one under test.
VEREIST: dict[str, dict[str, str]] = {
    "/trends": {"van": dag(-60), "tot": dag(0)},
    "/verantwoording": {"schooljaar": "2025-2026"},
}


def _veld(antwoord: Any) -> list[str]:
    return [f["veld"] for f in probleem(antwoord, 422, "ongeldige_invoer")["fouten"]]


def _json(wie: Medewerker, pad: str, body: dict[str, Any]) -> Any:
    # Escaped as JSON allows (httpx would refuse to encode a lone surrogate itself).
    kop = {"Content-Type": "application/json"}
    return wie.post(pad, content=json.dumps(body, ensure_ascii=True), headers=kop)


def _tekstparameters(omgeving: Omgeving) -> list[tuple[str, str]]:
    """(path, name) of every free string a GET route takes in its query, from the OpenAPI
    document: a parameter added later is covered without touching this test."""
    document = omgeving.client.get("/openapi.json").json()
    gevonden = []
    for pad, operaties in document["paths"].items():
        for parameter in operaties.get("get", {}).get("parameters", []):
            schema = parameter["schema"]
            soorten = schema.get("anyOf", [schema])
            vrij = any(s.get("type") == "string" and "enum" not in s for s in soorten)
            if parameter["in"] == "query" and vrij:
                gevonden.append((pad, parameter["name"]))
    return gevonden


def test_elke_tekst_in_een_query_weigert_stuurtekens(omgeving: Omgeving, zc: Medewerker) -> None:
    cid = zc.meld()
    parameters = _tekstparameters(omgeving)
    # The ones that answered 500 at c48706c are among them.
    for naam in ("klas", "afdeling", "regiehouder", "cursor", "medewerker", "gebruiker", "per"):
        assert naam in {n for _, n in parameters}, naam
    for pad, naam in parameters:
        url = pad.removeprefix(API).replace("{casus_id}", cid).replace("{overleg}", "kernteam")
        for teken in STUURTEKENS:
            params = {**VEREIST.get(url, {}), naam: f"a{teken}b"}
            antwoord = zc.get(url, params=params)
            assert _veld(antwoord) == [naam], (pad, naam, repr(teken), antwoord.text)


def test_een_cursor_die_een_stuurteken_verbergt_is_ongeldig(zc: Medewerker) -> None:
    # The cursor is opaque, but what it decodes to reaches the database.
    verborgen = base64.urlsafe_b64encode(b'["2025-01-01\\u0000", "x"]').decode()
    assert _veld(zc.get("/casussen", params={"cursor": verborgen})) == ["cursor"]


def test_een_naam_met_een_stuurteken_opent_geen_dossier(zc: Medewerker) -> None:
    for teken in (*STUURTEKENS, "\ud800"):  # and a lone surrogate
        for veld in ("naam", "leerlingnummer", "klas", "afdeling"):
            onderwerp = leerling(**{veld: f"Nul{teken}Byte"})
            antwoord = _json(zc, "/signalen", signaal(onderwerp))
            assert _veld(antwoord) == [f"onderwerp.{veld}"], (veld, repr(teken))
    # Nothing stored, and every view still reads (on PostgreSQL a NUL stopped them).
    lijst = zc.get("/casussen", params=bijgewerkt(zc))
    assert lijst.status_code == 200, lijst.text
    assert lijst.json()["items"] == []


def test_vrije_tekst_houdt_tab_en_regeleinde_maar_geen_ander_stuurteken(zc: Medewerker) -> None:
    cid = zc.meld()
    versie = zc.lees(cid)["versie"]
    gesprek = {"met": "leerling", "datum": dag(0)}
    for teken in ("\x00", "\x0b", "\x1b", "\x7f", "\x85", "\r", "x\rz"):
        body = {**gesprek, "samenvatting": f"Regel een{teken}twee"}
        assert _veld(zc.doe(cid, "gesprekken", body)) == ["samenvatting"], repr(teken)
        body = {**gesprek, "samenvatting": "Goed.", "afspraken": [f"Een{teken}"]}
        assert _veld(zc.doe(cid, "gesprekken", body)) == ["afspraken.0"], repr(teken)
        body = {**gesprek, "samenvatting": "Goed.", "toelichting": f"Want{teken}"}
        assert _veld(zc.doe(cid, "gesprekken", body)) == ["toelichting"], repr(teken)
    # A list item is one line: no tab or newline there.
    for teken in ("\t", "\n"):
        body = {**gesprek, "samenvatting": "Goed.", "afspraken": [f"Een{teken}twee"]}
        assert _veld(zc.doe(cid, "gesprekken", body)) == ["afspraken.0"], repr(teken)
    assert zc.lees(cid)["versie"] == versie  # nothing stored

    tekst = "Eerste regel\n\tingesprongen\r\nderde regel"
    zc.stap(cid, "gesprekken", {**gesprek, "samenvatting": tekst})
    assert zc.geschiedenis(cid)[-1]["gegevens"]["samenvatting"] == tekst


def test_een_id_in_een_opdracht_weigert_stuurtekens(zc: Medewerker) -> None:
    cid = zc.meld()
    for veld in ("medewerker_id", "naam"):
        body = {"medewerker_id": "zt-1", "naam": "R. Bakker", veld: "zt\x00"}
        assert _veld(zc.doe(cid, "intern-begeleider", body)) == [veld]
    body = {"aan": "signaalgever", "datum": dag(0), "inhoud": "Dank.", "signaalgever": "a\tb"}
    assert _veld(zc.doe(cid, "terugkoppelingen", body)) == ["signaalgever"]
