"""Property: any sequence of commands either is refused with a coded error (and stores
nothing) or leaves a file equal to the file rebuilt from its stored events.

Runs through the application service on both backends. Every example works on a fresh
subject (so on a fresh file) in one database per backend; the file as the service held it
in memory right after the command is compared with what a second `Zorgroute` instance on
the same database rebuilds from the stored events.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import ValidationError

from application.fouten import CasusNietGevonden, OngeldigeInvoer
from application.gebruiker import Gebruiker
from application.service import Zorgroute
from application.weergave import casus_weergave
from domain.casus import Casus
from domain.fouten import REGEL_VOORRANG, DomeinFout
from domain.invoer import Verzoek
from domain.opdrachten import SignaalOpDossierVerzoek, SignaalVerzoek, opdracht_voor
from infrastructure.opslag import Eventsourcingopslag
from infrastructure.persistence import eventsourcing_env
from infrastructure.settings import Settings
from tests.integration.commando_strategieen import ROUTE, VANDAAG, nieuw_onderwerp, stap

ZOCO = Gebruiker(sub="zoco-1", naam="Zorgcoördinator", rol="zorgcoordinator", school="99XX")
TOEGESTANE_CODES = frozenset(REGEL_VOORRANG) | {OngeldigeInvoer.code, CasusNietGevonden.code}


class VastleggendeZorgroute(Zorgroute):
    """The service, remembering the file it last saved exactly as it held it in memory."""

    laatst_opgeslagen: Casus | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terugleggen = self.opslag.leg_terug

        # A file is put back exactly when its events were stored, as it is in memory.
        def vastleggen(casus: Casus) -> None:
            self.laatst_opgeslagen = casus
            terugleggen(casus)

        self.opslag.leg_terug = vastleggen  # type: ignore[method-assign]


@pytest.fixture
def diensten(settings: Settings) -> Iterator[tuple[VastleggendeZorgroute, Zorgroute]]:
    """The writing service and a second, independent instance on the same database."""
    env = eventsourcing_env(settings)
    sleutel = settings.id_sleutel.get_secret_value().encode()  # type: ignore[union-attr]
    schrijver = VastleggendeZorgroute(Eventsourcingopslag(env), id_sleutel=sleutel)
    lezer = Zorgroute(Eventsourcingopslag(env), id_sleutel=sleutel)
    try:
        yield schrijver, lezer
    finally:
        schrijver.close()
        lezer.close()


def _aantal_opgeslagen(app: Zorgroute) -> int:
    return app.opslag.einde()


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    soort=st.sampled_from(["leerling", "klas"]),
    geboortedatum=st.one_of(
        st.none(),
        # Around the 16th birthday, so consent by the pupil is sometimes valid.
        st.dates(VANDAAG - timedelta(days=18 * 365), VANDAAG - timedelta(days=14 * 365)),
    ),
    route=st.sampled_from(range(len(ROUTE) + 1)),
    stappen=st.lists(stap(), min_size=1, max_size=10),
)
def test_every_command_is_refused_with_a_code_or_leaves_a_state_equal_to_the_replay(
    diensten: tuple[VastleggendeZorgroute, Zorgroute],
    soort: str,
    geboortedatum: date | None,
    route: int,
    stappen: list[tuple[str, dict[str, Any]]],
) -> None:
    app, lezer = diensten
    eerste = app.meld_signaal(
        ZOCO,
        SignaalVerzoek.model_validate(
            {
                "onderwerp": nieuw_onderwerp(soort, geboortedatum),
                "categorieen": ["leren"],
                "omschrijving": "Eerste zorg.",
                "bron": "mentor",
            }
        ),
    )
    casus_id = eerste.casus_id
    assert eerste.nieuw and eerste.versie == 2  # CasusGeopend + SignaalGemeld

    for handeling, gegevens in ROUTE[:route] + stappen:
        voor = lezer.lees(ZOCO, casus_id)
        opgeslagen_voor = _aantal_opgeslagen(app)
        app.laatst_opgeslagen = None
        try:
            if handeling == "signalen":
                opdracht: Verzoek = SignaalOpDossierVerzoek.model_validate(gegevens)
            else:
                opdracht = opdracht_voor(handeling, gegevens)
        except ValidationError:
            # Refused by the command's own input model, before any file is touched.
            event("ongeldige invoer")
            continue
        try:
            if isinstance(opdracht, SignaalOpDossierVerzoek):
                resultaat = app.meld_signaal(ZOCO, opdracht, casus_id=casus_id)
            else:
                resultaat = app.handel(ZOCO, casus_id, opdracht)
        except DomeinFout as fout:
            event(f"geweigerd: {fout.code}")
            assert fout.code in TOEGESTANE_CODES, (handeling, gegevens, fout.code)
            assert fout.melding.strip()
            # Refused: nothing stored, and the file reads exactly as before.
            assert _aantal_opgeslagen(app) == opgeslagen_voor
            assert lezer.lees(ZOCO, casus_id) == voor
            continue

        in_geheugen = app.laatst_opgeslagen
        event(f"vastgelegd: {handeling}")
        assert in_geheugen is not None
        assert resultaat.versie == in_geheugen.version > voor["versie"]
        assert _aantal_opgeslagen(app) == opgeslagen_voor + (resultaat.versie - voor["versie"])
        herbouwd = lezer.lees(ZOCO, casus_id)
        # The read adds what the file view derives from the history (feedback given) and
        # which view of the file the caller gets.
        herbouwd.pop("terugkoppelingen")
        assert herbouwd.pop("weergave") == "volledig"
        assert herbouwd == casus_weergave(in_geheugen)
        opnieuw = app.lees(ZOCO, casus_id)
        assert {k: v for k, v in opnieuw.items() if k not in ("terugkoppelingen", "weergave")} == (
            herbouwd
        )
        # The history shows exactly the versions stored so far, in order.
        items = lezer.geschiedenis(ZOCO, casus_id)["items"]
        assert [i["versie"] for i in items] == list(range(1, resultaat.versie + 1))
        event(f"bereikt: {herbouwd['status']} {herbouwd['niveau']} traject {herbouwd['traject']}")


def _nieuw_dossier(app: Zorgroute) -> Any:
    return app.meld_signaal(
        ZOCO,
        SignaalVerzoek.model_validate(
            {
                "onderwerp": nieuw_onderwerp("leerling", None),
                "categorieen": ["leren"],
                "omschrijving": "…",
                "bron": "mentor",
            }
        ),
    ).casus_id


def test_unknown_consent_decision_is_invalid_input() -> None:
    gegevens = {"doel": "ozs", "besluit": "misschien", "door": "ouders", "datum": "2025-10-06"}
    with pytest.raises(ValidationError, match="besluit"):
        opdracht_voor("toestemmingen", gegevens)


def test_missing_consent_decision_is_invalid_input() -> None:
    gegevens = {"doel": "ozs", "door": "ouders", "datum": "2025-10-06"}
    with pytest.raises(ValidationError, match="besluit"):
        opdracht_voor("toestemmingen", gegevens)


def test_an_impossible_consent_date_is_refused_by_the_input_model_at_its_field() -> None:
    gegevens = {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": "2025-02-30"}
    with pytest.raises(ValidationError) as info:
        opdracht_voor("toestemmingen", gegevens)
    assert [f["loc"] for f in info.value.errors()] == [("datum",)]
