"""Checking the seals: recompute the events' chain of seals and the access log's sealed
heads, and name the first event or entry that no longer fits.

An anchor (`positie:mac` of the events, `volgnummer:hash` of the access log, printed by
`zorgroute audit verify --kop`) is a head the operator keeps outside the database: it
also catches what the key alone cannot, seals removed from the end and made anew.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from eventsourcing.persistence import ApplicationRecorder, Notification

from infrastructure.toegangslog import Toegangslog
from infrastructure.zegels import BEGIN_MAC, Zegels, gebeurtenis_mac, toegangslog_mac

PER_KEER = 1000


@dataclass(frozen=True)
class Zegeluitkomst:
    """What a check of the seals found: intact, or the first event/entry that does not fit."""

    ok: bool
    verzegeld: int = 0  # checked against a seal
    onverzegeld: int = 0  # after the last seal: not protected yet
    positie: int | None = None  # first that does not fit
    reden: str | None = None  # Dutch, for the operator
    kop: tuple[int, str] | None = None  # the last position and its mac/hash, to anchor


def _gebeurtenissen(recorder: ApplicationRecorder) -> Iterator[Notification]:
    positie = 0
    while notificaties := recorder.select_notifications(
        start=positie + 1, limit=PER_KEER, inclusive_of_start=True
    ):
        yield from notificaties
        positie = notificaties[-1].id


def verifieer_gebeurtenissen(
    sleutel: bytes,
    recorder: ApplicationRecorder,
    zegels: Zegels,
    ankers: Mapping[int, str] | None = None,
) -> Zegeluitkomst:
    """Walk events and seals side by side in log order."""
    ankers = dict(ankers or {})
    verzegeld = onverzegeld = 0
    mac, kop = BEGIN_MAC, None
    stroom = zegels.lees("gebeurtenis_zegels")
    zegel = next(stroom, None)

    def breuk(positie: int, reden: str) -> Zegeluitkomst:
        return Zegeluitkomst(False, verzegeld, onverzegeld, positie, reden)

    for notificatie in _gebeurtenissen(recorder):
        positie = notificatie.id
        if zegel is not None and zegel[0] < positie:
            return breuk(zegel[0], "gebeurtenis ontbreekt: wel verzegeld, niet meer opgeslagen")
        mac = gebeurtenis_mac(sleutel, mac, notificatie)
        if ankers.pop(positie, mac) != mac:
            return breuk(positie, "wijkt af van het anker: de gebeurtenissen zijn herschreven")
        if zegel is not None and zegel[0] == positie:
            if zegel[1] != mac:
                return breuk(
                    positie,
                    "gebeurtenis past niet bij haar zegel: gewijzigd, verplaatst, of het zegel "
                    "is zonder de sleutel gemaakt",
                )
            verzegeld += 1
            zegel = next(stroom, None)
        elif zegel is not None:
            return breuk(
                positie,
                "gebeurtenis zonder zegel tussen verzegelde: ingevoegd, of haar zegel is weg",
            )
        else:
            onverzegeld += 1
        kop = (positie, mac)
    if zegel is not None:
        return breuk(zegel[0], "gebeurtenis ontbreekt: wel verzegeld, niet meer opgeslagen")
    if ankers:
        return breuk(min(ankers), "gebeurtenis van het anker ontbreekt")
    return Zegeluitkomst(True, verzegeld, onverzegeld, kop=kop)


def verifieer_toegangslog(
    sleutel: bytes,
    logboek: Toegangslog,
    zegels: Zegels,
    aantal: int,
    ankers: Mapping[int, str] | None = None,
) -> Zegeluitkomst:
    """After `Toegangslog.verifieer` found the chain whole (`aantal` entries): does each
    sealed head still carry the hash it was sealed with? A chain recomputed from some
    entry on (with its head) is whole again, but its hashes differ from the sealed ones."""
    ankers = dict(ankers or {})
    verzegeld, vorige = 0, 0

    def breuk(positie: int, reden: str) -> Zegeluitkomst:
        return Zegeluitkomst(False, verzegeld, 0, positie, reden)

    for volgnummer, keten_hash in sorted(ankers.items()):
        if volgnummer > aantal:
            return breuk(volgnummer, f"regel van het anker ontbreekt (de log telt er {aantal})")
        if _hashes(logboek, [volgnummer])[volgnummer] != keten_hash:
            return breuk(volgnummer, "wijkt af van het anker: de log is herschreven")
    stroom = zegels.lees("toegangslog_zegels")
    while deel := [z for _, z in zip(range(PER_KEER), stroom, strict=False)]:
        binnen = [p for p, _ in deel if p <= aantal]
        hashes = _hashes(logboek, binnen)
        for positie, mac in deel:
            if positie > aantal:
                return breuk(
                    positie,
                    f"verzegeld tot regel {positie}, maar de log telt er {aantal}: regels "
                    "verwijderd en de keten opnieuw opgebouwd",
                )
            if toegangslog_mac(sleutel, positie, hashes[positie]) != mac:
                return breuk(
                    positie,
                    f"past niet bij zijn zegel: de regels {vorige + 1} tot en met {positie} "
                    "zijn na het verzegelen herschreven (keten en kop opnieuw berekend)",
                )
            verzegeld, vorige = verzegeld + 1, positie
    return Zegeluitkomst(True, verzegeld, aantal - vorige)


def _hashes(logboek: Toegangslog, volgnummers: list[int]) -> dict[int, str]:
    if not volgnummers:
        return {}
    lijst = ", ".join(str(int(n)) for n in volgnummers)
    with logboek._transactie(schrijven=False) as cur:
        cur.execute(f"SELECT volgnummer, hash FROM toegangslog WHERE volgnummer IN ({lijst})")
        return {int(r["volgnummer"]): str(r["hash"]) for r in cur.fetchall()}
