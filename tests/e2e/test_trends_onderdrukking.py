"""A differencing attack over HTTP on what a role outside the care team sees.

As `swv` and as `teamleider` the test asks the trends in every way it may (week and month,
every grouping, shifted and nested windows) and, as `swv`, the accountability report. It
then does what an attacker with all those answers can: it writes every published number
as a linear function of the unknown counts per (piece of time, class, category), a piece
being the days that one ISO week and one month share, and checks with exact linear
algebra (over the prime field GF(2^61-1), independent of `onderdrukking`) that no cell
with 1 … min_cel-1 pupils behind it (of any grouping, week, month, piece or run of
periods) lies in the span of what was published. The data hold the demo's situation: one
anonymous `veiligheid` file in one class in one week."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest

from tests.e2e.conftest import Medewerker, Omgeving, dag, leerling
from tests.e2e.test_trends_onderdrukking_algebra import (
    CATEGORIEEN,
    DIMENSIES,
    KLASSEN,
    Atomen,
    Signaal,
    Stelsel,
    hoort_bij,
    maand_begin,
    mogelijke_groepen,
    volgende_maand,
)


def data(vandaag: date) -> tuple[list[Signaal], Signaal]:
    """Three closed months of signals, some classes large and some small, a pupil with
    five signals in one month, small groups at month ends (in weeks that straddle two
    months), a category small in one month only, the anonymous safety case, and two
    signals in the running month."""
    signalen: list[Signaal] = []
    nummer = itertools.count(500001)
    for i in range(3):
        begin = maand_begin(vandaag, 4 - i)
        laatste = volgende_maand(begin) - timedelta(days=1)
        for d in range(6):
            signalen.append(
                Signaal(begin + timedelta(days=2 + d), "H3A", "verzuim", str(next(nummer)))
            )
        for d in range(5):
            signalen.append(
                Signaal(begin + timedelta(days=9 + d), "V1A", "leren", str(next(nummer)))
            )
        for d in range(2):
            signalen.append(
                Signaal(laatste - timedelta(days=d + 1), "H2A", "gedrag", str(next(nummer)))
            )
        signalen.append(Signaal(laatste, "M2A", "verzuim", str(next(nummer))))
        # Large, large, small: the report's year minus two published months would give
        # the third away.
        for d in range(2 if i == 2 else 6):
            signalen.append(
                Signaal(begin + timedelta(days=16 + d), "V1A", "werkhouding", str(next(nummer)))
            )
    herhaler = str(next(nummer))
    signalen += [
        Signaal(maand_begin(vandaag, 4) + timedelta(days=d), "V1A", "verzuim", herhaler)
        for d in range(5)
    ]
    veilig = Signaal(
        maand_begin(vandaag, 3) + timedelta(days=15), "H3A", "veiligheid", str(next(nummer))
    )
    signalen.append(veilig)
    signalen += [Signaal(vandaag, "H3A", "verzuim", str(next(nummer))) for _ in range(2)]
    return signalen, veilig


def meld(zc: Medewerker, s: Signaal) -> dict[str, Any]:
    afdeling, leerjaar = KLASSEN[s.klas]
    body = {
        "onderwerp": leerling(
            s.leerling, f"Leerling {s.leerling}", klas=s.klas, afdeling=afdeling, leerjaar=leerjaar
        ),
        "categorieen": [s.categorie],
        "omschrijving": "Zorgen.",
        "bron": "mentor",
    }
    if s.dag == date.today():
        antwoord = zc.post("/signalen", body)
    else:
        # Recorded on its own day: the service's clock, which its events carry.
        moment = datetime.combine(s.dag, datetime.min.time(), UTC) + timedelta(hours=10)
        service = zc.client.app.state.service  # type: ignore[attr-defined]
        with mock.patch.object(service, "_klok", lambda: moment):
            antwoord = zc.post("/signalen", body)
    assert antwoord.status_code in (200, 201), antwoord.text
    return dict(antwoord.json())


def anoniem_in_ozs(zc: Medewerker, casus_id: str) -> None:
    """The safety case is brought into the OZS without a name, as in the demo."""
    zc.stap(casus_id, "ouders-geinformeerd", {"datum": dag(-3), "wijze": "telefoon"})
    toestemming = {"doel": "ozs", "besluit": "gegeven", "door": "ouders", "datum": dag(-3)}
    zc.stap(casus_id, "toestemmingen", toestemming)
    zc.stap(
        casus_id,
        "ozs-inbreng",
        {
            "datum": dag(-2),
            "ondersteuningsvraag": "Hoe blijft de leerling veilig?",
            "doel": "Veiligheid thuis",
            "waarom_nu": "Melding van onveiligheid",
            "sterke_kanten": "Open naar de mentor",
            "anoniem": True,
            "reden_anoniem": "Bespreking met naam kan de leerling in gevaar brengen.",
        },
    )


def lees_antwoord(stelsel: Stelsel, atomen: Atomen, antwoord: dict[str, Any]) -> int:
    """Every number in a trends answer, and every group it leaves out (zero), as a
    published function; returns how many numbers were published."""
    perioden = {
        p["periode"]: (date.fromisoformat(p["van"]), date.fromisoformat(p["tot"]))
        for p in antwoord["perioden"]
    }
    getoond = {tuple(sorted(g["groep"].items())): g for g in antwoord["groepen"]}
    aantal = 0
    for groep in mogelijke_groepen(antwoord["per"]):
        g = getoond.get(tuple(sorted(groep.items())))
        for periode, (van, tot) in perioden.items():
            cel = next(a for a in g["aantallen"] if a["periode"] == periode) if g else {"aantal": 0}
            if cel["aantal"] is not None:
                stelsel.voeg_toe(atomen.functie(van, tot, groep))
                aantal += 1
        if g and g["totaal"] is not None:
            stelsel.voeg_toe(
                atomen.functie(
                    min(v for v, _ in perioden.values()),
                    max(t for _, t in perioden.values()),
                    groep,
                )
            )
    for vlag in antwoord["opvallend"]:
        assert vlag["aantal"] is not None  # a flag never sits on a hidden count
    return aantal


def kleine_cellen(
    atomen: Atomen, signalen: list[Signaal], vandaag: date
) -> list[tuple[str, dict[int, int]]]:
    """Every cell with 1 … 4 pupils behind it: per grouping, per piece, week, month and
    run of up to four weeks or three months."""
    vensters: list[tuple[date, date]] = []
    for i, stuk in enumerate(atomen.stukken):
        eind = atomen.stukken[i + 1] - timedelta(days=1) if i + 1 < len(atomen.stukken) else vandaag
        vensters.append((stuk, eind))
    maandag = atomen.stukken[0] - timedelta(days=atomen.stukken[0].weekday())
    weken = [
        (maandag + timedelta(weeks=w), maandag + timedelta(weeks=w, days=6)) for w in range(30)
    ]
    maanden = [
        (maand_begin(vandaag, t), volgende_maand(maand_begin(vandaag, t)) - timedelta(days=1))
        for t in range(5, -1, -1)
    ]
    for reeks, lengte in ((weken, 4), (maanden, 3)):
        for i in range(len(reeks)):
            for n in range(1, lengte + 1):
                if i + n <= len(reeks):
                    vensters.append((reeks[i][0], reeks[i + n - 1][1]))
    klein = []
    for r in range(len(DIMENSIES) + 1):
        for dimensies in itertools.combinations(DIMENSIES, r):
            for groep in mogelijke_groepen(list(dimensies)):
                for van, tot in vensters:
                    wie = {
                        s.leerling for s in signalen if van <= s.dag <= tot and hoort_bij(s, groep)
                    }
                    if 0 < len(wie) < 5:
                        klein.append((f"{groep} {van}..{tot}", atomen.functie(van, tot, groep)))
    return klein


PERS = [
    "categorie", "afdeling", "leerjaar", "klas", "categorie,afdeling", "categorie,klas",
    "afdeling,leerjaar", "leerjaar,klas", "categorie,afdeling,leerjaar",
    "categorie,leerjaar", "categorie,afdeling,leerjaar,klas",
]  # fmt: skip


def vensters(vandaag: date) -> list[tuple[date, date]]:
    begin = maand_begin(vandaag, 4)
    uit = [
        (begin, vandaag),
        (maand_begin(vandaag, 3), vandaag),
        (begin + timedelta(days=10), vandaag - timedelta(days=40)),
    ]
    for t in range(5):
        eerste = maand_begin(vandaag, t)
        uit += [
            (eerste, volgende_maand(eerste) - timedelta(days=1)),
            (eerste + timedelta(days=12), eerste + timedelta(days=18)),
        ]
    return uit


@pytest.mark.parametrize("rol", ["swv", "teamleider"])
def test_no_small_cell_can_be_derived_from_all_answers_together(
    omgeving: Omgeving, zc: Medewerker, rol: str
) -> None:
    vandaag = date.today()
    signalen, veilig = data(vandaag)
    for s in signalen[:-3]:
        meld(zc, s)
    anoniem_in_ozs(zc, meld(zc, veilig)["casus_id"])
    positie = max(int(meld(zc, s)["positie"]) for s in signalen[-2:])
    wie = (
        omgeving.als(rol, scholen=["99XX"]) if rol == "swv" else omgeving.als(rol, afdeling="havo")
    )
    school = {"school": "99XX"} if rol == "swv" else {}

    # The zorgcoördinator sees the safety case itself: one signal in its class and week.
    params = {"van": str(veilig.dag), "tot": str(veilig.dag), "interval": "week"}
    week = zc.get("/trends", params={**params, "per": "categorie,klas", "na": positie}).json()
    (zelf,) = [
        g for g in week["groepen"] if g["groep"] == {"categorie": "veiligheid", "klas": "H3A"}
    ]
    assert zelf["totaal"] == 1

    atomen = Atomen(maand_begin(vandaag, 5), volgende_maand(vandaag) - timedelta(days=1))
    stelsel = Stelsel()
    gepubliceerd = 0
    for interval, per, (van, tot) in itertools.product(("maand", "week"), PERS, vensters(vandaag)):
        antwoord = wie.get(
            "/trends",
            params={"van": str(van), "tot": str(tot), "interval": interval, "per": per, **school},
        )
        if interval == "week" and antwoord.status_code == 422:
            continue  # weeks are the zorgcoördinator's only
        assert antwoord.status_code == 200, antwoord.text
        gepubliceerd += lees_antwoord(stelsel, atomen, antwoord.json())
    if rol == "swv":
        for jaar in {vandaag.year - (vandaag.month < 8) - t for t in (0, 1)}:
            rapport = wie.get(
                "/verantwoording", params={"schooljaar": f"{jaar}-{jaar + 1}", **school}
            )
            assert rapport.status_code == 200, rapport.text
            (tabel,) = [
                t for t in rapport.json()["scholen"][0]["tabellen"] if t["sleutel"] == "signalen"
            ]
            van, tot = date(jaar, 8, 1), date(jaar + 1, 7, 31)
            for rij in tabel["rijen"]:
                if rij["waarde"] is not None:
                    groep = {} if rij["sleutel"] == "totaal" else {"categorie": rij["sleutel"]}
                    if rij["sleutel"] in (*CATEGORIEEN, "totaal"):
                        stelsel.voeg_toe(atomen.functie(van, tot, groep))

    # Not an empty answer: the large cells are there (6 absences in H3A in a closed month).
    alles = {"van": str(maand_begin(vandaag, 4)), "tot": str(vandaag), "per": "categorie,klas"}
    groepen = wie.get("/trends", params={**alles, **school}).json()["groepen"]
    (h3a,) = [
        g
        for g in groepen
        if g["groep"] == {"categorie": "verzuim", "afdeling": "havo", "leerjaar": 3, "klas": "H3A"}
    ]
    assert 6 in [a["aantal"] for a in h3a["aantallen"]]

    klein = kleine_cellen(atomen, signalen, vandaag)
    assert any(naam.startswith("{'categorie': 'veiligheid', 'klas': 'H3A'}") for naam, _ in klein)
    assert gepubliceerd > 100, "the attacker was given numbers to work with"
    afgeleid = [naam for naam, rij in klein if stelsel.bepaald(rij)]
    assert afgeleid == [], f"{len(afgeleid)} small cells derivable, e.g. {afgeleid[:5]}"
