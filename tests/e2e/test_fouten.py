"""The shape of every refusal: problem+json with a stable code, and nothing stored."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import jwt

from infrastructure.auth import maak_token
from tests.e2e.conftest import ANDERE_SCHOOL, Medewerker, Omgeving, dag, leerling, probleem, signaal

ONBEKEND = str(uuid.uuid4())


def test_zonder_token_met_een_valse_handtekening_of_verlopen_is_het_401(omgeving: Omgeving) -> None:
    client = omgeving.client
    pad = f"/api/v1/casussen/{ONBEKEND}"
    geen = client.get(pad)
    assert probleem(geen, 401, "niet_geauthenticeerd")
    assert geen.headers["WWW-Authenticate"].startswith("Bearer")

    vals = maak_token("een-heel-ander-geheim-van-32-tekens!", "x", "X", "mentor", "99XX")
    assert (
        "handtekening"
        in probleem(
            client.get(pad, headers={"Authorization": f"Bearer {vals}"}),
            401,
            "niet_geauthenticeerd",
        )["detail"]
    )

    verlopen = omgeving.token(geldig_minuten=-10)
    antwoord = client.get(pad, headers={"Authorization": f"Bearer {verlopen}"})
    assert "verlopen" in probleem(antwoord, 401, "niet_geauthenticeerd")["detail"]
    assert 'error="invalid_token"' in antwoord.headers["WWW-Authenticate"]

    # "none" is never accepted, and a token is checked before the body is even looked at.
    zonder_alg = jwt.encode(
        {"sub": "x", "naam": "X", "rol": "mentor", "school": "99XX", "exp": 2**31},
        None,
        algorithm="none",
    )
    geweigerd = client.post(
        "/api/v1/signalen", json={"kapot": True}, headers={"Authorization": f"Bearer {zonder_alg}"}
    )
    probleem(geweigerd, 401, "niet_geauthenticeerd")
    probleem(client.post("/api/v1/signalen", content=b"{"), 401, "niet_geauthenticeerd")


def test_een_dossier_van_een_andere_school_is_niet_te_onderscheiden_van_een_onbekend(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    cid = zc.meld()
    ander = omgeving.als("zorgcoordinator", school=ANDERE_SCHOOL, sub="zc-2")
    van_a = probleem(ander.get(f"/casussen/{cid}"), 404, "niet_gevonden")
    onbekend = probleem(ander.get(f"/casussen/{ONBEKEND}"), 404, "niet_gevonden")
    assert van_a == onbekend
    assert probleem(ander.get(f"/casussen/{cid}/geschiedenis"), 404, "niet_gevonden") == onbekend
    schrijven = ander.doe(
        cid, "gesprekken", {"met": "leerling", "datum": dag(), "samenvatting": "x"}
    )
    assert probleem(schrijven, 404, "niet_gevonden") == onbekend
    assert (
        probleem(ander.post(f"/casussen/{cid}/signalen", signaal()), 404, "niet_gevonden")
        == onbekend
    )
    assert len(zc.geschiedenis(cid)) == 2
    # The same pupil number at the other school is another file altogether.
    assert ander.meld(leerling()) != cid


def test_een_gebroken_regel_is_409_met_code_en_nederlandse_uitleg_en_slaat_niets_op(
    zc: Medewerker,
) -> None:
    cid = zc.meld()
    fout = probleem(
        zc.doe(cid, "regiehouder", {"medewerker_id": "zt-1", "naam": "Z"}), 409, "niveau_te_laag"
    )
    assert fout["type"] == "https://zorgroute.nl/problemen/niveau_te_laag"
    assert "OZS" in fout["detail"]
    inbreng = {
        "datum": dag(),
        "ondersteuningsvraag": "v",
        "doel": "d",
        "waarom_nu": "w",
        "sterke_kanten": "s",
    }
    # Parents not informed and no consent: the brief's precedence names the parents.
    probleem(zc.doe(cid, "ozs-inbreng", inbreng), 409, "ouders_niet_geinformeerd")
    zc.stap(cid, "ouders-geinformeerd", {"datum": dag(), "wijze": "gesprek"})
    probleem(zc.doe(cid, "ozs-inbreng", inbreng), 409, "toestemming_ontbreekt")
    intrekken = {"doel": "zat", "besluit": "ingetrokken", "door": "ouders", "datum": dag()}
    probleem(zc.doe(cid, "toestemmingen", intrekken), 409, "toestemming_ongeldig")
    zelf = {"doel": "ozs", "besluit": "gegeven", "door": "leerling", "datum": dag()}
    probleem(zc.doe(cid, "toestemmingen", zelf), 409, "toestemming_ongeldig")
    evaluatie = {"datum": dag(), "doelen_behaald": "ja", "conclusie": "c", "vervolg": "afsluiten"}
    probleem(zc.doe(cid, "evaluaties", evaluatie), 409, "niets_te_evalueren")
    assert len(zc.geschiedenis(cid)) == 3


def test_elke_ongeldige_invoer_is_422_en_noemt_elk_fout_veld(zc: Medewerker) -> None:
    cid = zc.meld()
    body = {
        "met": "buurman",
        "datum": "2025-02-30",
        "samenvatting": "x" * 10_001,
        "afspraken": ["a"] * 51,
        "extra": "mag niet",
    }
    fout = probleem(zc.doe(cid, "gesprekken", body), 422, "ongeldige_invoer")
    velden = {f["veld"]: f["melding"] for f in fout["fouten"]}
    assert set(velden) == {"met", "datum", "samenvatting", "afspraken", "extra"}
    assert velden["extra"] == "onbekend veld"
    assert "JJJJ-MM-DD" in velden["datum"]
    assert "10000" in velden["samenvatting"]
    assert "buurman" not in fout["detail"] and "buurman" not in str(fout["fouten"])

    for datum in ("2025-3-1", "01-03-2025", "2025-03-01T00:00:00", 1740787200):
        antwoord = zc.doe(
            cid, "gesprekken", {"met": "leerling", "datum": datum, "samenvatting": "s"}
        )
        assert [f["veld"] for f in probleem(antwoord, 422, "ongeldige_invoer")["fouten"]] == [
            "datum"
        ]

    onderwerp = signaal(leerling(leerlingnummer=None, leerjaar=9, naam="  ", extra=1))
    fout = probleem(zc.post("/signalen", onderwerp | {"categorieen": []}), 422, "ongeldige_invoer")
    assert {f["veld"] for f in fout["fouten"]} == {
        "onderwerp.leerlingnummer",
        "onderwerp.leerjaar",
        "onderwerp.naam",
        "onderwerp.extra",
        "categorieen",
    }
    klas_met_naam = signaal(
        {"type": "klas", "klas": "1A", "afdeling": "a", "leerjaar": 1, "naam": "Jan"}
    )
    assert [
        f["veld"]
        for f in probleem(zc.post("/signalen", klas_met_naam), 422, "ongeldige_invoer")["fouten"]
    ] == ["onderwerp.naam"]
    zonder_type = signaal({"klas": "1A"})
    assert [
        f["veld"]
        for f in probleem(zc.post("/signalen", zonder_type), 422, "ongeldige_invoer")["fouten"]
    ] == ["onderwerp"]
    evaluatie = {"datum": dag(), "doelen_behaald": "ja", "conclusie": "c", "vervolg": "voortzetten"}
    fout = probleem(zc.doe(cid, "evaluaties", evaluatie), 422, "ongeldige_invoer")
    assert [f["veld"] for f in fout["fouten"]] == ["nieuwe_evaluatiedatum"]
    for kapot in (b"{", b"[]", b'"tekst"', b'"\\ud800"'):
        antwoord = zc.post("/signalen", content=kapot, headers={"Content-Type": "application/json"})
        probleem(antwoord, 422, "ongeldige_invoer")
    met_surrogaat = b'{"met": "leerling", "datum": "2025-01-01", "samenvatting": "\\ud800"}'
    antwoord = zc.post(
        f"/casussen/{cid}/gesprekken",
        content=met_surrogaat,
        headers={"Content-Type": "application/json"},
    )
    assert [f["veld"] for f in probleem(antwoord, 422, "ongeldige_invoer")["fouten"]] == [
        "samenvatting"
    ]
    assert len(zc.geschiedenis(cid)) == 2


def test_een_body_boven_1_mib_is_413_ook_zonder_content_length(zc: Medewerker) -> None:
    cid = zc.meld()
    groot = (
        b'{"met": "leerling", "datum": "2025-01-01", "samenvatting": "'
        + b"x" * (1024 * 1024)
        + b'"}'
    )
    headers = {"Content-Type": "application/json"}
    probleem(
        zc.post(f"/casussen/{cid}/gesprekken", content=groot, headers=headers), 413, "te_groot"
    )

    def in_stukken() -> Iterator[bytes]:
        for i in range(0, len(groot), 64 * 1024):
            yield groot[i : i + 64 * 1024]

    gestreamd = zc.post(f"/casussen/{cid}/gesprekken", content=in_stukken(), headers=headers)
    assert "content-length" not in gestreamd.request.headers
    probleem(gestreamd, 413, "te_groot")
    assert gestreamd.headers["X-Request-ID"]
    assert len(zc.geschiedenis(cid)) == 2


def test_onbekende_paden_en_methodes_zijn_ook_problemen(omgeving: Omgeving, zc: Medewerker) -> None:
    probleem(omgeving.client.get("/bestaat-niet"), 404, "niet_gevonden")
    probleem(zc.post(f"/casussen/{ONBEKEND}/bestaat-niet", {}), 404, "niet_gevonden")
    niet_toegestaan = omgeving.client.delete("/api/v1/signalen")
    probleem(niet_toegestaan, 405, "methode_niet_toegestaan")
    assert "POST" in niet_toegestaan.headers["Allow"]
    probleem(
        zc.doe(ONBEKEND, "gesprekken", {"met": "leerling", "datum": dag(), "samenvatting": "s"}),
        404,
        "niet_gevonden",
    )


def test_een_body_die_geen_utf8_is_is_ook_gewoon_ongeldige_invoer(zc: Medewerker) -> None:
    antwoord = zc.post(
        "/signalen",
        content=b'{"omschrijving": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    )
    assert [f["veld"] for f in probleem(antwoord, 422, "ongeldige_invoer")["fouten"]] == ["body"]


def test_rare_maar_geldige_tekens_en_diep_geneste_json_geven_nooit_een_500(zc: Medewerker) -> None:
    cid = zc.meld(leerling("500678", "Zoë ☃ 🦊"), omschrijving="tab\ten \u202e omgekeerd")
    assert zc.lees(cid)["onderwerp"]["naam"] == "Zoë ☃ 🦊"
    assert "tab\ten \u202e" in zc.lees(cid)["signalen"][0]["omschrijving"]
    # A NUL is no longer stored (issue 14): it stopped every view on PostgreSQL.
    nul = zc.post("/signalen", signaal(leerling("500679", "Zoë \u0000")))
    probleem(nul, 422, "ongeldige_invoer")
    headers = {"Content-Type": "application/json"}
    for kapot in (b"[" * 100_000 + b"]" * 100_000, b'{"leerjaar": ' + b"9" * 5000 + b"}"):
        antwoord = zc.post("/signalen", content=kapot, headers=headers)
        probleem(antwoord, 422, "ongeldige_invoer")
