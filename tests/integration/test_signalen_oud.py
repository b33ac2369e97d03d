"""Events stored by the code before issue 13 (commit c48706c) still load, and a file
rebuilds as it stood: a signal of then took over the subject it carried (SignaalGemeld
v1, upcast), feedback of then names no reporter, and a reopening of then kept no
anonymity (now it does: the stricter reading, see docs/toegang.md)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import StoredEvent

from application.gebruiker import Gebruiker
from application.service import Zorgroute
from domain.opdrachten import SignaalOpDossierVerzoek, SignaalVerzoek
from infrastructure.settings import Settings
from tests.integration.conftest import ZORGCOORDINATOR, maak_service, signaal

ACTOR = b'"actor":{"id":"d-1","naam":"Docent","rol":"docent"},"toelichting":null}'

# Exactly as c48706c stored a later signal: no class_version, the pupil now in 3B.
OUD_SIGNAAL = (
    b'{"timestamp":"2025-01-05T10:00:00.000000Z","onderwerp":{"type":"leerling",'
    b'"klas":"3B","afdeling":"vwo","leerjaar":3,"leerlingnummer":"100234",'
    b'"naam":"Sanne de Vries","geboortedatum":null},"categorieen":["gedrag"],'
    b'"omschrijving":"Onrustig.","bron":"docent","veiligheidszorg":false,' + ACTOR
)
OUDE_TERUGKOPPELING = (
    b'{"timestamp":"2025-01-06T10:00:00.000000Z","aan":"signaalgever","datum":"2025-01-06",'
    b'"inhoud":"Opgepakt.",'
    b'"actor":{"id":"zc-1","naam":"ZC","rol":"zorgcoordinator"},"toelichting":null}'
)
DOCENT = Gebruiker(sub="d-1", naam="Docent", rol="docent", school="99XX")
MENTOR_3B = Gebruiker(sub="m-3b", naam="Mentor", rol="mentor", school="99XX", klassen=("3B",))


def _oud_opgeslagen(service: Zorgroute, cid: UUID, *gebeurtenissen: tuple[str, bytes]) -> None:
    versie = service.opslag.app.repository.get(cid).version
    service.opslag.recorder.insert_events(
        [
            StoredEvent(cid, versie + i, f"zorgroute:{soort}", staat)
            for i, (soort, staat) in enumerate(gebeurtenissen, start=1)
        ]
    )


def test_an_old_signal_still_moved_the_subject_and_old_feedback_reaches_the_one_reporter(
    settings: Settings,
) -> None:
    schrijver = maak_service(settings)
    try:
        cid = schrijver.meld_signaal(
            ZORGCOORDINATOR, SignaalVerzoek.model_validate({**signaal(), "bron": "mentor"})
        ).casus_id
        voor = schrijver.opslag.app.repository.get(cid).onderwerp.klas
        _oud_opgeslagen(
            schrijver,
            cid,
            ("SignaalGemeld", OUD_SIGNAAL),
            ("TerugkoppelingGegeven", OUDE_TERUGKOPPELING),
        )
    finally:
        schrijver.close()
    service = maak_service(settings)  # fresh: nothing of the file in its memory
    try:
        casus = service.opslag.app.repository.get(cid)
        assert voor != "3B"
        assert (casus.onderwerp.klas, casus.onderwerp.afdeling, casus.onderwerp.leerjaar) == (
            "3B",
            "vwo",
            3,
        )
        # Access follows the file as it stood: the mentor of 3B reads it.
        assert service.lees(MENTOR_3B, cid)["onderwerp"]["klas"] == "3B"
        # Two reporters then (the zorgcoördinator and the docent): the old feedback named
        # none, so it is nobody's; the docent sees only their own signal.
        weergave = service.lees(DOCENT, cid)
        assert weergave["weergave"] == "docent" and weergave["terugkoppelingen"] == []
        # A new signal, stored today, no longer moves it.
        service.meld_signaal(
            DOCENT,
            SignaalOpDossierVerzoek.model_validate({**signaal(), "onderwerp": None}),
            casus_id=cid,
        )
        assert service.opslag.app.repository.get(cid).onderwerp.klas == "3B"
    finally:
        service.close()


def test_old_feedback_on_a_file_with_one_reporter_is_that_reporters(settings: Settings) -> None:
    schrijver = maak_service(settings)
    try:
        cid = schrijver.meld_signaal(DOCENT, SignaalVerzoek.model_validate(signaal())).casus_id
        _oud_opgeslagen(schrijver, cid, ("TerugkoppelingGegeven", OUDE_TERUGKOPPELING))
    finally:
        schrijver.close()
    service = maak_service(settings)
    try:
        (terug,) = service.lees(DOCENT, cid)["terugkoppelingen"]
        assert (terug["inhoud"], terug["signaalgever"]) == ("Opgepakt.", "d-1")
    finally:
        service.close()
