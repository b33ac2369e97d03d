"""The trends are reused while their view stands still, and recomputed as soon as the
view has moved on."""

from __future__ import annotations

from datetime import date

from application.synthetisch import genereer
from projections import beheer
from projections.trends import Trends, trends, trends_bij
from tests.integration.conftest import Weergaven

VAN, TOT = date(2023, 8, 1), date(2026, 7, 31)


def test_a_cached_trend_equals_a_fresh_one_and_follows_the_view(weergaven: Weergaven) -> None:
    runner = weergaven.runner(Trends())
    genereer(weergaven.service, leerlingen=60, seed=5)
    runner.verwerk_beschikbaar()
    positie = beheer.positie_van(runner, "trends")

    eerste = trends_bij(runner.opslag, "10SY", VAN, TOT, "maand", "categorie", positie)
    assert eerste["groepen"]
    eerste["groepen"].clear()  # a caller changing its copy must not change the cache
    tweede = trends_bij(runner.opslag, "10SY", VAN, TOT, "maand", "categorie", positie)
    assert tweede == trends(runner.opslag, "10SY", VAN, TOT, "maand", "categorie")
    assert tweede["groepen"]

    genereer(weergaven.service, leerlingen=60, seed=6, ronde=1)
    runner.verwerk_beschikbaar()
    nieuwe_positie = beheer.positie_van(runner, "trends")
    assert nieuwe_positie > positie
    assert trends_bij(runner.opslag, "10SY", VAN, TOT, "maand", "categorie", nieuwe_positie) == (
        trends(runner.opslag, "10SY", VAN, TOT, "maand", "categorie")
    )
