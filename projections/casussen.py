"""The case list behind `GET /api/v1/casussen`: one row per file, newest change first."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import orjson

from domain.invoer import ORGANISATIE
from projections.basis import Projectie, Wijziging, lees_rijen, schrijf_rijen
from projections.opslag import Cursor, Opslag

KOLOMMEN = (
    "casus_id",
    "school",
    "type",
    "naam",
    "pseudoniem",
    "anoniem",
    "klas",
    "afdeling",
    "leerjaar",
    "status",
    "niveau",
    "traject",
    "regiehouder",
    "regiehouder_naam",
    "intern_begeleider",
    "volgende_bespreking",
    "volgende_evaluatie",
    "aantal_signalen",
    "geopend_op",
    "gewijzigd_op",
    "versie",
    "zat_toestemming",
    "ketenpartners",
)


class Casussen(Projectie):
    naam = "casussen"
    tabellen: ClassVar[dict[str, str]] = {
        "casussen": (
            "casus_id TEXT PRIMARY KEY, school TEXT NOT NULL, type TEXT NOT NULL, naam TEXT, "
            "pseudoniem TEXT, anoniem INTEGER NOT NULL, klas TEXT NOT NULL, afdeling TEXT NOT NULL, "
            "leerjaar INTEGER NOT NULL, status TEXT NOT NULL, niveau TEXT NOT NULL, "
            "traject INTEGER NOT NULL, regiehouder TEXT, regiehouder_naam TEXT, "
            "intern_begeleider TEXT, volgende_bespreking TEXT, volgende_evaluatie TEXT, "
            "aantal_signalen INTEGER NOT NULL, geopend_op TEXT NOT NULL, "
            "gewijzigd_op TEXT NOT NULL, versie INTEGER NOT NULL, zat_toestemming INTEGER NOT NULL, "
            # A new column changes `schema()`, so an existing view is rebuilt from the events.
            "ketenpartners TEXT NOT NULL"
        )
    }
    indexen: ClassVar[dict[str, str]] = {
        "casussen_school_gewijzigd": "casussen:school, gewijzigd_op, casus_id"
    }

    def verwerk(self, cur: Cursor, wijzigingen: Sequence[Wijziging]) -> None:
        laatste: dict[str, Wijziging] = {}
        for wijziging in wijzigingen:
            laatste[wijziging.casus_id] = wijziging  # only the file's last state counts
        rijen = [dict(zip(KOLOMMEN, self._rij(w), strict=True)) for w in laatste.values()]
        schrijf_rijen(cur, self.t("casussen"), KOLOMMEN, rijen)

    @staticmethod
    def _rij(w: Wijziging) -> tuple[Any, ...]:
        na, d = w.na, w.details
        return (
            w.casus_id,
            d["school"],
            d["type"],
            d["naam"],
            d["pseudoniem"],
            int(na["anoniem"]),
            na["klas"],
            d["afdeling"],
            d["leerjaar"],
            na["status"],
            na["niveau"],
            na["traject"],
            na["regiehouder"],
            d["regiehouder_naam"],
            na["intern_begeleider"],
            na["volgende_bespreking"],
            na["volgende_evaluatie"],
            d["aantal_signalen"],
            d["geopend_op"],
            w.tijdstip,
            w.gebeurtenis.originator_version,
            int(na["toestemmingen"].get("zat") == "gegeven"),
            _kolom(d["ketenpartners"]),
        )


def _kolom(ketenpartners: Sequence[str]) -> str:
    """`,wijkteam-noord,jeugdarts-ggd,`: a partner is selected by `LIKE '%,code,%'`. Only
    codes are kept: a free name from before codes (or one with a comma) can never equal
    the `organisatie` of a token, which is always a code, so leaving it out changes no
    decision and keeps the separator unambiguous."""
    codes = [k for k in ketenpartners if ORGANISATIE.fullmatch(k)]
    return f",{','.join(codes)}," if codes else ""


FILTERS = ("status", "niveau", "klas", "afdeling", "regiehouder", "anoniem")
_NAAM_VELDEN = ("klas", "afdeling")
# What narrows a pseudonym down to a pupil: never listed beside it.
_VERRADEND = ("naam", "klas", "afdeling", "leerjaar")


def _cursor_tekst(rij: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([rij["gewijzigd_op"], rij["casus_id"]])).decode()


def _lees_cursor(cursor: str) -> tuple[str, str]:
    try:
        gewijzigd_op, casus_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception as fout:
        raise ValueError("ongeldige cursor") from fout
    return str(gewijzigd_op), str(casus_id)


# How each relation of the access policy reads as SQL on this view.
_RELATIES: dict[str, Callable[[Any], tuple[str, list[Any]]]] = {
    # The policy's values come spelled as compared (application.toegang.gelijk_gespeld).
    "eigen_klas": lambda w: (
        f"LOWER(TRIM(klas)) IN ({', '.join(['%s'] * len(w))})" if w else "1 = 0",
        list(w),
    ),
    "eigen_afdeling": lambda w: ("LOWER(TRIM(afdeling)) = %s", [w]) if w else ("1 = 0", []),
    "gekoppeld": lambda w: ("intern_begeleider = %s", [w]),
    "regiehouder": lambda w: ("regiehouder = %s", [w]),
    "ozs_of_hoger": lambda w: ("niveau IN ('ozs', 'extern')", []),
    "onder_ozs": lambda w: ("niveau NOT IN ('ozs', 'extern')", []),
    "zat_met_toestemming": lambda w: ("(niveau = 'extern' AND zat_toestemming = 1)", []),
    # `w` is a code (checked with the token), so it holds no LIKE wildcard.
    "eigen_organisatie": lambda w: (
        ("ketenpartners LIKE %s", [f"%,{w},%"]) if w and ORGANISATIE.fullmatch(w) else ("1 = 0", [])
    ),
    # A teacher's own signals are not in this view: no list shows them files.
    "eigen_signaal": lambda w: ("1 = 0", []),
}


def _leesfilter_sql(leesfilter: Sequence[Sequence[tuple[str, Any]]]) -> tuple[str, list[Any]]:
    if not leesfilter:
        return "1 = 0", []
    delen, params = [], []
    for en in leesfilter:
        if not en:
            return "1 = 1", []
        stukken = []
        for relatie, waarde in en:
            tekst, extra = _RELATIES[relatie](waarde)
            stukken.append(tekst)
            params += extra
        delen.append("(" + " AND ".join(stukken) + ")")
    return "(" + " OR ".join(delen) + ")", params


def rijen(opslag: Opslag, school: str, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of these files of this school (for filtering other views by the policy)."""
    if not ids:
        return []
    with opslag.lezen() as cur:
        gevonden = lees_rijen(cur, "pv_casussen", set(ids))
    return [r for r in gevonden.values() if r["school"] == school]


def lijst(
    opslag: Opslag,
    school: str,
    filters: dict[str, Any],
    limit: int = 50,
    cursor: str | None = None,
    leesfilter: Sequence[Sequence[tuple[str, Any]]] = ((),),
) -> dict[str, Any]:
    """One page of the files this caller may read (`leesfilter`, from the access policy),
    newest change first, with a cursor to the next."""
    beleid, beleid_params = _leesfilter_sql(leesfilter)
    voorwaarden, params = ["school = %s", beleid], [school, *beleid_params]
    for veld in FILTERS:
        waarde = filters.get(veld)
        if waarde is None:
            continue
        if veld in _NAAM_VELDEN:
            # Spelled as the school writes it; and a filter on class or department never
            # matches an anonymous file, or the pseudonym would be placed in its class.
            voorwaarden.append(f"LOWER(TRIM({veld})) = %s AND anoniem = 0")
            params.append(str(waarde).strip().casefold())
            continue
        voorwaarden.append(f"{veld} = %s")
        params.append(int(waarde) if veld == "anoniem" else waarde)
    if cursor:
        gewijzigd_op, casus_id = _lees_cursor(cursor)
        voorwaarden.append("(gewijzigd_op < %s OR (gewijzigd_op = %s AND casus_id < %s))")
        params += [gewijzigd_op, gewijzigd_op, casus_id]
    with opslag.lezen() as cur:
        rijen = cur.execute(
            f"SELECT {', '.join(KOLOMMEN)} FROM pv_casussen WHERE {' AND '.join(voorwaarden)} "
            "ORDER BY gewijzigd_op DESC, casus_id DESC LIMIT %s",
            [*params, limit + 1],
        ).fetchall()
    volgende = _cursor_tekst(rijen[limit - 1]) if len(rijen) > limit else None
    return {"items": [_item(r) for r in rijen[:limit]], "volgende_cursor": volgende}


def _item(rij: dict[str, Any]) -> dict[str, Any]:
    item = dict(rij)
    item["anoniem"] = bool(item["anoniem"])
    item["ketenpartners"] = [k for k in item["ketenpartners"].split(",") if k]
    # An anonymous file is listed under its pseudonym alone: nothing beside it that
    # narrows it down to a pupil (docs/toegang.md, "Anonieme dossiers").
    if item["anoniem"]:
        item["weergavenaam"] = item["pseudoniem"]
        for veld in _VERRADEND:
            item[veld] = None
    elif item["type"] == "klas":
        item["weergavenaam"] = f"Klas {item['klas']}"
    else:
        item["weergavenaam"] = item["naam"]
    return item
