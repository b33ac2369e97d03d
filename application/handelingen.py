"""The commands of the HTTP contract: URL name → the Casus command that carries it out."""

from __future__ import annotations

# `handeling` as in `POST /api/v1/casussen/{id}/<handeling>` (api.md) → Casus method.
HANDELINGEN: dict[str, str] = {
    "gesprekken": "voer_gesprek",
    "ouders-geinformeerd": "informeer_ouders",
    "kernteam-aanmelding": "meld_aan_voor_kernteam",
    "kernteambesprekingen": "bespreek_in_kernteam",
    "interventies": "zet_interventie_in",
    "contactpersoonbesprekingen": "bespreek_met_contactpersoon",
    "toestemmingen": "registreer_toestemming",
    "ozs-inbreng": "breng_in_ozs",
    "regiehouder": "benoem_regiehouder",
    "intern-begeleider": "koppel_intern_begeleider",
    "handelingsplan": "stel_handelingsplan_vast",
    "opp": "stel_opp_vast",
    "ozs-besprekingen": "bespreek_in_ozs",
    "terugkoppelingen": "geef_terugkoppeling",
    "evaluaties": "evalueer",
    "zat-verwijzing": "verwijs_naar_zat",
    "afsluiting": "sluit_af",
    "onderwerp-correctie": "corrigeer_onderwerp",
    "anonimiteit-opheffing": "hef_anonimiteit_op",
}

# Every command gets "today" from the service's clock, under this name: the OPP's rule
# measures its evaluation date from it, the others refuse a date of what happened that
# lies after it (domain/datumregels.py).
MET_PEILDATUM: dict[str, str] = {h: "vandaag" for h in HANDELINGEN} | {"opp": "vastgesteld_op"}
