"""Who may do what with which file: one declarative policy (mirrored in docs/toegang.md).

A rule is (role, relations): it allows when the caller has that role and every relation
holds between the caller and the file. A request is allowed when any rule of its action
allows it. Relations are facts about the caller and the file, never about the request,
so the same table answers "may this person open this file" wherever it is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from application.gebruiker import Gebruiker
from domain.opdrachten import OPDRACHTEN
from domain.verklaring import MEDEWERKERS, REGIEHOUDER, Bevoegdheid


@dataclass(frozen=True)
class DossierFeiten:
    """What the policy needs to know about a file (from the aggregate or a view row)."""

    school: str
    klas: str
    afdeling: str
    is_klas: bool
    niveau: str
    regiehouder: str | None
    intern_begeleider: str | None
    anoniem: bool
    zat_toestemming: bool
    signaalgevers: frozenset[str] = frozenset()
    ketenpartners: tuple[str, ...] = ()  # organisations of the standing ZAT referral


Relatie = Callable[[Gebruiker, DossierFeiten], bool]


def gelijk_gespeld(naam: str) -> str:
    """A class or department name as compared: case and surrounding spaces do not count."""
    return naam.strip().casefold()


RELATIES: dict[str, Relatie] = {
    # Class and department names as the school writes them: `h3a` is `H3A`.
    "eigen_klas": lambda g, f: gelijk_gespeld(f.klas) in {gelijk_gespeld(k) for k in g.klassen},
    "eigen_afdeling": lambda g, f: (
        g.afdeling is not None and gelijk_gespeld(f.afdeling) == gelijk_gespeld(g.afdeling)
    ),
    "gekoppeld": lambda g, f: f.intern_begeleider == g.sub,
    "regiehouder": lambda g, f: f.regiehouder == g.sub,
    "ozs_of_hoger": lambda g, f: f.niveau in ("ozs", "extern"),
    "onder_ozs": lambda g, f: f.niveau not in ("ozs", "extern"),
    # Referred to the ZAT (level extern is reached only that way) with consent standing.
    "zat_met_toestemming": lambda g, f: f.niveau == "extern" and f.zat_toestemming,
    # The standing referral names the caller's organisation (exactly, as the token has it).
    "eigen_organisatie": lambda g, f: (
        g.organisatie is not None and g.organisatie in f.ketenpartners
    ),
    "eigen_signaal": lambda g, f: g.sub in f.signaalgevers,
}

Regel = Bevoegdheid  # (role, relations that must all hold)

# Writes: the brief's table "Who may do what", per command (URL name).
# Writes: the brief's table "Who may do what", as each command declares it
# (domain/opdrachten/), by the command's URL segment.
SCHRIJVEN: dict[str, tuple[Regel, ...]] = {
    m.verklaring.segment: m.verklaring.schrijven for m in OPDRACHTEN
}

# Reading a file. `extern` and `docent` get a reduced view (see `weergave_voor`).
LEZEN: tuple[Regel, ...] = (
    ("zorgcoordinator", ()),
    ("mentor", ("eigen_klas",)),
    ("teamleider", ("eigen_afdeling",)),
    ("intern_begeleider", ("gekoppeld",)),
    ("zorgteam", ("ozs_of_hoger",)),
    *REGIEHOUDER,
    ("extern", ("zat_met_toestemming", "eigen_organisatie")),
    ("docent", ("eigen_signaal",)),
)

# The history: every event with all its free text. A teacher's own signal does not open
# it (they see their signals and the feedback on them, nothing more).
GESCHIEDENIS: tuple[Regel, ...] = tuple(r for r in LEZEN if r != ("docent", ("eigen_signaal",)))

# Break-glass: these roles may open a file outside their relation, giving a reason.
NOODTOEGANG_ROLLEN = ("zorgteam", "teamleider")

# Overviews that are not one file: who may ask at all (rows are filtered per file after).
OVERZICHTEN: dict[str, tuple[str, ...]] = {
    "casussen": (
        "mentor",
        "zorgcoordinator",
        "teamleider",
        "intern_begeleider",
        "zorgteam",
        "extern",
    ),
    "agenda": ("mentor", "zorgcoordinator", "teamleider", "intern_begeleider", "zorgteam"),
    "werkvoorraad": MEDEWERKERS,
    "werkvoorraad_ander": ("zorgcoordinator",),
    "audittrail": ("auditor", "zorgcoordinator"),
    "audittrail_gebruiker": ("auditor", "zorgcoordinator"),
    "toegangslog": ("auditor", "zorgcoordinator"),
    "toegangslog_gebruiker": ("auditor",),
    "noodtoegang": ("auditor",),
    "trends": ("zorgcoordinator", "teamleider", "swv"),
    "verantwoording": ("zorgcoordinator", "swv"),
    "projecties": ("beheerder",),
}

# Who sees an anonymous file's name and pupil number (everyone else: the pseudonym only).
NAAM_BIJ_ANONIEM: tuple[Regel, ...] = (
    ("mentor", ("eigen_klas",)),
    ("zorgcoordinator", ()),
    *REGIEHOUDER,
)

Weergave = Literal["volledig", "extern", "docent"]


@dataclass(frozen=True)
class Besluit:
    toegestaan: bool
    regel: str
    noodtoegang: bool = False


def _past(regels: tuple[Regel, ...], g: Gebruiker, f: DossierFeiten) -> str | None:
    for rol, relaties in regels:
        if g.rol == rol and all(RELATIES[r](g, f) for r in relaties):
            return f"{rol}:{'+'.join(relaties) or 'rol'}"
    return None


def mag_schrijven(g: Gebruiker, handeling: str, f: DossierFeiten | None) -> Besluit:
    regels = SCHRIJVEN[handeling]
    if f is None:  # a first signal: there is no file yet to relate to
        regel = next((f"{r}:rol" for r, rel in regels if r == g.rol and not rel), None)
    else:
        regel = _past(regels, g, f)
    if regel is None:
        return Besluit(False, f"{handeling}:geen_regel")
    return Besluit(True, f"{handeling}:{regel}")


def mag_lezen(
    g: Gebruiker, f: DossierFeiten, noodtoegang: str | None = None, wat: str = "lezen"
) -> Besluit:
    """May this caller read this file (`wat`: "lezen") or its history ("geschiedenis")?"""
    regel = _past(GESCHIEDENIS if wat == "geschiedenis" else LEZEN, g, f)
    if regel is not None:
        return Besluit(True, f"{wat}:{regel}")
    if noodtoegang and g.rol in NOODTOEGANG_ROLLEN:
        return Besluit(True, f"{wat}:{g.rol}:noodtoegang", noodtoegang=True)
    return Besluit(False, f"{wat}:geen_regel")


def mag_overzicht(g: Gebruiker, soort: str) -> Besluit:
    if g.rol in OVERZICHTEN[soort]:
        return Besluit(True, f"{soort}:{g.rol}:rol")
    return Besluit(False, f"{soort}:geen_regel")


def weergave_voor(g: Gebruiker, f: DossierFeiten) -> Weergave:
    if g.rol == "extern":
        return "extern"
    if g.rol == "docent" and _past(LEZEN[:-1], g, f) is None:
        return "docent"
    return "volledig"


def ziet_versie(g: Gebruiker, f: DossierFeiten) -> bool:
    """May this caller know how far a file has come (its version: in an answer, an ETag,
    an If-Match)? Whoever reads the file itself; a teacher who sees only their own signals
    does not, so a signal never tells them how large a pupil's file is."""
    return mag_lezen(g, f).toegestaan and weergave_voor(g, f) != "docent"


def ziet_naam(g: Gebruiker, f: DossierFeiten) -> bool:
    return not f.anoniem or _past(NAAM_BIJ_ANONIEM, g, f) is not None


Voorwaarde = tuple[str, object]  # (relation, the caller's value it compares with)


def leesfilter(g: Gebruiker) -> list[list[Voorwaarde]]:
    """The read policy for this caller as OR-of-AND conditions on a file's facts, so a
    view can select exactly the readable files (and page correctly). An empty inner list
    means "every file of the school"; an empty outer list means "none"."""
    waarden: dict[str, object] = {
        "eigen_klas": tuple(gelijk_gespeld(k) for k in g.klassen),
        "eigen_afdeling": gelijk_gespeld(g.afdeling) if g.afdeling is not None else None,
        "gekoppeld": g.sub,
        "regiehouder": g.sub,
        "ozs_of_hoger": None,
        "onder_ozs": None,
        "zat_met_toestemming": None,
        "eigen_organisatie": g.organisatie,
        "eigen_signaal": g.sub,
    }
    return [[(r, waarden[r]) for r in relaties] for rol, relaties in LEZEN if rol == g.rol]
