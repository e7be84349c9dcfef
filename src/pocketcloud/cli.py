"""`pocketcloud`: start the cloud, look at it, wipe it."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from pocketcloud import __version__
from pocketcloud.config import DEFAULT_HOST, DEFAULT_PORT, Settings
from pocketcloud.infra import cli as infra_cli

console = Console()
LOG_LEVELS = click.Choice(["debug", "info", "warning", "error"], case_sensitive=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pocketcloud")
def main() -> None:
    """pocketcloud: the AWS cloud on one machine.

    Point any AWS client at it, e.g.
    `aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity`.
    Every option can also be set as an environment variable POCKETCLOUD_<OPTION>.
    """


@main.command()
@click.option("--host", default=None, help=f"Address to listen on  [default: {DEFAULT_HOST}]")
@click.option("--port", type=int, default=None,
              help=f"Port to listen on  [default: {DEFAULT_PORT}]")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Where state lives  [default: ./.pocketcloud]")
@click.option("--ephemeral", is_flag=True, default=None,
              help="Keep state in a temporary directory, removed on exit.")
@click.option("--log-level", type=LOG_LEVELS, default=None, help="[default: info]")
@click.option("--seed", type=int, default=None, help="Seed for ids and faults, to replay a run.")
@click.option("--server", type=click.Choice(["uvicorn", "granian"]), default=None,
              help="The ASGI server  [default: uvicorn]")
@click.option("--iam", type=click.Choice(["off", "audit", "enforce"]), default=None,
              help="off: any well-formed credentials act as their account's root (the "
              "default); audit: verify signatures and log what would be refused; enforce: "
              "refuse as AWS does.")
@click.option("--root-secret-key", default=None,
              help="Secret key of each account's root key (key id 'test' or the 12-digit "
              "account id) when --iam checks signatures  [default: test]")
@click.option("--dns-port", type=click.IntRange(0, 65535), default=None,
              help="Port of Route 53's DNS server on the host address, UDP and TCP; 0 turns "
              "it off  [default: 53 as root, else 5353]")
@click.option("--dns-outside", type=click.Choice(["refused", "nxdomain"]), default=None,
              help="The DNS answer for names in no hosted zone  [default: refused]")
@click.option("--dns-client-location", default=None,
              help="Where DNS clients are, for latency and geolocation routing: a city, a "
              "Region code or lat,lon  [default: --client-location, else the default region]")
@click.option("--latency", type=click.Choice(["off", "on"]), default=None,
              help="on: delay each response by the modelled network round trip from the "
              "client's location to the request's Region  [default: off]")
@click.option("--client-location", default=None,
              help="Where clients are when a request has no X-Pocketcloud-Client-Location "
              "header: a city, a Region code or lat,lon")
@click.option("--client-locations", default=None, metavar="KEY=PLACE;...",
              help="A location per access key id, for clients that cannot send the header "
              "(e.g. 'AKIATOKYO=Tokyo;AKIALONDON=London')")
def start(**options: Any) -> None:
    """Start the cloud and serve until interrupted."""
    settings = Settings.from_env(**options)
    infra_cli.check_client_location(settings.client_location, settings.client_locations)
    _configure_logging(settings.log_level)
    from pocketcloud.gateway.server import serve  # imported late: `--help` stays instant
    from pocketcloud.store.claim import DataDirInUseError

    try:
        serve(settings)
    except DataDirInUseError as in_use:
        raise click.ClickException(str(in_use)) from None


@main.command()
@click.option("--host", default=None, help=f"[default: {DEFAULT_HOST}]")
@click.option("--port", type=int, default=None, help=f"[default: {DEFAULT_PORT}]")
def status(host: str | None, port: int | None) -> None:
    """Show whether the cloud is running, and its services."""
    settings = Settings.from_env(host=host, port=port)
    health = _call_admin(settings, "health")
    if health is None:
        console.print(f"[red]pocketcloud is not running[/] on {settings.host}:{settings.port}. "
                      "Start it with [bold]pocketcloud start[/] (or [bold]make run[/]).")
        sys.exit(1)
    console.print(f"[green]pocketcloud {health['version']} is running[/] on "
                  f"{settings.host}:{settings.port}, up {health['uptime_s']:.0f} s, "
                  f"data in {health['data_dir']}")
    table = Table("service", "state")
    for name, state in sorted(health["services"].items()):
        table.add_row(name, state)
    console.print(table)


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="[default: ./.pocketcloud]")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(data_dir: Path | None, yes: bool) -> None:
    """Wipe all state: every resource in every account and region."""
    settings = Settings.from_env(data_dir=data_dir)
    if _call_admin(settings, "health") is not None:
        console.print("[red]pocketcloud is running.[/] Stop it first, then reset.")
        sys.exit(1)
    target = settings.data_dir.resolve()
    if not target.exists():
        console.print(f"Nothing to reset: {target} does not exist.")
        return
    from pocketcloud.store.claim import DataDirInUseError, claim_data_dir

    try:  # a server on another port still holds the directory
        claim_data_dir(target).close()
    except DataDirInUseError as in_use:
        console.print(f"[red]{in_use}[/]")
        sys.exit(1)
    if not yes and not click.confirm(f"Delete all pocketcloud state in {target}?"):
        console.print("Nothing deleted.")
        return
    shutil.rmtree(target)
    console.print(f"[green]Deleted[/] {target}.")


@main.group(invoke_without_command=True)
@click.pass_context
def regions(ctx: click.Context) -> None:
    """List AWS regions with their availability zones and locations."""
    if ctx.invoked_subcommand is not None:
        return
    from pocketcloud.infra.regions import all_regions

    table = Table("region", "name", "country", "zones", "opt-in", title="AWS regions")
    for region in all_regions():
        zones = ", ".join(z.zone_name[-1] for z in region.availability_zones)
        opt_in = "required" if region.opt_in_required else "-"
        table.add_row(region.code, region.name, region.country, zones, opt_in)
    console.print(table)


regions.add_command(infra_cli.advise)
regions.add_command(infra_cli.latency)
regions.add_command(infra_cli.offering)
main.add_command(infra_cli.fault)


@main.group()
def sns() -> None:
    """Amazon SNS: what the cloud sent where nothing may leave the machine."""


@sns.command()
@click.option("--host", default=None, help=f"[default: {DEFAULT_HOST}]")
@click.option("--port", type=int, default=None, help=f"[default: {DEFAULT_PORT}]")
@click.option("--endpoint", default=None, help="Only messages to this email address or phone.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
def outbox(host: str | None, port: int | None, endpoint: str | None, limit: int) -> None:
    """Email and SMS messages SNS delivered (kept here instead of sent)."""
    from urllib.parse import urlencode

    settings = Settings.from_env(host=host, port=port)
    query = urlencode({"limit": limit, **({"endpoint": endpoint} if endpoint else {})})
    document = _call_admin(settings, f"sns/outbox?{query}")
    if document is None:
        console.print(f"[red]pocketcloud is not running[/] on {settings.host}:{settings.port}.")
        sys.exit(1)
    table = Table("#", "protocol", "to", "type", "subject", "message", title="SNS outbox")
    for message in document["messages"]:
        table.add_row(str(message["seq"]), message["protocol"], message["endpoint"],
                      message["kind"], message["subject"] or "", message["message"])
    console.print(table)


def _call_admin(settings: Settings, name: str) -> dict[str, Any] | None:
    url = f"http://{settings.host}:{settings.port}/_pocketcloud/{name}"
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return dict(json.load(answer))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _configure_logging(level: str) -> None:
    handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=False)
    logging.basicConfig(level=level.upper(), format="%(message)s", handlers=[handler])
