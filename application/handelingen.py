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

# Commands whose rule depends on "today" get it from the service's clock.
MET_PEILDATUM: dict[str, str] = {"opp": "vastgesteld_op"}
