"""Errors of the service layer; the API turns each into one HTTP problem."""

from __future__ import annotations

from typing import Any

from domain.fouten import DomeinFout


class CasusNietGevonden(DomeinFout):
    """Unknown file, or a file of another school: the caller may never learn which."""

    code = "niet_gevonden"

    def __init__(self) -> None:
        super().__init__("Dit dossier bestaat niet of is niet van uw school.")


class VersieConflict(DomeinFout):
    code = "versie_conflict"

    def __init__(self, verwacht: int, actueel: int) -> None:
        super().__init__(
            f"Het dossier is intussen gewijzigd: u verwachtte versie {verwacht}, "
            f"de actuele versie is {actueel}. Haal het dossier opnieuw op."
        )
        self.verwacht = verwacht
        self.actueel = actueel


class IdempotentieSleutelHergebruikt(DomeinFout):
    code = "idempotency_key_hergebruikt"

    def __init__(self) -> None:
        super().__init__(
            "Deze Idempotency-Key is al gebruikt voor een ander verzoek; kies een nieuwe sleutel."
        )


class OngeldigeInvoer(DomeinFout):
    """Input that passed the API's schema but not the domain's (or came from elsewhere)."""

    code = "ongeldige_invoer"

    def __init__(self, melding: str, fouten: list[dict[str, Any]] | None = None) -> None:
        super().__init__(melding)
        self.fouten = fouten or []


class TeVeelGelijktijdigeWijzigingen(DomeinFout):
    code = "te_druk"

    def __init__(self) -> None:
        super().__init__(
            "Het dossier werd steeds gelijktijdig gewijzigd; probeer het zo dadelijk opnieuw."
        )


class GeenToegang(DomeinFout):
    """Inside the school, but not allowed (403). Another school's file is NotFound instead."""

    code = "geen_toegang"

    def __init__(
        self, melding: str = "U heeft geen toegang tot dit dossier of deze functie."
    ) -> None:
        super().__init__(melding)


class VersieVerborgen(GeenToegang):
    """An If-Match from whoever may write but not read the file: its version is not theirs
    to know (403, its own code so a client can drop the header and try again)."""

    code = "versie_verborgen"

    def __init__(self) -> None:
        super().__init__(
            "Alleen wie het dossier mag lezen, kan een versie noemen (If-Match). Stuur het "
            "verzoek zonder If-Match."
        )
