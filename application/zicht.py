"""What a role may see of a file: the facts the policy decides on (from the aggregate or
a view row) and the file, version and history reduced to the caller's view (anonymous
names, the ZAT's share, a teacher's own signals and the feedback given to them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from application.fouten import GeenToegang
from application.gebruiker import Gebruiker
from application.toegang import DossierFeiten, mag_lezen, weergave_voor, ziet_naam
from domain.casus import Casus
from domain.waarden import Onderwerp


def feiten_van(casus: Casus) -> DossierFeiten:
    zat = casus.toestemmingen.get("zat")
    return DossierFeiten(
        school=casus.school,
        klas=casus.onderwerp.klas,
        afdeling=casus.onderwerp.afdeling,
        is_klas=casus.is_klas,
        niveau=casus.niveau,
        regiehouder=casus.regiehouder.medewerker_id if casus.regiehouder else None,
        intern_begeleider=(
            casus.intern_begeleider.medewerker_id if casus.intern_begeleider else None
        ),
        anoniem=casus.anoniem,
        zat_toestemming=zat is not None and zat.besluit == "gegeven",
        signaalgevers=frozenset(s.gemeld_door.id for s in casus.signalen),
        ketenpartners=casus.ketenpartners,
    )


def feiten_van_nieuw(school: str, onderwerp: Onderwerp) -> DossierFeiten:
    """The facts of the file a first signal about `onderwerp` would open."""
    return DossierFeiten(
        school=school,
        klas=onderwerp.klas,
        afdeling=onderwerp.afdeling,
        is_klas=onderwerp.is_klas,
        niveau="mentor",
        regiehouder=None,
        intern_begeleider=None,
        anoniem=False,
        zat_toestemming=False,
    )


def beperk_dossier(
    g: Gebruiker, feiten: DossierFeiten, weergave: dict[str, Any], verwezen_op: str | None
) -> dict[str, Any]:
    soort = weergave_voor(g, feiten)
    weergave["weergave"] = soort
    if not ziet_naam(g, feiten):
        _verberg_onderwerp(weergave["onderwerp"])
    if soort == "extern":
        # The ZAT sees what was shared with it: not the signals' text from before referral.
        for signaal in weergave["signalen"]:
            if verwezen_op is None or signaal["tijdstip"] < verwezen_op:
                signaal["omschrijving"] = None
    if soort == "docent":
        # Their own signals and the feedback given to them: no version (it would tell how
        # far the file has come), no feedback meant for another reporter.
        eigen = [s for s in weergave["signalen"] if s["gemeld_door"]["id"] == g.sub]
        return {
            "casus_id": weergave["casus_id"],
            "weergave": "docent",
            "signalen": eigen,
            "terugkoppelingen": [
                t for t in weergave.get("terugkoppelingen", []) if t["signaalgever"] == g.sub
            ],
        }
    return weergave


def _verberg_onderwerp(onderwerp: dict[str, Any]) -> None:
    """Beside a pseudonym nothing that narrows it down: only the subject's type stays."""
    for veld in [v for v in onderwerp if v != "type"]:
        del onderwerp[veld]


def beperk_geschiedenis(
    g: Gebruiker, feiten: DossierFeiten, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    soort = weergave_voor(g, feiten)
    if soort == "docent":
        raise GeenToegang("Een docent ziet alleen de terugkoppeling op de eigen signalen.")
    if soort == "extern":
        verwijzing = max(
            (i["versie"] for i in items if i["type"] == "DoorverwezenNaarZAT"), default=None
        )
        items = [i for i in items if verwijzing is not None and i["versie"] >= verwijzing]
    if not ziet_naam(g, feiten):
        for item in items:
            gegevens = item["gegevens"]
            onderwerp = gegevens.get("onderwerp")
            if isinstance(onderwerp, dict):
                _verberg_onderwerp(onderwerp)
            # Why a file is anonymous tells who it is about.
            gegevens.pop("reden_anoniem", None)
    return items


def feiten_uit_rij(rij: dict[str, Any]) -> DossierFeiten:
    """Facts from a case-list view row (`projections.casussen`), for filtering overviews."""
    return DossierFeiten(
        school=rij["school"],
        klas=rij["klas"],
        afdeling=rij["afdeling"],
        is_klas=rij["type"] == "klas",
        niveau=rij["niveau"],
        regiehouder=rij["regiehouder"],
        intern_begeleider=rij["intern_begeleider"],
        anoniem=bool(rij["anoniem"]),
        zat_toestemming=bool(rij["zat_toestemming"]),
        # Stored as `,code,code,` (projections.casussen) so SQL can select on it.
        ketenpartners=tuple(p for p in (rij.get("ketenpartners") or "").split(",") if p),
    )


def leesbaar(g: Gebruiker, rijen: Iterable[dict[str, Any]]) -> dict[str, DossierFeiten]:
    """casus_id → facts, for the rows this caller may read (break-glass does not extend
    to overviews: it opens one file, for a stated reason)."""
    uitkomst = {}
    for rij in rijen:
        feiten = feiten_uit_rij(rij)
        if mag_lezen(g, feiten).toegestaan:
            uitkomst[str(rij["casus_id"])] = feiten
    return uitkomst
