"""How a file and its history are shown: plain JSON-ready dicts in the shape of api.md."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from domain.casus import Casus

# Fields every event has; the history shows them apart from the event's own data.
_ENVELOP = ("timestamp", "actor", "toelichting")
# Not shown at all: the item carries the version, and the file's id is the history's.
_NIET_GETOOND = {"originator_id", "originator_version", "originator_topic"}


def _json(waarde: Any) -> Any:
    if waarde is None:
        return None
    if hasattr(waarde, "model_dump"):
        return waarde.model_dump(mode="json")
    return waarde


def casus_weergave(casus: Casus) -> dict[str, Any]:
    onderwerp = casus.onderwerp.model_dump(mode="json", exclude_none=True)
    return {
        "casus_id": str(casus.id),
        "versie": casus.version,
        "school": casus.school,
        "status": casus.status,
        "niveau": casus.niveau,
        "traject": casus.traject,
        "anoniem": casus.anoniem,
        "pseudoniem": casus.pseudoniem,
        "onderwerp": onderwerp,
        "signalen": [s.model_dump(mode="json") for s in casus.signalen],
        "ouders_geinformeerd": casus.ouders_geinformeerd,
        "toestemmingen": {d: t.model_dump(mode="json") for d, t in casus.toestemmingen.items()},
        "regiehouder": _json(casus.regiehouder),
        "intern_begeleider": _json(casus.intern_begeleider),
        "startdocument": _json(casus.startdocument),
        "handelingsplan": _json(casus.handelingsplan),
        "opp": _json(casus.opp),
        "interventies": [i.model_dump(mode="json") for i in casus.interventies],
        "kernteam_aanmelding": _json(casus.kernteam_aanmelding),
        "opschalen": casus.opschalen,
        "afsluitreden": casus.afsluitreden,
        "volgende_bespreking": _json_datum(casus.volgende_bespreking),
        "volgende_evaluatie": _json_datum(casus.volgende_evaluatie),
        "geopend_op": casus.created_on.isoformat(),
        "gewijzigd_op": casus.modified_on.isoformat(),
    }


def _json_datum(waarde: Any) -> str | None:
    return waarde.isoformat() if waarde is not None else None


def geschiedenis_item(gebeurtenis: Casus.Event) -> dict[str, Any]:
    # One dump per event (a long file's history is hundreds of them), then the envelope
    # is taken out of it; the time is then already in the JSON form the API answers with.
    gegevens = gebeurtenis.model_dump(mode="json", exclude=_NIET_GETOOND)
    tijdstip, actor, toelichting = (gegevens.pop(veld) for veld in _ENVELOP)
    return {
        "versie": gebeurtenis.originator_version,
        "type": type(gebeurtenis).__name__,
        "tijdstip": tijdstip,
        "actor": actor,
        "toelichting": toelichting,
        "gegevens": gegevens,
    }


def geschiedenis_weergave(casus_id: UUID, gebeurtenissen: Iterable[Casus.Event]) -> dict[str, Any]:
    return {"casus_id": str(casus_id), "items": [geschiedenis_item(e) for e in gebeurtenissen]}
