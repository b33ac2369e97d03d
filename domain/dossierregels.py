"""The rules about whom a file is about and for whom what in it is: the subject that names
the file, a correction that changes something, anonymity to lift, the reporter feedback is
for. Like `datumregels`, used by the rule table in `regels.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from domain.fouten import Overtreding


class Dossier(Protocol):
    anoniem: bool


def signaalgever(c: object, a: Mapping[str, Any]) -> Overtreding | None:
    if a["aan"] != "signaalgever":
        if a.get("signaalgever") is not None:
            return Overtreding(
                "signaalgever_onbekend",
                "Een signaalgever noemt u alleen bij een terugkoppeling aan de signaalgever.",
            )
        return None
    if a.get("signaalgever") not in a["signaalgevers"]:
        return Overtreding(
            "signaalgever_onbekend",
            "Kies bij een terugkoppeling aan de signaalgever wie het is: het id van een "
            "medewerker die in dit dossier een signaal meldde.",
        )
    return None


def onderwerp_vast(c: object, a: Mapping[str, Any]) -> Overtreding | None:
    oud, nieuw = a["oud"], a["onderwerp"]
    sleutel = ("type", "klas") if oud.is_klas else ("type", "leerlingnummer")
    if any(getattr(oud, v) != getattr(nieuw, v) for v in sleutel):
        wat = "de klas van een klascasus" if oud.is_klas else "het leerlingnummer"
        return Overtreding(
            "onderwerp_vast",
            f"Het dossier hoort bij {wat}; dat is niet te corrigeren. Meld een signaal "
            "over het juiste onderwerp; dat krijgt een eigen dossier.",
        )
    return None


def onderwerp_gewijzigd(c: object, a: Mapping[str, Any]) -> Overtreding | None:
    if a["oud"] == a["onderwerp"]:
        return Overtreding(
            "onderwerp_ongewijzigd", "De correctie verandert niets aan het onderwerp."
        )
    return None


def anoniem(c: Dossier, a: Mapping[str, Any]) -> Overtreding | None:
    if not c.anoniem:
        return Overtreding("niet_anoniem", "Dit dossier is niet anoniem.")
    return None
