"""The history is written without FastAPI's response model (re-validating hundreds of items
cost more than building them), so hold its bytes to exactly what that model writes."""

from __future__ import annotations

from api.schemas.antwoorden import Geschiedenis
from tests.e2e.conftest import Medewerker, Omgeving, dag


def test_de_geschiedenis_is_byte_voor_byte_wat_het_antwoordmodel_schrijft(
    omgeving: Omgeving, zc: Medewerker
) -> None:
    docent = omgeving.als("docent", sub="d-9", naam="Docent Dirk")
    cid = docent.meld(toelichting='Gezien in de gymles: "stil" \\ 😶')
    zc.stap(cid, "ouders-geinformeerd", {"datum": dag(), "wijze": "email"})
    zc.stap(cid, "kernteambesprekingen", {"datum": dag(), "advies": "Observeren"})

    antwoord = zc.get(f"/casussen/{cid}/geschiedenis")
    assert antwoord.status_code == 200
    assert antwoord.headers["content-type"] == "application/json"
    model = Geschiedenis.model_validate_json(antwoord.content)
    assert antwoord.content == model.model_dump_json().encode()
    assert [i.type for i in model.items] == [
        "CasusGeopend",
        "SignaalGemeld",
        "OudersGeinformeerd",
        "BesprokenInKernteam",
    ]
