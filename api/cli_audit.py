"""`zorgroute audit verify`: walk the access log's hash chain and name the first broken link;
`zorgroute audit installeer`: create the log as the database owner and grant the app role.

Exit codes: 0 intact, 1 broken (or missing), 2 the log could not be read at all — so a
monitoring job can tell "tampered with" from "database down".
"""

from __future__ import annotations

from typing import Annotated

import typer

audit_app = typer.Typer(
    help="Controle van de toegangslog (NEN 7513).", no_args_is_help=True, add_completion=False
)


@audit_app.callback()
def _audit() -> None:
    """Controle van de toegangslog (NEN 7513)."""
    # A callback keeps `verify` a subcommand, also while it is the only one.


@audit_app.command("verify")
def verify(
    toon_hash: Annotated[
        bool,
        typer.Option(
            "--hash", help="Toon ook de hash van de laatste regel, om elders vast te leggen."
        ),
    ] = False,
) -> None:
    """Loop de hash-keten van de toegangslog na en noem de eerste gebroken schakel."""
    from api.cli import _settings
    from application.toegangslog import ToegangslogOnbeschikbaar
    from infrastructure.toegangslog import Toegangslog

    log = Toegangslog.van_settings(_settings())
    try:
        uitkomst = log.verifieer()
    except ToegangslogOnbeschikbaar as fout:
        typer.echo(f"zorgroute: {fout}", err=True)
        raise typer.Exit(2) from None
    finally:
        log.sluit()
    if uitkomst.ok:
        typer.echo(f"toegangslog intact: {uitkomst.gecontroleerd} regels")
        if toon_hash:
            typer.echo(f"laatste hash: {uitkomst.kop_hash}")
        return
    if uitkomst.volgnummer is None:
        typer.echo(f"toegangslog niet gevonden: {uitkomst.reden}")
    else:
        typer.echo(f"toegangslog gebroken bij regel {uitkomst.volgnummer}: {uitkomst.reden}")
    raise typer.Exit(1)


@audit_app.command("installeer")
def installeer(
    verleen: Annotated[
        list[str] | None,
        typer.Option(
            "--verleen",
            metavar="ROL",
            help="PostgreSQL: geef deze rol alleen INSERT/SELECT op de log (en de kop vooruit).",
        ),
    ] = None,
) -> None:
    """Maak de toegangslog aan (als eigenaar) en verleen een applicatierol minimale rechten."""
    from api.cli import _settings
    from application.toegangslog import ToegangslogOnbeschikbaar
    from infrastructure.toegangslog import Toegangslog

    settings = _settings()
    if verleen and settings.is_sqlite:
        typer.echo("zorgroute: --verleen geldt alleen voor PostgreSQL.", err=True)
        raise typer.Exit(2)
    log = Toegangslog.van_settings(settings)
    try:
        log.installeer()
        for rol in verleen or []:
            log.verleen(rol)
    except ToegangslogOnbeschikbaar as fout:
        typer.echo(f"zorgroute: {fout}", err=True)
        raise typer.Exit(2) from None
    finally:
        log.sluit()
    typer.echo(
        "toegangslog geïnstalleerd"
        + (f"; rechten verleend aan {', '.join(verleen)}" if verleen else "")
    )
