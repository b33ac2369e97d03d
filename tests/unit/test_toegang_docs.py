"""docs/toegang.md states the policy the code enforces: its marked tables are parsed and
compared with the tables in `application.toegang`, so changing one without the other fails.

A marked table follows a line `<!-- beleid: <naam> -->`; each row is `name | rules`, the
rules as backticked tokens `rol` or `rol:relatie+relatie`, where `medewerker` stands for every
staff role."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from application import toegang
from domain.waarden import Rol

DOC = Path(__file__).resolve().parents[2] / "docs" / "toegang.md"
MARKERING = re.compile(r"^<!-- beleid: (\w+) -->$")
TOKEN = re.compile(r"`([^`]+)`")

Regels = frozenset[tuple[str, tuple[str, ...]]]


def tabellen(tekst: str) -> dict[str, dict[str, list[str]]]:
    """Every marked table: name → {first cell → the backticked tokens of the second}."""
    uitkomst: dict[str, dict[str, list[str]]] = {}
    regels = tekst.splitlines()
    for i, regel in enumerate(regels):
        gevonden = MARKERING.match(regel.strip())
        if not gevonden:
            continue
        naam = gevonden.group(1)
        assert naam not in uitkomst, f"tabel {naam} staat er twee keer in"
        rijen: dict[str, list[str]] = {}
        for rij in regels[i + 3 :]:  # marker, header, separator
            if not rij.startswith("|"):
                break
            cellen = [c.strip() for c in rij.strip().strip("|").split("|")]
            assert len(cellen) == 2, f"{naam}: rij met {len(cellen)} cellen: {rij}"
            sleutel = cellen[0].strip("`")
            assert sleutel not in rijen, f"{naam}: {sleutel} staat er twee keer in"
            rijen[sleutel] = TOKEN.findall(cellen[1]) or [cellen[1]]
        uitkomst[naam] = rijen
    return uitkomst


def regels_uit(tokens: list[str]) -> Regels:
    """`medewerker:regiehouder` → one rule per staff role; `mentor:a+b` → (mentor, (a, b))."""
    uitkomst: set[tuple[str, tuple[str, ...]]] = set()
    for token in tokens:
        rol, _, relaties = token.partition(":")
        rollen = toegang.MEDEWERKERS if rol == "medewerker" else (rol,)
        for r in rollen:
            uitkomst.add((r, tuple(relaties.split("+")) if relaties else ()))
    return frozenset(uitkomst)


def rollen_uit(tokens: list[str]) -> frozenset[str]:
    return frozenset(rol for rol, _ in regels_uit(tokens))


@pytest.fixture(scope="module")
def doc() -> dict[str, dict[str, list[str]]]:
    return tabellen(DOC.read_text(encoding="utf-8"))


def test_the_doc_has_every_policy_table(doc: dict[str, dict[str, list[str]]]) -> None:
    assert set(doc) == {
        "relaties",
        "lezen",
        "geschiedenis",
        "schrijven",
        "overzichten",
        "naam_bij_anoniem",
        "noodtoegang",
    }


def test_the_doc_names_every_relation_the_policy_uses_and_no_other(
    doc: dict[str, dict[str, list[str]]],
) -> None:
    assert set(doc["relaties"]) == set(toegang.RELATIES)


def test_the_write_table_of_the_doc_is_the_write_table_of_the_code(
    doc: dict[str, dict[str, list[str]]],
) -> None:
    in_doc = {h: regels_uit(t) for h, t in doc["schrijven"].items()}
    in_code = {h: frozenset(r) for h, r in toegang.SCHRIJVEN.items()}
    assert set(in_doc) == set(in_code), "handelingen"
    for handeling in in_code:
        assert in_doc[handeling] == in_code[handeling], handeling


def test_who_may_read_a_file_is_the_same_in_doc_and_code(
    doc: dict[str, dict[str, list[str]]],
) -> None:
    assert set(doc["lezen"]) == {"lezen"}
    assert regels_uit(doc["lezen"]["lezen"]) == frozenset(toegang.LEZEN)


def test_who_may_read_a_files_history_is_the_same_in_doc_and_code(
    doc: dict[str, dict[str, list[str]]],
) -> None:
    assert regels_uit(doc["geschiedenis"]["geschiedenis"]) == frozenset(toegang.GESCHIEDENIS)


def test_who_sees_an_anonymous_name_is_the_same_in_doc_and_code(
    doc: dict[str, dict[str, list[str]]],
) -> None:
    tokens = doc["naam_bij_anoniem"]["naam_bij_anoniem"]
    assert regels_uit(tokens) == frozenset(toegang.NAAM_BIJ_ANONIEM)


def test_the_overview_table_of_the_doc_is_the_overview_table_of_the_code(
    doc: dict[str, dict[str, list[str]]],
) -> None:
    in_doc = {o: rollen_uit(t) for o, t in doc["overzichten"].items()}
    assert in_doc == {o: frozenset(r) for o, r in toegang.OVERZICHTEN.items()}


def test_break_glass_roles_are_the_same_in_doc_and_code(
    doc: dict[str, dict[str, list[str]]],
) -> None:
    assert rollen_uit(doc["noodtoegang"]["noodtoegang"]) == frozenset(toegang.NOODTOEGANG_ROLLEN)


def test_every_role_and_relation_in_the_doc_exists(doc: dict[str, dict[str, list[str]]]) -> None:
    rollen = set(get_args(Rol))
    tabel = [t for naam, rijen in doc.items() if naam != "relaties" for t in rijen.values()]
    for tokens in tabel:
        for rol, relaties in regels_uit(tokens):
            assert rol in rollen, rol
            assert set(relaties) <= set(toegang.RELATIES), relaties


def test_a_rule_dropped_from_the_doc_is_noticed() -> None:
    """The comparison is not vacuous: one rule less in the text makes it differ."""
    tekst = DOC.read_text(encoding="utf-8")
    rij = "| opp | `medewerker:regiehouder` `zorgcoordinator` |"
    assert rij in tekst
    veranderd = tabellen(tekst.replace(rij, "| opp | `zorgcoordinator` |"))
    assert regels_uit(veranderd["schrijven"]["opp"]) != frozenset(toegang.SCHRIJVEN["opp"])


# ---- issue 13: the rules around access, as the doc states them ----------------------------


def test_the_doc_names_every_outcome_the_access_log_records() -> None:
    from application.toegangslog import Resultaat

    rij = next(r for r in DOC.read_text().splitlines() if r.startswith("| `resultaat`, `regel` |"))
    assert set(TOKEN.findall(rij.split("|")[2])) >= set(get_args(Resultaat))


def test_the_doc_names_the_codes_of_the_rules_around_subject_anonymity_and_versions() -> None:
    from application.fouten import VersieVerborgen

    tekst = DOC.read_text()
    codes = (
        VersieVerborgen.code,
        "onderwerp_vast",
        "onderwerp_ongewijzigd",
        "niet_anoniem",
        "signaalgever_onbekend",
    )
    for code in codes:
        assert f"`{code}`" in tekst, code


def test_the_doc_lists_the_commands_that_guard_subject_and_anonymity() -> None:
    from domain.opdrachten import PER_SEGMENT

    tekst = DOC.read_text()
    for handeling in ("onderwerp-correctie", "anonimiteit-opheffing"):
        assert handeling in PER_SEGMENT
        assert f"POST /casussen/{{id}}/{handeling}" in tekst


def test_what_the_doc_keeps_out_of_a_list_beside_a_pseudonym_is_what_the_list_leaves_out() -> None:
    from projections import casussen

    regel = next(
        r for r in DOC.read_text().splitlines() if r.startswith("- lijsten (`GET /casussen`)")
    )
    genoemd = {"naam", "klas", "afdeling", "leerjaar"}
    assert set(casussen._VERRADEND) == genoemd
    for woord in genoemd:
        assert woord in regel, woord
