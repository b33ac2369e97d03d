"""The expected outcome of the access matrix, written by hand from issue 4 and the brief's
table "Who may do what" (../shared/domain/README.md). It never asks `application.toegang`:
an expectation derived from the code under test could not catch that code being wrong.
"""

from __future__ import annotations

from tests.e2e.toegang_opzet import Feiten, Persoon

PERSONEEL = ("mentor", "docent", "zorgcoordinator", "teamleider", "intern_begeleider", "zorgteam")
NOODTOEGANG = ("zorgteam", "teamleider")  # "a zorgteam member or teamleider may open a file"


# ---- -------------------------------------------------------------


def _persoonlijk(p: Persoon, f: Feiten) -> bool:
    """Regiehouder and coupled IB are people, not roles: whoever holds the post."""
    return p.rol in PERSONEEL and p.sub in (f.regiehouder, f.intern_begeleider)


def mag_lezen(p: Persoon, f: Feiten, *, noodtoegang: bool = False) -> bool:
    """Issue 4, "Who may read"."""
    if p.rol == "extern":
        # "only files referred to the ZAT, only while the zat consent stands"; issue 13:
        # "a partner reads only files referred to its own organisation ... until the
        # referral ends"
        return f.niveau == "extern" and f.zat_toestemming and p.organisatie in f.ketenpartners
    if p.rol in ("swv", "auditor", "beheerder"):  # aggregates / logs / operations only
        return False
    gewoon = (
        _persoonlijk(p, f)
        or {
            "zorgcoordinator": True,  # "everything of their school"
            "mentor": f.klas in p.klassen,  # own classes, class cases of those classes too
            "teamleider": f.afdeling == p.afdeling,
            "intern_begeleider": False,  # only files they are coupled to (above)
            "zorgteam": f.niveau in ("ozs", "extern"),  # or where regiehouder (above)
            "docent": p.sub in f.signaalgevers,  # "only the feedback on their own signals"
        }[p.rol]
    )
    return gewoon or (noodtoegang and p.rol in NOODTOEGANG)


def mag_geschiedenis(p: Persoon, f: Feiten, *, noodtoegang: bool = False) -> bool:
    # A teacher sees feedback on their own signals, not the file's timeline.
    if p.rol == "docent" and not _persoonlijk(p, f):
        return False
    return mag_lezen(p, f, noodtoegang=noodtoegang)


def mag_schrijven(handeling: str, p: Persoon, f: Feiten) -> bool:
    """The brief's table "Who may do what"; `extern`, `swv`, `auditor`, `beheerder` never
    write."""
    if p.rol not in PERSONEEL:
        return False
    mentor_klas = p.rol == "mentor" and f.klas in p.klassen
    zc = p.rol == "zorgcoordinator"
    regiehouder = p.sub == f.regiehouder
    ib = p.sub == f.intern_begeleider
    onder_ozs = f.niveau not in ("ozs", "extern")
    if handeling == "signalen":  # every staff role of the school
        return True
    if handeling in (
        "gesprekken",
        "ouders-geinformeerd",
        "kernteam-aanmelding",
        "kernteam-afmelding",
        "kernteambesprekingen",
        "interventies",
        "terugkoppelingen",
    ):
        return (
            mentor_klas
            or zc
            or (p.rol == "teamleider" and f.afdeling == p.afdeling)
            or regiehouder
            or ib
            or (p.rol == "zorgteam" and not onder_ozs)
        )
    if handeling in ("toestemmingen", "ozs-inbreng"):
        return mentor_klas or zc
    if handeling in ("contactpersoonbesprekingen", "ozs-besprekingen"):
        return zc or p.rol == "zorgteam"
    # Issue 13: who a file is about, and lifting its anonymity, is the zorgcoördinator's.
    if handeling in (
        "regiehouder",
        "intern-begeleider",
        "onderwerp-correctie",
        "anonimiteit-opheffing",
    ):
        return zc
    if handeling in ("handelingsplan", "evaluaties"):
        return regiehouder or ib or zc or (mentor_klas and onder_ozs)
    if handeling in ("opp", "zat-verwijzing"):
        return regiehouder or zc
    if handeling == "afsluiting":
        return regiehouder or zc or (mentor_klas and onder_ozs)
    raise AssertionError(f"geen verwachting voor {handeling}")


# Overviews that are not one file: who may ask at all (issue 4 and the brief).
OVERZICHT_ROLLEN: dict[str, frozenset[str]] = {
    # Roles that read files get the list of the files they may read; a teacher does not.
    "casussen": frozenset(
        {"mentor", "zorgcoordinator", "teamleider", "intern_begeleider", "zorgteam", "extern"}
    ),
    # Agenda rows name pupils: the school's care staff, not the ZAT's partners.
    "agenda": frozenset(
        {"mentor", "zorgcoordinator", "teamleider", "intern_begeleider", "zorgteam"}
    ),
    "werkvoorraad": frozenset(PERSONEEL),  # one's own caseload as regiehouder / IB
    "werkvoorraad_ander": frozenset({"zorgcoordinator"}),
    # "swv: only aggregate endpoints (verantwoording, trends)"; trends are policy input.
    "trends": frozenset({"zorgcoordinator", "teamleider", "swv"}),
    "verantwoording": frozenset({"zorgcoordinator", "swv"}),
    "projecties": frozenset({"beheerder"}),  # "beheerder: projection operations"
    "audittrail_gebruiker": frozenset({"auditor", "zorgcoordinator"}),
    "toegangslog_zoeken": frozenset({"auditor"}),  # "GET /toegangslog … (auditor)"
    "noodtoegang_rapport": frozenset({"auditor"}),  # "a report for the privacy officer"
}
# Per file, but about the log rather than the content: "(auditor, zorgcoördinator)".
LOG_PER_DOSSIER = frozenset({"auditor", "zorgcoordinator"})
