"""Reading a file: now, at a moment (`op`), at a version, its history, and its ETag."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import Medewerker, Omgeving, dag, leerling, probleem


def test_een_dossier_is_te_lezen_zoals_het_was_op_een_moment_en_bij_een_versie(
    zc: Medewerker,
) -> None:
    voor = datetime.now(UTC)
    time.sleep(0.01)
    cid = zc.meld()
    na_signaal = datetime.now(UTC)
    zc.stap(cid, "kernteambesprekingen", {"datum": dag(), "advies": "Observeren"})

    assert zc.lees(cid)["niveau"] == "kernteam"
    toen = zc.lees(cid, op=na_signaal.isoformat())
    assert (toen["versie"], toen["niveau"]) == (2, "mentor")
    # The same moment in another zone is the same moment.
    elders = na_signaal.astimezone(datetime.now().astimezone().tzinfo).isoformat()
    assert zc.lees(cid, op=elders)["versie"] == 2
    assert zc.lees(cid, versie=3)["niveau"] == "kernteam"
    assert zc.lees(cid, versie=2)["niveau"] == "mentor"

    probleem(zc.get(f"/casussen/{cid}", params={"op": voor.isoformat()}), 404, "niet_gevonden")
    probleem(zc.get(f"/casussen/{cid}", params={"versie": 99}), 404, "niet_gevonden")


def test_op_en_versie_samen_of_een_tijdstip_zonder_zone_zijn_ongeldig(zc: Medewerker) -> None:
    cid = zc.meld()
    beide = zc.get(f"/casussen/{cid}", params={"op": datetime.now(UTC).isoformat(), "versie": 1})
    assert {f["veld"] for f in probleem(beide, 422, "ongeldige_invoer")["fouten"]} == {
        "op",
        "versie",
    }
    zonder_zone = zc.get(f"/casussen/{cid}", params={"op": "2025-03-01T12:00:00"})
    assert [f["veld"] for f in probleem(zonder_zone, 422, "ongeldige_invoer")["fouten"]] == ["op"]
    geen_uuid = zc.get("/casussen/niet-een-uuid")
    assert [f["veld"] for f in probleem(geen_uuid, 422, "ongeldige_invoer")["fouten"]] == [
        "casus_id"
    ]


def test_de_geschiedenis_noemt_elke_gebeurtenis_met_zijn_actor_en_toelichting(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    docent = omgeving.als("docent", sub="d-9", naam="Docent Dirk")
    cid = docent.meld(toelichting="Gezien in de gymles")
    zc.stap(
        cid,
        "ouders-geinformeerd",
        {"datum": dag(), "wijze": "email", "toelichting": "Vader gebeld"},
    )

    items = zc.geschiedenis(cid)
    assert [i["versie"] for i in items] == [1, 2, 3]
    assert [i["type"] for i in items] == ["CasusGeopend", "SignaalGemeld", "OudersGeinformeerd"]
    assert items[1]["actor"] == {"id": "d-9", "naam": "Docent Dirk", "rol": "docent"}
    assert items[1]["toelichting"] == "Gezien in de gymles"
    assert items[1]["gegevens"]["bron"] == "mentor"
    assert items[2]["actor"] == {
        "id": "zc-1",
        "naam": "Zorgcoördinator Zus",
        "rol": "zorgcoordinator",
    }
    assert items[2]["toelichting"] == "Vader gebeld"
    assert items[2]["gegevens"]["wijze"] == "email"
    tijden = [datetime.fromisoformat(i["tijdstip"]) for i in items]
    assert tijden == sorted(tijden) and all(t.tzinfo is not None for t in tijden)
    assert datetime.now(UTC) - tijden[0] < timedelta(minutes=5)


def test_een_verouderde_if_match_geeft_412_en_de_etag_gaat_rond(zc: Medewerker) -> None:
    cid = zc.meld(leerling("300456", "Noor Jansen"))
    etag = zc.get(f"/casussen/{cid}").headers["ETag"]
    assert etag == '"2"'
    gesprek = {"met": "leerling", "datum": dag(), "samenvatting": "Eerste gesprek"}

    eerste = zc.doe(cid, "gesprekken", gesprek, headers={"If-Match": etag})
    assert eerste.status_code == 201 and eerste.headers["ETag"] == '"3"'
    oud = zc.doe(cid, "gesprekken", gesprek, headers={"If-Match": etag})
    fout = probleem(oud, 412, "versie_conflict")
    assert (fout["verwachte_versie"], fout["actuele_versie"]) == (2, 3)
    assert "actuele versie is 3" in fout["detail"]
    assert zc.doe(cid, "gesprekken", gesprek, headers={"If-Match": "3"}).status_code == 201
    assert zc.doe(cid, "gesprekken", gesprek, headers={"If-Match": 'W/"4"'}).status_code == 201
    assert len(zc.geschiedenis(cid)) == 5

    rommel = zc.doe(cid, "gesprekken", gesprek, headers={"If-Match": "versie-vijf"})
    assert [f["veld"] for f in probleem(rommel, 422, "ongeldige_invoer")["fouten"]] == ["If-Match"]
