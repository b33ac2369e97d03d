"""The accountability report is reused while its view stands still, and recomputed as
soon as the view has moved on."""

from __future__ import annotations

from application.synthetisch import genereer
from projections import beheer
from projections.verantwoording import Verantwoording, verantwoording, verantwoording_bij
from tests.integration.conftest import Weergaven


def test_a_cached_report_equals_a_fresh_one_and_follows_the_view(weergaven: Weergaven) -> None:
    runner = weergaven.runner(Verantwoording())
    genereer(weergaven.service, leerlingen=60, seed=5)
    runner.verwerk_beschikbaar()
    positie = beheer.positie_van(runner, "verantwoording")

    eerste = verantwoording_bij(runner.opslag, ["10SY"], "2024-2025", 5, positie)
    eerste["scholen"].clear()  # a caller changing its copy must not change the cache
    tweede = verantwoording_bij(runner.opslag, ["10SY"], "2024-2025", 5, positie)
    assert tweede == verantwoording(runner.opslag, ["10SY"], "2024-2025", 5)
    assert tweede["scholen"]

    genereer(weergaven.service, leerlingen=60, seed=6, ronde=1)
    runner.verwerk_beschikbaar()
    nieuwe_positie = beheer.positie_van(runner, "verantwoording")
    assert nieuwe_positie > positie
    assert verantwoording_bij(runner.opslag, ["10SY"], "2024-2025", 5, nieuwe_positie) == (
        verantwoording(runner.opslag, ["10SY"], "2024-2025", 5)
    )
