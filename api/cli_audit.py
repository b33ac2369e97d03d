"""`zorgroute audit verify`: walk the access log's hash chain and, with the key, the seals of
the events and the access log, and name the first broken link; `zorgroute audit verzegel`:
seal what is new; `zorgroute audit installeer`: as the database owner, make the tables and
grant the application and projector roles only what they need.

Exit codes: 0 intact, 1 broken (or missing), 2 could not be checked (database down, or the
key missing while there are events) — so a monitoring job can tell "tampered with" from
"database down".
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

audit_app = typer.Typer(
    help="Controle van de toegangslog (NEN 7513) en de gebeurtenissen.",
    no_args_is_help=True,
    add_completion=False,
)
_TOEGANGSLOG, _GEBEURTENISSEN = "toegangslog", "gebeurtenissen"


@audit_app.callback()
def _audit() -> None:
    """Controle van de toegangslog (NEN 7513) en de gebeurtenissen."""
    # A callback keeps `verify` a subcommand, also while it is the only one.


def _ankers(teksten: list[str] | None) -> dict[str, dict[int, str]]:
    ankers: dict[str, dict[int, str]] = {_TOEGANGSLOG: {}, _GEBEURTENISSEN: {}}
    for tekst in teksten or []:
        soort, _, rest = tekst.partition(":")
        nummer, _, waarde = rest.partition(":")
        if soort not in ankers or not nummer.isdigit() or len(waarde) != 64:
            typer.echo(f"zorgroute: ongeldig anker {tekst[:80]!r}; verwacht SOORT:N:HEX", err=True)
            raise typer.Exit(2)
        ankers[soort][int(nummer)] = waarde.lower()
    return ankers


@audit_app.command("verify")
def verify(
    toon_hash: Annotated[
        bool,
        typer.Option(
            "--hash", help="Toon ook de hash van de laatste regel, om elders vast te leggen."
        ),
    ] = False,
    toon_kop: Annotated[
        bool,
        typer.Option("--kop", help="Toon de koppen als ankers om buiten de database te bewaren."),
    ] = False,
    anker: Annotated[
        list[str] | None,
        typer.Option(
            "--anker",
            metavar="SOORT:N:HEX",
            help="Een eerder bewaarde kop (uit --kop) die nog moet kloppen; herhaalbaar.",
        ),
    ] = None,
) -> None:
    """Loop de hash-keten van de toegangslog en de zegels na en noem de eerste breuk."""
    from api.cli import _settings
    from application.toegangslog import ToegangslogOnbeschikbaar
    from infrastructure.toegangslog import Toegangslog

    settings = _settings()
    ankers = _ankers(anker)
    log = Toegangslog.van_settings(settings)
    try:
        uitkomst = log.verifieer()
        if not uitkomst.ok:
            if uitkomst.volgnummer is None:
                typer.echo(f"toegangslog niet gevonden: {uitkomst.reden}")
            else:
                typer.echo(
                    f"toegangslog gebroken bij regel {uitkomst.volgnummer}: {uitkomst.reden}"
                )
            raise typer.Exit(1)
        typer.echo(f"toegangslog intact: {uitkomst.gecontroleerd} regels")
        if toon_hash:
            typer.echo(f"laatste hash: {uitkomst.kop_hash}")
        from api.cli_zegels import controleer_zegels

        code = controleer_zegels(settings, log, uitkomst.gecontroleerd, ankers, toon_kop)
    except ToegangslogOnbeschikbaar as fout:
        typer.echo(f"zorgroute: {fout}", err=True)
        raise typer.Exit(2) from None
    finally:
        log.sluit()
    if toon_kop and uitkomst.kop_hash and uitkomst.gecontroleerd:
        typer.echo(f"anker: {_TOEGANGSLOG}:{uitkomst.gecontroleerd}:{uitkomst.kop_hash}")
    if code:
        raise typer.Exit(code)


@audit_app.command("verzegel")
def verzegel(
    herhaal: Annotated[
        float | None,
        typer.Option(
            "--herhaal", min=1.0, metavar="SECONDEN", help="Blijf verzegelen, elke SECONDEN."
        ),
    ] = None,
) -> None:
    """Verzegel de nieuwe gebeurtenissen en de kop van de toegangslog (ZORGROUTE_KETEN_SLEUTEL)."""
    from api.cli import _settings
    from api.cli_zegels import verzegel_eenmaal

    settings = _settings()
    while True:
        verzegel_eenmaal(settings)
        if herhaal is None:
            return
        time.sleep(herhaal)


@audit_app.command("installeer")
def installeer(
    verleen: Annotated[
        list[str] | None,
        typer.Option(
            "--verleen",
            metavar="ROL",
            help="PostgreSQL: de applicatierol (API): gebeurtenissen en log alleen toevoegen "
            "en lezen, weergaven en zegels lezen.",
        ),
    ] = None,
    projector: Annotated[
        list[str] | None,
        typer.Option(
            "--projector",
            metavar="ROL",
            help="PostgreSQL: de rol van de projector: leest gebeurtenissen en log, maakt "
            "zijn eigen weergaven, voegt zegels toe.",
        ),
    ] = None,
) -> None:
    """Maak als eigenaar alle tabellen aan en verleen de rollen minimale rechten."""
    import psycopg
    from eventsourcing.persistence import PersistenceError

    from api.cli import _settings
    from application.toegangslog import ToegangslogOnbeschikbaar
    from infrastructure.installatie import InstallatieFout
    from infrastructure.installatie import installeer as installeer_alles

    settings = _settings()
    rollen = [*(verleen or []), *(projector or [])]
    if rollen and settings.is_sqlite:
        typer.echo("zorgroute: --verleen en --projector gelden alleen voor PostgreSQL.", err=True)
        raise typer.Exit(2)
    try:
        installeer_alles(settings, app_rollen=verleen or [], projector_rollen=projector or [])
    except (ToegangslogOnbeschikbaar, InstallatieFout) as fout:
        typer.echo(f"zorgroute: {fout}", err=True)
        raise typer.Exit(2) from None
    except (PersistenceError, psycopg.Error, OSError) as fout:
        # Only the kind: a driver's message can carry connection details.
        typer.echo(f"zorgroute: installeren mislukt ({type(fout).__name__})", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        "gebeurtenissen, toegangslog en zegels geïnstalleerd"
        + (f"; rechten verleend aan {', '.join(rollen)}" if rollen else "")
    )
