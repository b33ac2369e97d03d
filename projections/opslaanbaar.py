"""Every value a stored event can carry, in a form both databases can store in a view.

A stored event is never refused by a view: one row PostgreSQL cannot store would stop
that view for the whole deployment (or, where the error counts as the database's, keep
every view retrying). Two things PostgreSQL refuses that the domain has let through:

- NUL (U+0000) in text. Every value on its way into a view, and every value a read
  compares with, gets U+FFFD (the replacement character) for it, on both backends, so
  both give the same rows and a filter still finds what was stored. The file itself
  keeps the original text.
- An index entry over ~2.7 kB. The views index a few text columns whose values come
  from outside (a token's school and sub, a staff id in a command); a value longer than
  `SLEUTEL_MAX` characters is stored there as its start and its SHA-256. A read with
  such a value finds nothing (fail closed); real codes and ids are far shorter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

NUL, VERVANGING = "\x00", "\ufffd"
# The indexed text columns fed from outside (see the module's docstring); the others that
# views index are ids, dates and closed vocabularies (tests/integration/test_weergaven_unicode).
SLEUTELKOLOMMEN = frozenset({"school", "regiehouder", "intern_begeleider", "gebruiker_id"})
# 200 characters are at most 800 bytes in UTF-8: three in one index entry still fit.
SLEUTEL_MAX = 200


def opslaanbaar(waarden: Iterable[Any]) -> list[Any]:
    """The values as a view can store them (NUL replaced)."""
    return [w.replace(NUL, VERVANGING) if type(w) is str and NUL in w else w for w in waarden]


def sleutel(waarde: Any) -> Any:
    """An indexed column's value, bounded (see the module's docstring)."""
    if type(waarde) is not str or len(waarde) <= SLEUTEL_MAX:
        return waarde
    # surrogatepass: a lone surrogate cannot reach a stored event, but must not raise here.
    vingerafdruk = hashlib.sha256(waarde.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{waarde[:100]}…sha256:{vingerafdruk}"


def begrensd(kolommen: Sequence[str], rijen: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The rows with their indexed columns bounded; the same rows when nothing is long."""
    plekken = [i for i, kolom in enumerate(kolommen) if kolom in SLEUTELKOLOMMEN]
    if not plekken:
        return rijen
    uit: list[Sequence[Any]] = []
    for rij in rijen:
        if any(type(rij[i]) is str and len(rij[i]) > SLEUTEL_MAX for i in plekken):
            rij = [sleutel(w) if i in plekken else w for i, w in enumerate(rij)]
        uit.append(rij)
    return uit
