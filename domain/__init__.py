"""The care route of a school as an event-sourced aggregate: no I/O, no web, no database."""

from domain.casus import Casus
from domain.fouten import REGEL_VOORRANG, DomeinFout, Regelfout
from domain.identiteit import casus_id_voor, pseudoniem_voor, schooljaar_van
from domain.waarden import Actor, Onderwerp

__all__ = [
    "REGEL_VOORRANG",
    "Actor",
    "Casus",
    "DomeinFout",
    "Onderwerp",
    "Regelfout",
    "casus_id_voor",
    "pseudoniem_voor",
    "schooljaar_van",
]
