"""Retries with an Idempotency-Key, and concurrent writers on one file."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.e2e.conftest import Medewerker, Omgeving, dag, leerling, probleem, signaal


def _zonder_positie(body: dict[str, Any]) -> dict[str, Any]:
    # `positie` of a replay is the log's end then (at or after the first write's position).
    return {k: v for k, v in body.items() if k != "positie"}


def test_een_herhaald_verzoek_met_dezelfde_sleutel_geeft_hetzelfde_antwoord_zonder_tweede_gebeurtenis(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    sleutel = {"Idempotency-Key": "signaal-7f3a"}
    eerste = zc.post("/signalen", signaal(leerling("400567")), headers=sleutel)
    herhaald = zc.post("/signalen", signaal(leerling("400567")), headers=sleutel)
    assert eerste.status_code == herhaald.status_code == 201
    assert _zonder_positie(eerste.json()) == _zonder_positie(herhaald.json())
    assert herhaald.json()["positie"] >= eerste.json()["positie"]
    cid = eerste.json()["casus_id"]
    assert len(zc.geschiedenis(cid)) == 2

    gesprek = {"met": "leerling", "datum": dag(), "samenvatting": "Gesprek"}
    sleutel = {"Idempotency-Key": "gesprek-1"}
    eerste = zc.doe(cid, "gesprekken", gesprek, headers=sleutel)
    herhaald = zc.doe(cid, "gesprekken", gesprek, headers=sleutel)
    assert eerste.status_code == herhaald.status_code == 201
    assert _zonder_positie(eerste.json()) == _zonder_positie(herhaald.json())
    assert len(zc.geschiedenis(cid)) == 3

    anders = zc.doe(cid, "gesprekken", gesprek | {"samenvatting": "Ander gesprek"}, headers=sleutel)
    probleem(anders, 422, "idempotency_key_hergebruikt")
    # The key is scoped to the actor: a colleague's same key is a request of their own.
    collega = omgeving.als("mentor", sub="m-2", klassen=["2A"])
    assert collega.doe(cid, "gesprekken", gesprek, headers=sleutel).status_code == 201
    assert len(zc.geschiedenis(cid)) == 4

    te_lang = zc.doe(cid, "gesprekken", gesprek, headers={"Idempotency-Key": "k" * 201})
    assert [f["veld"] for f in probleem(te_lang, 422, "ongeldige_invoer")["fouten"]] == [
        "Idempotency-Key"
    ]


def test_twee_gelijktijdige_schrijvers_verliezen_geen_enkele_wijziging(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = zc.meld()
    aantal = 8
    collega = omgeving.als("mentor", sub="m-3", klassen=["2A"])

    def schrijf(wie: Medewerker) -> list[int]:
        statussen = []
        for i in range(aantal):
            body = {"met": "leerling", "datum": dag(), "samenvatting": f"{wie.sub} {i}"}
            statussen.append(wie.doe(cid, "gesprekken", body).status_code)
        return statussen

    with ThreadPoolExecutor(max_workers=2) as pool:
        uitkomsten = list(pool.map(schrijf, [zc, collega]))
    assert uitkomsten == [[201] * aantal, [201] * aantal]

    items = zc.geschiedenis(cid)
    assert [i["versie"] for i in items] == list(range(1, 2 * aantal + 3))
    samenvattingen = {i["gegevens"]["samenvatting"] for i in items if i["type"] == "GesprekGevoerd"}
    assert samenvattingen == {f"{w} {i}" for w in ("zc-1", "m-3") for i in range(aantal)}
