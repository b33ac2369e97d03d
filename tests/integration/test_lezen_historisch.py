"""A file at a version or moment, and its history, are built from the events read once:
they must be exactly what eventsourcing's own historical load and a per-field dump give."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from application.service import Zorgroute
from application.weergave import casus_weergave, geschiedenis_item
from domain.opdrachten import SignaalOpDossierVerzoek, SignaalVerzoek, opdracht_voor
from tests.integration.conftest import signaal
from tests.integration.test_eigenschappen import ROUTE, ZOCO

_LEERLING = {"type": "leerling", "leerlingnummer": "200999", "naam": "Lot Visser",
             "klas": "H3A", "afdeling": "havo", "leerjaar": 3}  # fmt: skip


def _dossier(service: Zorgroute) -> Any:
    casus_id = service.meld_signaal(
        ZOCO, SignaalVerzoek.model_validate(signaal(_LEERLING))
    ).casus_id
    for handeling, gegevens in ROUTE:
        if handeling == "signalen":
            service.meld_signaal(
                ZOCO, SignaalOpDossierVerzoek.model_validate(gegevens), casus_id=casus_id
            )
        else:
            service.handel(ZOCO, casus_id, opdracht_voor(handeling, gegevens))
    return casus_id


def _zonder_afgeleid(weergave: dict[str, Any]) -> dict[str, Any]:
    # What the read adds to the file itself: its view for the caller and the feedback.
    return {k: v for k, v in weergave.items() if k not in ("weergave", "terugkoppelingen")}


def test_elke_versie_en_elk_moment_is_het_dossier_van_toen(service: Zorgroute) -> None:
    casus_id = _dossier(service)
    gebeurtenissen = list(service.opslag.gebeurtenissen(casus_id))
    assert len(gebeurtenissen) > len(ROUTE)  # a few steps record more than one event
    verwacht = {
        e.originator_version: casus_weergave(
            service.opslag.app.repository.get(casus_id, version=e.originator_version)
        )
        for e in gebeurtenissen
    }
    for gebeurtenis in gebeurtenissen:
        versie = gebeurtenis.originator_version
        assert _zonder_afgeleid(service.lees(ZOCO, casus_id, versie=versie)) == verwacht[versie]
        # At a moment: the last event at or before it (two events may share a time).
        toen = max(
            e.originator_version for e in gebeurtenissen if e.timestamp <= gebeurtenis.timestamp
        )
        op = service.lees(ZOCO, casus_id, op=gebeurtenis.timestamp)
        assert _zonder_afgeleid(op) == verwacht[toen]


def test_een_geschiedenisregel_is_de_gebeurtenis_veld_voor_veld(service: Zorgroute) -> None:
    casus_id = _dossier(service)
    envelop = {"originator_id", "originator_version", "originator_topic", "timestamp"}
    for gebeurtenis in service.opslag.gebeurtenissen(casus_id):
        item = geschiedenis_item(gebeurtenis)
        assert datetime.fromisoformat(item["tijdstip"]) == gebeurtenis.timestamp
        assert item["actor"] == gebeurtenis.actor.model_dump(mode="json")
        assert item["gegevens"] == gebeurtenis.model_dump(
            mode="json", exclude=envelop | {"actor", "toelichting"}
        )
        assert (item["versie"], item["type"], item["toelichting"]) == (
            gebeurtenis.originator_version,
            type(gebeurtenis).__name__,
            gebeurtenis.toelichting,
        )


def test_een_gebeurtenis_met_een_vroeger_tijdstip_neemt_de_tussenliggende_mee(
    service: Zorgroute, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Times are not promised to rise: the file at a moment is the file up to the last
    # event at or before it, with every event before that one (also later-stamped ones).
    casus_id = _dossier(service)
    echt = [e.timestamp for e in service.opslag.gebeurtenissen(casus_id)]
    ontcijfer = service.opslag.mapper.to_domain_event

    def verschoven(opgeslagen: Any) -> Any:
        gebeurtenis = ontcijfer(opgeslagen)
        if gebeurtenis.originator_version == 6:
            return gebeurtenis.model_copy(update={"timestamp": echt[2]})
        return gebeurtenis

    monkeypatch.setattr(service.opslag.mapper, "to_domain_event", verschoven)
    verwacht = casus_weergave(service.opslag.app.repository.get(casus_id, version=6))
    assert _zonder_afgeleid(service.lees(ZOCO, casus_id, op=echt[2])) == verwacht
    # Just before that time the shifted event is after it too.
    net_ervoor = echt[2] - timedelta(microseconds=1)
    eerder = service.lees(ZOCO, casus_id, op=net_ervoor)
    assert eerder["versie"] == max(v for v, t in enumerate(echt[:5], 1) if t <= net_ervoor)
