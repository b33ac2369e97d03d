"""The meetings an agenda is for, the reasons a file is on one, and the key questions
to prepare: shared by the agenda view and its export formats."""

from __future__ import annotations

OVERLEGGEN: dict[str, str] = {
    "kernteam": "Kernteamoverleg",
    "ozs": "Ondersteuningsteam (OZS)",
    "zat": "Zorg- en adviesteam (ZAT)",
}
REDENEN: dict[str, str] = {
    "kernteam_aangemeld": "aangemeld voor het kernteam",
    "nieuw_ingebracht": "nieuw ingebracht",
    "verwezen": "verwezen naar het ZAT",
    "opschalen": "opschalen",
    "evaluatie": "evaluatie",
    "periodieke_bespreking": "periodieke bespreking",
}
KERNVRAGEN = (
    "doel",
    "ondersteuningsbehoefte",
    "waarom_nu",
    "sterke_kanten",
    "wanneer_evalueren",
    "casusregie",
    "wie_koppelt_terug",
)
