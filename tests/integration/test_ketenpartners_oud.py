"""A ZAT referral stored before partners were organisation codes (commit c48706c) still
loads, and grants access to exactly the organisation whose code equals a name it lists;
a case-list view built before the `ketenpartners` column is rebuilt from the events."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from application.fouten import GeenToegang
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from application.toegang import leesfilter
from application.zicht import leesbaar
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.settings import Settings
from projections import casussen
from projections.casussen import Casussen
from tests.integration.conftest import ZORGCOORDINATOR, Weergaven, maak_service, signaal

# Exactly as c48706c stored it: free names, one of which happens to be a code.
OUDE_VERWIJZING = (
    b'{"timestamp":"2025-01-05T10:00:00.000000Z","datum":"2025-01-05","hulpvraag":"h",'
    b'"ketenpartners":["wijkteam","Jeugdarts GGD"],'
    b'"actor":{"id":"zc-devries","naam":"A. de Vries","rol":"zorgcoordinator"},'
    b'"toelichting":null}'
)


# Through the OZS to a standing `zat` consent: what a referral needs.
NAAR_ZAT: list[tuple[str, dict[str, object]]] = [
    ("ouders-geinformeerd", {"datum": "2025-01-02", "wijze": "telefoon"}),
    ("toestemmingen", {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": "2025-01-02"}),
    ("ozs-inbreng", {"datum": "2025-01-03", "ondersteuningsvraag": "o", "doel": "d",
                     "waarom_nu": "w", "sterke_kanten": "s"}),
    ("regiehouder", {"medewerker_id": "zt-1", "naam": "R"}),
    ("toestemmingen", {"doel": "zat", "besluit": "gegeven", "door": "ouders", "datum": "2025-01-04"}),
]  # fmt: skip


def partner(organisatie: str) -> Gebruiker:
    return Gebruiker(
        sub=f"ex-{organisatie}",
        naam="Partner",
        rol="extern",
        school="99XX",
        organisatie=organisatie,
    )


def tot_de_verwijzing(service: Zorgroute) -> UUID:
    """A pupil through the OZS with `zat` consent, by today's commands; the referral itself
    is then stored in the old format, as if written by the old code."""
    cid = service.meld_signaal(ZORGCOORDINATOR, SignaalVerzoek.model_validate(signaal())).casus_id
    for handeling, gegevens in NAAR_ZAT:
        service.handel(ZORGCOORDINATOR, cid, opdracht_voor(handeling, gegevens))
    versie = service.opslag.app.repository.get(cid).version
    oud = StoredEvent(cid, versie + 1, "zorgroute:DoorverwezenNaarZAT", OUDE_VERWIJZING)
    service.opslag.recorder.insert_events([oud])
    return cid


def test_an_old_referral_loads_and_opens_the_file_to_the_organisation_it_names_exactly(
    weergaven: Weergaven, settings: Settings
) -> None:
    cid = tot_de_verwijzing(weergaven.service)
    service = maak_service(settings)  # a fresh one: no copy of the file in its memory
    try:
        casus = service.opslag.app.repository.get(cid)
        assert casus.niveau == "extern"
        assert casus.ketenpartners == ("wijkteam", "Jeugdarts GGD")
        assert service.lees(partner("wijkteam"), cid)["weergave"] == "extern"
        for ander in ("jeugdarts-ggd", "jeugdarts", "wijkteam-noord"):
            with pytest.raises(GeenToegang):
                service.lees(partner(ander), cid)
        [item] = service.geschiedenis(partner("wijkteam"), cid)["items"]
        assert item["gegevens"]["ketenpartners"] == ["wijkteam", "Jeugdarts GGD"]
    finally:
        service.close()

    weergaven.runner(Casussen()).verwerk_beschikbaar()
    for organisatie, ziet in (("wijkteam", True), ("jeugdarts-ggd", False)):
        g = partner(organisatie)
        lijst = casussen.lijst(weergaven.opslag, "99XX", {}, leesfilter=leesfilter(g))
        assert [i["casus_id"] for i in lijst["items"]] == ([str(cid)] if ziet else [])
        rijen = casussen.rijen(weergaven.opslag, "99XX", [str(cid)])
        assert (str(cid) in leesbaar(g, rijen)) is ziet
    [item] = casussen.lijst(weergaven.opslag, "99XX", {})["items"]
    assert item["ketenpartners"] == ["wijkteam"]  # a free name can match no token: left out


class CasussenVoorKetenpartners(Casussen):
    """The case list's table as c48706c made it, without the `ketenpartners` column."""

    tabellen: ClassVar[dict[str, str]] = {
        "casussen": Casussen.tabellen["casussen"].replace(", ketenpartners TEXT NOT NULL", "")
    }


def test_a_case_list_built_before_the_column_is_rebuilt_with_it(weergaven: Weergaven) -> None:
    assert CasussenVoorKetenpartners.schema() != Casussen.schema()
    weergaven.runner(CasussenVoorKetenpartners())  # installs the old table and its fingerprint
    cid = weergaven.service.meld_signaal(
        ZORGCOORDINATOR, SignaalVerzoek.model_validate(signaal())
    ).casus_id
    verwijzing = {"datum": "2025-01-05", "hulpvraag": "h", "ketenpartners": ["wijkteam-noord"]}
    for handeling, gegevens in [*NAAR_ZAT, ("zat-verwijzing", verwijzing)]:
        weergaven.service.handel(ZORGCOORDINATOR, cid, opdracht_voor(handeling, gegevens))

    weergaven.runner(Casussen()).verwerk_beschikbaar()

    g = partner("wijkteam-noord")
    lijst = casussen.lijst(weergaven.opslag, "99XX", {}, leesfilter=leesfilter(g))
    assert [i["casus_id"] for i in lijst["items"]] == [str(cid)]
    assert lijst["items"][0]["ketenpartners"] == ["wijkteam-noord"]
