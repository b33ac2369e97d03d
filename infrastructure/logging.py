"""structlog configured for one JSON object per line, UTC ISO timestamps.

Log event names are snake_case (``verzoek_afgehandeld``). Callers must never log personal
data; :func:`verwijder_persoonsgegevens` is the safety net for when one slips through.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Mapping, MutableMapping
from datetime import UTC, datetime
from typing import Any

import orjson
import structlog

# Keys whose values may identify a pupil or describe their situation.
GEVOELIGE_SLEUTELS = frozenset({"naam", "leerlingnummer", "omschrijving", "geboortedatum"})
GEVOELIG_ACHTERVOEGSEL = "_tekst"
AFGESCHERMD = "[afgeschermd]"
# The level `configure_logging` set last.
_niveau = logging.INFO


@functools.lru_cache(maxsize=4096)
def _is_gevoelig(sleutel: str) -> bool:
    # Cached: log lines use a few dozen keys over and over (this runs for every key of
    # every line, the access log's included).
    sleutel = sleutel.lower()
    return sleutel in GEVOELIGE_SLEUTELS or sleutel.endswith(GEVOELIG_ACHTERVOEGSEL)


# Values that hold nothing to look into: passed on without the (abstract) type checks.
_ENKELVOUDIG = frozenset({str, int, float, bool, type(None)})


def _schoon(waarde: Any) -> Any:
    if type(waarde) in _ENKELVOUDIG:
        return waarde
    if isinstance(waarde, Mapping):
        return {
            k: (AFGESCHERMD if isinstance(k, str) and _is_gevoelig(k) else _schoon(v))
            for k, v in waarde.items()
        }
    if isinstance(waarde, list | tuple):
        return [_schoon(v) for v in waarde]
    return waarde


def verwijder_persoonsgegevens(
    _logger: Any, _methode: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Blank sensitive keys, also inside nested dicts and lists (e.g. a logged body)."""
    for sleutel, waarde in list(event_dict.items()):
        if _is_gevoelig(sleutel):
            event_dict[sleutel] = AFGESCHERMD
        elif type(waarde) not in _ENKELVOUDIG:
            event_dict[sleutel] = _schoon(waarde)
    return event_dict


def _orjson_dumps(obj: Any, default: Any = None) -> str:
    # structlog's JSONRenderer wants str; orjson gives bytes, and falls back to str() for
    # anything it does not know so a log call never raises.
    return orjson.dumps(obj, default=default or str).decode("utf-8")


class Verzoekregel:
    """The one line per HTTP request (not the NEN 7513 access log's `Toegangsregel`), under
    the configured level, written to stdout as the configured chain would write it: the
    same JSON with its keys in the same order.

    Written straight, not through structlog's chain: its fields are fixed and none holds
    personal data (a route template, ids, a status), the request id is one of them, and
    the chain's generic steps (its bound logger, the context merge, the walk for personal
    data) were a noticeable share of a command's CPU (bench/README.md)."""

    def __init__(self) -> None:
        self.aan = _niveau <= logging.INFO
        # The loop a flush is scheduled on; another loop (a loop that closed before the
        # flush ran, a test's next client) schedules its own.
        self._gepland_op: asyncio.AbstractEventLoop | None = None

    def schrijf(self, velden: dict[str, Any]) -> None:
        if not self.aan:
            return
        velden["event"] = "verzoek_afgehandeld"
        velden["level"] = "info"
        velden["timestamp"] = datetime.now(UTC)
        # sys.stdout at call time, as structlog's PrintLogger (tests swap it).
        uit = sys.stdout
        uit.write(orjson.dumps(velden, default=str, option=orjson.OPT_UTC_Z).decode() + "\n")
        self._spoel(uit)

    def _spoel(self, uit: Any) -> None:
        """Flush at the end of this turn of the event loop, once for the lines of every
        request that finished in it: a flush is a system call, during which the group
        commit's thread takes the GIL (bench/README.md). A line waits for no more than that
        turn. Outside a loop: at once."""
        try:
            lus = asyncio.get_running_loop()
        except RuntimeError:
            uit.flush()
            return
        if self._gepland_op is not lus:
            self._gepland_op = lus
            lus.call_soon(self._gespoeld, uit)

    def _gespoeld(self, uit: Any) -> None:
        self._gepland_op = None
        uit.flush()


class _Regels:
    """structlog's output: like its PrintLogger, to whatever sys.stdout is at call time
    (tests swap it), but each line with its newline in one write, so that the request
    lines written meanwhile on the event loop never land between a line and its end."""

    def msg(self, message: str) -> None:
        uit = sys.stdout
        uit.write(message + "\n")
        uit.flush()

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


def _regels(*_: Any) -> _Regels:
    return _Regels()


def configure_logging(level: str = "INFO") -> None:
    """Configure structlog and the stdlib root logger (uvicorn, eventsourcing) alike."""
    global _niveau
    niveau = _niveau = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    gedeeld: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        structlog.processors.format_exc_info,
        verwijder_persoonsgegevens,
    ]
    structlog.configure(
        processors=[
            *gedeeld,
            structlog.processors.JSONRenderer(serializer=_orjson_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(niveau),
        logger_factory=_regels,
        cache_logger_on_first_use=False,
    )

    # Route stdlib loggers through the same processors so every line is JSON.
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=gedeeld,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(serializer=_orjson_dumps),
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(niveau)
    # uvicorn's access log would duplicate our own request line, and includes query strings.
    logging.getLogger("uvicorn.access").disabled = True
