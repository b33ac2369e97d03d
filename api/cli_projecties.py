"""`zorgroute projector` and `zorgroute projecties …`: run, inspect and rebuild the views."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from infrastructure.settings import ConfiguratieFout, Settings

if TYPE_CHECKING:
    from projections.runner import Projectierunner

projecties_app = typer.Typer(
    help="Beheer van de weergaven (projecties).", no_args_is_help=True, add_completion=False
)


@contextmanager
def _runner(settings: Settings) -> Iterator[Projectierunner]:
    from api.samenstelling import runner_van
    from infrastructure.logging import configure_logging

    configure_logging(settings.log_level)
    try:
        settings.id_sleutel_bytes()
    except ConfiguratieFout as fout:
        typer.echo(f"zorgroute: {fout}", err=True)
        raise typer.Exit(2) from None
    with runner_van(settings) as runner:
        yield runner


def projector(settings: Settings) -> None:
    """Keep every view up to date until SIGTERM or Ctrl-C (the API then sets
    ZORGROUTE_PROJECTIES_IN_PROCES=false)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with _runner(settings) as runner:
        runner.start()
        typer.echo("Projector draait; stoppen met Ctrl-C.", err=True)
        stop.wait()


@projecties_app.command("status")
def status() -> None:
    """Positie, achterstand en status van elke weergave."""
    from api.cli import _settings
    from projections import beheer

    with _runner(_settings()) as runner:
        for rij in beheer.status(runner):
            regel = (
                f"{rij['naam']:<15} {rij['status']:<8} positie {rij['positie']:>9}  "
                f"achter {rij['achterstand']:>7} ({rij['seconden_achter']} s)"
            )
            if rij["fout"]:
                regel += f"  fout bij {rij['fout_positie']}: {rij['fout']}"
            typer.echo(regel)


@projecties_app.command("rebuild")
def rebuild(
    naam: Annotated[str | None, typer.Argument(help="Naam van de weergave.")] = None,
    alle: Annotated[bool, typer.Option("--all", help="Alle weergaven opnieuw opbouwen.")] = False,
    processen: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processen die de dossiers onder elkaar verdelen (alleen PostgreSQL; "
            "standaard het aantal kernen, hoogstens 4).",
        ),
    ] = min(4, os.cpu_count() or 1),
) -> None:
    """Bouw een weergave opnieuw op uit alle gebeurtenissen, in een nieuwe tabel die pas
    aan het eind in één transactie wordt ingewisseld (lezers zien nooit een halve)."""
    from api.cli import _settings
    from projections import beheer

    if alle == (naam is not None):
        typer.echo("zorgroute: geef een NAAM of --all.", err=True)
        raise typer.Exit(2)
    settings = _settings()
    with _runner(settings) as runner:
        bekend = list(runner.projecties)
        namen = bekend if alle else [str(naam)]
        onbekend = [n for n in namen if n not in bekend]
        if onbekend:
            typer.echo(
                f"zorgroute: onbekende weergave {onbekend[0]} ({', '.join(bekend)})", err=True
            )
            raise typer.Exit(2)
        with typer.progressbar(length=1, label=", ".join(namen)) as balk:

            def voortgang(positie: int, einde: int) -> None:
                balk.length = max(einde, 1)
                balk.update(positie - balk.pos)

            # One pass over the log feeds every chosen view.
            positie = beheer.herbouw_alle(
                runner,
                namen,
                voortgang,
                processen=processen,
            )
        typer.echo(f"{', '.join(namen)}: opnieuw opgebouwd tot positie {positie}.")
