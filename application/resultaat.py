"""What a command answers: the file, its version, whether it was new, and where it is in the log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Resultaat:
    casus_id: UUID
    versie: int
    nieuw: bool
    status: int
    positie: int | None = None
    # False for a caller who may not read the file: the answer then names it only.
    toon_versie: bool = True

    def antwoord(self) -> dict[str, Any]:
        body: dict[str, Any] = {"casus_id": str(self.casus_id)}
        if self.toon_versie:
            body["versie"] = self.versie
            body["nieuw"] = self.nieuw
        if self.positie is not None:
            body["positie"] = self.positie
        return body
