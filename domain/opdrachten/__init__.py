"""Every command, declared once: its input model with its `Verklaring` (domain/verklaring.py).

`OPDRACHTEN` lists them; the signal (`SignaalVerzoek`, and `SignaalOpDossierVerzoek` for a
known file) is the one that opens a file, so it has routes of its own; every other
command is `POST /casussen/{id}/<segment>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Imported in the order of the route: the order of the OpenAPI document.
from domain.invoer import VERKLAARD, Verzoek
from domain.opdrachten import dossier, route, zorg  # noqa: F401  (they declare the commands)
from domain.opdrachten.signaal import SIGNAAL, SignaalOpDossierVerzoek, SignaalVerzoek

# The commands on a known file, in the order of the route (and of the OpenAPI document).
HANDELINGEN: tuple[type[Verzoek], ...] = tuple(m for m in VERKLAARD if m.verklaring is not SIGNAAL)
OPDRACHTEN: tuple[type[Verzoek], ...] = (SignaalOpDossierVerzoek, *HANDELINGEN)
# segment → input model of the commands on a known file.
PER_SEGMENT: dict[str, type[Verzoek]] = {m.verklaring.segment: m for m in HANDELINGEN}


def opdracht_voor(segment: str, gegevens: Mapping[str, Any]) -> Verzoek:
    """A command from its segment and data as JSON gives them (the CLI, the demo seed):
    validated by the same model as the API's body (pydantic.ValidationError if not)."""
    return PER_SEGMENT[segment].model_validate(dict(gegevens))


__all__ = ["HANDELINGEN", "OPDRACHTEN", "PER_SEGMENT", "SIGNAAL", "SignaalOpDossierVerzoek"]
__all__ += ["SignaalVerzoek", "opdracht_voor"]
