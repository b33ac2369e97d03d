"""No acknowledged command is lost: not when the API process is killed with SIGKILL in
the middle of the load, and not when PostgreSQL restarts under it (the API answers 503
while it is away and recovers by itself)."""

from __future__ import annotations

import secrets
import signal
import time
from pathlib import Path

from infrastructure.auth import maak_token
from tests.conftest import _pg_bin_map, _tijdelijk_schema, _TijdelijkeServer
from tests.verlies.belasting import (
    ApiProces,
    Belasting,
    controleer_niets_kwijt,
    omgeving,
    vrije_poort,
)


def _token(geheim: str, rol: str = "zorgcoordinator") -> str:
    return maak_token(geheim, sub=f"{rol}-last", naam="Last", rol=rol, school="99XX")


def test_killing_the_api_mid_load_loses_no_acknowledged_command(
    postgres_url: str, tmp_path: Path
) -> None:
    geheim, sleutel = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with _tijdelijk_schema(postgres_url) as schema:
        api = ApiProces(omgeving(f"{postgres_url}?schema={schema}", geheim, sleutel),
                        vrije_poort(), tmp_path / "api.log")  # fmt: skip
        api.start()
        last = Belasting(api.url, _token(geheim))
        try:
            last.start()
            time.sleep(1.5)
            api.stop(signal.SIGKILL)
            time.sleep(0.3)
            api.start()
            time.sleep(1.0)
            last.stop()
            assert len(last.bevestigd) > 20, last.statussen
            assert (
                controleer_niets_kwijt(
                    api.url, last.token, last.bevestigd, _token(geheim, "beheerder")
                )
                > 0
            )
            # No answer was a server error: failures were connection drops during the kill.
            assert 500 not in last.statussen, last.statussen
        finally:
            last.stop()
            api.stop()


def test_a_postgres_restart_under_load_answers_503_and_loses_nothing(tmp_path: Path) -> None:
    bin_map = _pg_bin_map()
    assert bin_map is not None, "PostgreSQL-binaries nodig"
    # A throwaway server of this test's own: never restart the shared one.
    server = _TijdelijkeServer(bin_map)
    url = server.start()
    geheim, sleutel = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    api = ApiProces(omgeving(url, geheim, sleutel), vrije_poort(), tmp_path / "api.log")
    last = Belasting(api.url, _token(geheim))
    try:
        api.start()
        last.start()
        time.sleep(1.0)
        server._run(str(bin_map / "pg_ctl"), "-D", str(server.data), "-m", "fast", "-w", "stop")
        # Longer than the store's own retries (about 2 s), so requests do fail meanwhile.
        time.sleep(4.0)
        opties = f"-p {server.poort} -c listen_addresses=127.0.0.1 -c unix_socket_directories={server.map}"
        server._run(str(bin_map / "pg_ctl"), "-D", str(server.data), "-l", str(server.log),
                    "-o", opties, "-w", "start")  # fmt: skip
        time.sleep(2.5)
        last.stop()
        assert api.proces is not None and api.proces.poll() is None, "API is gestopt"
        # While the database was away, a client asking got a 503, never a 500.
        assert last.lezingen.get(503, 0) > 0, last.lezingen
        assert 500 not in last.statussen and 500 not in last.lezingen, last.statussen
        assert last.lezingen.get(200, 0) > 0, last.lezingen
        assert (
            controleer_niets_kwijt(api.url, last.token, last.bevestigd, _token(geheim, "beheerder"))
            > 0
        )
    finally:
        last.stop()
        api.stop()
        server.stop()
