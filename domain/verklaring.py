"""What every command declares once, and how the aggregate's typed method is found for it.

A command is its input model (domain/opdrachten/): the same class is the API's request
body, the OpenAPI schema and the domain method's argument, and it carries a `Verklaring`
with everything else about the command: its URL segment, the events it records (with the
audit trail's label for each), the rules checked before anything is recorded, and who may
give it. The routes, the access policy's write table, the audit labels and the rules
are read from these declarations; tests/unit/test_verklaringen.py fails when they and the
aggregate disagree. Who may give a command is named here (roles and relations from the
brief's table "Wie mag wat"); whether a relation holds is the policy's to decide
(application/toegang.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from domain.regels import Regel

# (role, relations that must all hold between the caller and the file)
Bevoegdheid = tuple[str, tuple[str, ...]]

MEDEWERKERS = ("mentor", "docent", "zorgcoordinator", "teamleider", "intern_begeleider", "zorgteam")


def voor(rollen: tuple[str, ...], *relaties: str) -> tuple[Bevoegdheid, ...]:
    return tuple((rol, relaties) for rol in rollen)


# The regiehouder and the coupled IB are people, not roles: any staff member can be one.
REGIEHOUDER = voor(MEDEWERKERS, "regiehouder")
IB = voor(MEDEWERKERS, "gekoppeld")
ZORGCOORDINATOR: tuple[Bevoegdheid, ...] = (("zorgcoordinator", ()),)
BETROKKEN: tuple[Bevoegdheid, ...] = (
    ("mentor", ("eigen_klas",)),
    *ZORGCOORDINATOR,
    ("teamleider", ("eigen_afdeling",)),
    ("zorgteam", ("ozs_of_hoger",)),
    *REGIEHOUDER,
    *IB,
)


@dataclass(frozen=True)
class Verklaring:
    # `POST /api/v1/casussen/{id}/<segment>`; also the action's name in the access log.
    segment: str
    # The OpenAPI operation's summary.
    samenvatting: str
    # Event type → its label in the audit trail; the first is the command's own event.
    gebeurtenissen: Mapping[str, str]
    # Checked, all of them, before anything is recorded (the first broken one by
    # precedence is raised: domain/fouten.py).
    regels: tuple[Regel, ...]
    schrijven: tuple[Bevoegdheid, ...]


M = TypeVar("M")
Uitvoering = Callable[..., None]
# Input model → the aggregate's method that carries it out (filled by `voert_uit`).
UITVOERING: dict[type[Any], Uitvoering] = {}


def voert_uit(model: type[M]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Marks the aggregate's typed method for one command's input model."""

    def merk(methode: Callable[..., None]) -> Callable[..., None]:
        if model in UITVOERING:
            raise TypeError(f"{model.__name__} heeft al een uitvoering")
        UITVOERING[model] = methode
        return methode

    return merk
