"""Commands carried out on the event loop (the API's command routes) follow the same
rules as in a thread: retried on the stored file, refusals logged once, saves grouped."""

from __future__ import annotations

import asyncio

import pytest

from application.fouten import GeenToegang
from application.gebruiker import Gebruiker
from application.poorten import Stappen
from application.resultaat import Resultaat
from application.service import Zorgroute
from domain.opdrachten import SignaalVerzoek, opdracht_voor
from infrastructure.toegangslog import Toegangslog
from tests.integration.conftest import GESPREK, LEERLING, MENTOR, signaal


def test_a_command_on_the_loop_is_stored_on_top_of_what_another_worker_wrote(
    twee: tuple[Zorgroute, Zorgroute],
) -> None:
    a, b = twee
    casus_id = a.meld_signaal(
        MENTOR, SignaalVerzoek.model_validate(signaal())
    ).casus_id  # a keeps its copy at version 2
    b.handel(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK))

    resultaat = asyncio.run(
        a.asynchroon(a.handel_stappen(MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK)))
    )
    assert resultaat.versie == 4 and resultaat.positie is not None


def test_commands_on_the_loop_for_many_files_all_land_with_their_own_versions(
    service: Zorgroute,
) -> None:
    async def meld_alle() -> list[Resultaat]:
        return await asyncio.gather(
            *(
                service.asynchroon(
                    service.meld_signaal_stappen(
                        MENTOR,
                        SignaalVerzoek.model_validate(
                            signaal({**LEERLING, "leerlingnummer": f"lus-{n}"})
                        ),
                    )
                )
                for n in range(12)
            )
        )

    resultaten = asyncio.run(meld_alle())
    assert len({r.casus_id for r in resultaten}) == 12
    assert all(r.versie == 2 and r.nieuw for r in resultaten)
    assert service.opslag.groepscommit.opdrachten >= 12


def test_an_idempotent_repeat_on_the_loop_gets_the_first_answer(service: Zorgroute) -> None:
    casus_id = service.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id

    def stappen() -> Stappen[Resultaat]:
        return service.handel_stappen(
            MENTOR, casus_id, opdracht_voor("gesprekken", GESPREK), idempotentie_sleutel="lus-1"
        )

    eerste = asyncio.run(service.asynchroon(stappen()))
    tweede = asyncio.run(service.asynchroon(stappen()))
    assert (tweede.casus_id, tweede.versie) == (eerste.casus_id, eerste.versie) == (casus_id, 3)


def test_a_refusal_on_the_loop_is_logged_once_off_the_loop(
    twee_met_log: tuple[Zorgroute, Zorgroute], log: Toegangslog
) -> None:
    vreemde = Gebruiker(sub="m-ander", naam="A. Ander", rol="mentor", school="99XX")
    a, b = twee_met_log
    casus_id = a.meld_signaal(MENTOR, SignaalVerzoek.model_validate(signaal())).casus_id
    # b has no copy of its own: it loads the stored file and decides on that, so the
    # refusal is written to the access log (in a worker thread, not on the loop).
    with pytest.raises(GeenToegang):
        asyncio.run(
            b.asynchroon(b.handel_stappen(vreemde, casus_id, opdracht_voor("gesprekken", GESPREK)))
        )
    # a refuses on its own copy first, then again on the stored file: logged once too.
    with pytest.raises(GeenToegang):
        asyncio.run(
            a.asynchroon(a.handel_stappen(vreemde, casus_id, opdracht_voor("gesprekken", GESPREK)))
        )
    weigeringen = [
        r["gebruiker"]["id"]
        for r in log.zoek(school="99XX", casus_id=str(casus_id))
        if r["resultaat"] == "geweigerd"
    ]
    assert weigeringen == ["m-ander", "m-ander"]
