"""Commands act on the file as this process last stored it, and stay right when another
worker (a second service instance) wrote to it meanwhile."""

from __future__ import annotations

import pytest

from application.fouten import GeenToegang, VersieConflict
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from domain.fouten import Regelfout
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.toegangslog import Toegangslog
from tests.integration.conftest import GESPREK, MENTOR, ZORGCOORDINATOR, signaal

INTERVENTIE = {
    "soort": "flexuur",
    "omschrijving": "Huiswerkklas",
    "startdatum": "2025-02-11",
    "evaluatiedatum": "2025-03-25",
}
EVALUATIE = {
    "datum": "2025-03-25",
    "doelen_behaald": "ja",
    "conclusie": "Goed.",
    "vervolg": "afsluiten",
}


def soorten(service: Zorgroute, casus_id: object) -> list[str]:
    items = service.geschiedenis(MENTOR, casus_id)["items"]  # type: ignore[arg-type]
    return [item["type"] for item in items]


def test_a_command_is_stored_on_top_of_what_another_worker_wrote_meanwhile(
    twee: tuple[Zorgroute, Zorgroute],
) -> None:
    a, b = twee
    casus_id = a.meld_signaal(
        MENTOR, SignaalVerzoek.model_validate(signaal())
    ).casus_id  # a keeps its copy at version 2
    assert b.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK)).versie == 3

    # a's copy is behind: its save loses on version 3 and is made again on the stored file.
    assert a.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK)).versie == 4
    assert soorten(b, casus_id)[-2:] == ["GesprekGevoerd", "GesprekGevoerd"]
    assert a.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK)).versie == 5


def test_if_match_is_judged_on_the_stored_file_not_on_an_older_copy(
    twee: tuple[Zorgroute, Zorgroute],
) -> None:
    a, b = twee
    casus_id = a.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    b.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK))

    assert (
        a.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), verwachte_versie=3).versie
        == 4
    )
    with pytest.raises(VersieConflict) as fout:
        a.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), verwachte_versie=3)
    assert (fout.value.verwacht, fout.value.actueel) == (3, 4)


def test_a_rule_is_judged_on_the_stored_file_not_on_an_older_copy(
    twee: tuple[Zorgroute, Zorgroute],
) -> None:
    a, b = twee
    casus_id = a.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    # Only b saw the intervention go in; on a's own copy there is nothing to evaluate yet.
    b.handel(MENTOR, casus_id, opdracht_voor("interventies", INTERVENTIE))

    a.handel(MENTOR, casus_id, opdracht_voor("evaluaties", EVALUATIE))
    assert soorten(a, casus_id)[3] == "EvaluatieUitgevoerd"  # after b's intervention


def test_a_refused_command_leaves_no_half_changed_copy_behind(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    with pytest.raises(Regelfout):
        service.handel(MENTOR, casus_id, opdracht_voor("evaluaties", EVALUATIE))

    assert service.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK)).versie == 3
    assert soorten(service, casus_id) == ["CasusGeopend", "SignaalGemeld", "GesprekGevoerd"]


def test_a_refusal_on_an_older_copy_is_not_logged_only_the_stored_files_decision_is(
    twee_met_log: tuple[Zorgroute, Zorgroute], log: Toegangslog
) -> None:
    regiehouder = Gebruiker(sub="zt-1", naam="R. Houder", rol="zorgteam", school="99XX")
    a, b = twee_met_log
    casus_id = a.meld_signaal(ZORGCOORDINATOR, SignaalVerzoek.model_validate(signaal())).casus_id
    # Only b saw the case manager appointed; on a's own copy zt-1 is nobody here.
    b.handel(
        ZORGCOORDINATOR,
        casus_id,
        opdracht_voor("ouders-geinformeerd", {"datum": "2025-10-01", "wijze": "gesprek"}),
    )
    b.handel(
        ZORGCOORDINATOR,
        casus_id,
        opdracht_voor(
            "toestemmingen",
            {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": "2025-10-01"},
        ),
    )
    b.handel(
        ZORGCOORDINATOR,
        casus_id,
        opdracht_voor(
            "ozs-inbreng",
            {
                "datum": "2025-10-08",
                "ondersteuningsvraag": "Vraag",
                "doel": "Rust",
                "waarom_nu": "Nu",
                "sterke_kanten": "Humor",
            },
        ),
    )
    b.handel(
        ZORGCOORDINATOR,
        casus_id,
        opdracht_voor("regiehouder", {"medewerker_id": "zt-1", "naam": "R. Houder"}),
    )

    plan = {"doelen": ["Rust"], "interventies": [], "evaluatiedatum": "2025-11-08"}
    a.handel(regiehouder, casus_id, opdracht_voor("handelingsplan", plan))
    anders = Gebruiker(sub="zt-2", naam="Z. Ander", rol="zorgteam", school="99XX")
    with pytest.raises(GeenToegang):
        a.handel(anders, casus_id, opdracht_voor("handelingsplan", plan))

    weigeringen = [
        (r["gebruiker"]["id"], r["resultaat"])
        for r in log.zoek(school="99XX", casus_id=str(casus_id))
        if r["resultaat"] == "geweigerd"
    ]
    assert weigeringen == [("zt-2", "geweigerd")]
