"""The `zorgroute` command: serve the API, mint a token to try it, seed the demo school.

Kept thin on purpose: configuration comes from `Settings` (ZORGROUTE_* variables), the
demo data from `api.demo`, the app from `api.app.create_app`. Messages are Dutch and go
to stderr, so `$(zorgroute token ...)` captures exactly the token.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

import pydantic
import typer

from infrastructure.settings import ConfiguratieFout, Settings

app = typer.Typer(
    name="zorgroute",
    help="Zorgroute: het zorgdossier van de zorgstructuur van een school.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Exit code for "wrongly configured", distinct from 1 (a crash) so scripts can tell them apart.
CONFIGURATIEFOUT = 2


def _stop(melding: str) -> NoReturn:
    typer.echo(f"zorgroute: {melding}", err=True)
    raise typer.Exit(CONFIGURATIEFOUT)


def _settings() -> Settings:
    try:
        return Settings()
    except pydantic.ValidationError as fout:
        regels = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in fout.errors())
        _stop(f"ongeldige configuratie: {regels}")


def _lijst(waarden: list[str] | None) -> list[str] | None:
    """`--klassen H3A,H3B` and `--klassen H3A --klassen H3B` mean the same."""
    if waarden is None:
        return None
    return [deel.strip() for waarde in waarden for deel in waarde.split(",") if deel.strip()]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adres om op te luisteren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort om op te luisteren.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Aantal API-processen. Meer dan 1 vraagt een aparte `zorgroute projector` "
            "(ZORGROUTE_PROJECTIES_IN_PROCES=false).",
        ),
    ] = 1,
    proxy: Annotated[
        str | None,
        typer.Option(
            help="Adres(sen) van de reverse proxy, kommagescheiden, waarvan X-Forwarded-For "
            "wordt vertrouwd: dan telt het echte clientadres (toegangslog, de limiet op "
            "mislukte aanmeldingen). Zonder deze optie wordt geen kop vertrouwd.",
        ),
    ] = None,
) -> None:
    """Start de HTTP-API (weigert te starten zonder JWT-sleutel en id-sleutel)."""
    settings = _settings()
    try:
        settings.vereist_sleutels()
    except ConfiguratieFout as fout:
        _stop(f"kan niet starten: {fout}. Zet de variabele(n) in de omgeving (zie README).")
    if workers > 1 and settings.projecties_in_proces:
        # Several workers each keeping the views would only compete for the same rows.
        _stop(
            "met --workers > 1 houdt een aparte `zorgroute projector` de weergaven bij; "
            "zet ZORGROUTE_PROJECTIES_IN_PROCES=false."
        )

    import uvicorn  # only here: `token` and `seed-demo` should not pay for the import

    from infrastructure.logging import configure_logging

    # Our JSON logging for uvicorn's own lines too; log_config=None keeps uvicorn from
    # replacing it with its coloured text format.
    configure_logging(settings.log_level)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        workers=workers,
        # Only a named proxy's X-Forwarded-For counts: anyone else could forge one.
        proxy_headers=proxy is not None,
        forwarded_allow_ips=proxy or "",
    )


@app.command()
def token(
    sub: Annotated[str, typer.Option(help="Id van de medewerker, bijv. m-jansen.")],
    naam: Annotated[str, typer.Option(help="Naam van de medewerker.")],
    rol: Annotated[str, typer.Option(help="Rol, bijv. mentor of zorgcoordinator.")],
    school: Annotated[str | None, typer.Option(help="BRIN-code van de school.")] = None,
    klassen: Annotated[
        list[str] | None, typer.Option(help="Klassen van de mentor: H3A,H3B of herhaald.")
    ] = None,
    afdeling: Annotated[str | None, typer.Option(help="Afdeling van de teamleider.")] = None,
    scholen: Annotated[
        list[str] | None, typer.Option(help="BRIN-codes voor rol swv: 11AA,22BB of herhaald.")
    ] = None,
    geldig_minuten: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Geldigheid in minuten (standaard 480, of ZORGROUTE_TOKEN_MAX_MINUTEN als "
            "dat korter is; langer weigert de API).",
        ),
    ] = None,
    organisatie: Annotated[
        str | None,
        typer.Option(help="Organisatie van de ketenpartner (rol extern), bijv. wijkteam-noord."),
    ] = None,
) -> None:
    """Druk een JWT af om de API mee uit te proberen (HS256, met ZORGROUTE_JWT_SECRET)."""
    from infrastructure.auth import OngeldigToken, decodeer_token, maak_token

    settings = _settings()
    if settings.jwt_secret is None:
        _stop(
            "ZORGROUTE_JWT_SECRET ontbreekt: zonder gedeeld geheim kan hier geen token "
            "worden gemaakt (bij `make run` staat het in var/jwt_secret)."
        )
    if settings.jwt_public_key:
        # The server would check with RS256 and refuse every HS256 token minted here.
        _stop(
            "ZORGROUTE_JWT_PUBLIC_KEY is gezet: de server controleert dan RS256-tokens van de "
            "identiteitsprovider, niet tokens van deze opdracht."
        )
    scholen_lijst = _lijst(scholen)
    if rol == "swv" and not scholen_lijst:
        _stop("rol swv heeft --scholen nodig (BRIN-codes van het samenwerkingsverband).")
    if rol != "swv" and not school:
        _stop(f"rol {rol} heeft --school nodig (de BRIN-code, bijv. 99XX).")
    if rol == "extern" and not organisatie:
        _stop("rol extern heeft --organisatie nodig (bijv. wijkteam-noord of jeugdarts-ggd).")
    if geldig_minuten is None:
        geldig_minuten = min(480, settings.token_max_minuten)
    elif geldig_minuten > settings.token_max_minuten:
        _stop(
            f"--geldig-minuten {geldig_minuten} is langer dan de API toestaat "
            f"(ZORGROUTE_TOKEN_MAX_MINUTEN={settings.token_max_minuten})."
        )
    try:
        jwt = maak_token(
            settings.jwt_secret.get_secret_value(),
            sub=sub,
            naam=naam,
            rol=rol,
            school=school,
            klassen=_lijst(klassen),
            afdeling=afdeling,
            scholen=scholen_lijst,
            geldig_minuten=geldig_minuten,
            organisatie=organisatie,
            uitgever=settings.jwt_issuer,
            publiek=settings.jwt_audience,
        )
        # A token the API would refuse (a name too long, say) is no use to print.
        decodeer_token(jwt, settings)
    except ValueError as fout:
        _stop(str(fout))
    except OngeldigToken as fout:
        _stop(f"de API zou dit token weigeren: {fout.reden}.")
    typer.echo(jwt)


@app.command("seed-demo")
def seed_demo() -> None:
    """Vul de geconfigureerde database met de demo-school 99XX (eenmalig; daarna niets)."""
    from api import demo
    from api.samenstelling import service_van
    from domain.waarden import NIVEAUS

    settings = _settings()
    try:
        settings.id_sleutel_bytes()
    except ConfiguratieFout as fout:
        _stop(f"kan de demo-school niet aanmaken: {fout}.")
    # A clock the seed moves to each step's business date, which the events then carry.
    klok = demo.Demoklok()
    with service_van(settings, klok=klok) as service:
        if demo.is_geseed(service):
            typer.echo(f"Demo-school {demo.SCHOOL} is er al; er is niets toegevoegd.")
            return
        samenvatting = demo.seed_demo(service, klok)
    niveaus = ", ".join(f"{n}: {samenvatting.per_niveau.get(n, 0)}" for n in NIVEAUS)
    typer.echo(
        f"Demo-school {demo.SCHOOL} ({demo.SCHOOLNAAM}): {samenvatting.aangemaakt} van "
        f"{samenvatting.casussen} dossiers aangemaakt voor {samenvatting.leerlingen} leerlingen; "
        f"{samenvatting.klascasussen} klascasussen, {samenvatting.anoniem} anoniem, "
        f"{samenvatting.per_status.get('gesloten', 0)} gesloten. Open per niveau: {niveaus}."
    )


@app.command("projector")
def projector() -> None:
    """Houd de weergaven bij als apart proces (de API zet dan ZORGROUTE_PROJECTIES_IN_PROCES=false)."""
    from api.cli_projecties import projector as draai

    draai(_settings())


def _registreer_projecties() -> None:
    from api.cli_projecties import projecties_app

    app.add_typer(projecties_app, name="projecties")


_registreer_projecties()


def _registreer_audit() -> None:
    from api.cli_audit import audit_app

    app.add_typer(audit_app, name="audit")


_registreer_audit()


if __name__ == "__main__":
    app()
