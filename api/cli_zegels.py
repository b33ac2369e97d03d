"""The seals' half of `zorgroute audit verify` and `zorgroute audit verzegel`."""

from __future__ import annotations

import sqlite3

import psycopg
import typer
from eventsourcing import persistence as es

from infrastructure.settings import Settings
from infrastructure.toegangslog import Toegangslog
from infrastructure.verzegelen import Verzegelaar, gebeurtenis_recorder, geen_tabel
from infrastructure.zegels import Zegels, ZegelsOntbreken
from infrastructure.zegels_verifieren import verifieer_gebeurtenissen, verifieer_toegangslog

_FOUTEN = (es.PersistenceError, psycopg.Error, sqlite3.Error, OSError)


def _er_zijn_gebeurtenissen(settings: Settings) -> bool:
    with gebeurtenis_recorder(settings) as recorder:
        if recorder is None:
            return False
        try:
            return bool(recorder.max_notification_id())
        except _FOUTEN as fout:
            if geen_tabel(fout):
                return False
            raise


def controleer_zegels(
    settings: Settings,
    log: Toegangslog,
    regels: int,
    ankers: dict[str, dict[int, str]],
    toon_kop: bool,
) -> int:
    """After the access log's chain was found whole: its seals and the events' seals.
    Prints what it finds; returns the exit code (0, 1 broken, 2 not checked)."""
    sleutel = settings.keten_sleutel_bytes()
    zegels = Zegels.van_settings(settings)
    try:
        gebeurtenissen = _er_zijn_gebeurtenissen(settings)
        if sleutel is None:
            if gebeurtenissen or any(ankers.values()):
                typer.echo("gebeurtenissen niet gecontroleerd: ZORGROUTE_KETEN_SLEUTEL ontbreekt")
                return 2
            return 0
        try:
            uit = verifieer_toegangslog(sleutel, log, zegels, regels, ankers["toegangslog"])
        except ZegelsOntbreken:
            if regels or gebeurtenissen:
                raise
            return 0  # nothing stored, nothing sealed
        if not uit.ok:
            typer.echo(f"toegangslog herschreven bij regel {uit.positie}: {uit.reden}")
            return 1
        typer.echo(
            f"toegangslog verzegeld: {uit.verzegeld} zegels, "
            f"{uit.onverzegeld} regels nog niet verzegeld"
        )
        if not (gebeurtenissen or ankers["gebeurtenissen"]):
            return 0
        with gebeurtenis_recorder(settings) as recorder:
            assert recorder is not None
            uit = verifieer_gebeurtenissen(sleutel, recorder, zegels, ankers["gebeurtenissen"])
    except ZegelsOntbreken as fout:
        typer.echo(f"zegels niet gevonden: {fout}")
        return 1
    except _FOUTEN as fout:
        typer.echo(f"zorgroute: zegels niet leesbaar ({type(fout).__name__})", err=True)
        return 2
    if not uit.ok:
        typer.echo(f"gebeurtenissen gebroken bij positie {uit.positie}: {uit.reden}")
        return 1
    typer.echo(
        f"gebeurtenissen intact: {uit.verzegeld} verzegeld, {uit.onverzegeld} nog niet verzegeld"
    )
    if toon_kop and uit.kop is not None:
        typer.echo(f"anker: gebeurtenissen:{uit.kop[0]}:{uit.kop[1]}")
    return 0


def verzegel_eenmaal(settings: Settings) -> None:
    sleutel = settings.keten_sleutel_bytes()
    if sleutel is None:
        typer.echo(
            "zorgroute: ZORGROUTE_KETEN_SLEUTEL ontbreekt; zonder sleutel geen zegel.", err=True
        )
        raise typer.Exit(2)
    log = Toegangslog.van_settings(settings)
    try:
        with gebeurtenis_recorder(settings) as recorder:
            if recorder is None:
                typer.echo("geen gebeurtenissen om te verzegelen")
                return
            verzegelaar = Verzegelaar(sleutel, recorder, Zegels.van_settings(settings), log)
            nieuw, regel = verzegelaar.verzegel()
    except ZegelsOntbreken as fout:
        typer.echo(f"zorgroute: {fout}", err=True)
        raise typer.Exit(1) from None
    except _FOUTEN as fout:
        typer.echo(f"zorgroute: verzegelen mislukt ({type(fout).__name__})", err=True)
        raise typer.Exit(2) from None
    finally:
        log.sluit()
    typer.echo(
        f"{nieuw} gebeurtenissen verzegeld"
        + (f"; toegangslog verzegeld tot regel {regel}" if regel else "")
    )
