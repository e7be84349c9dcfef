"""`pocketcloud fault ...` and `pocketcloud regions advise`: thin clients of infra's admin API
(faults live in the running cloud) and of the advisor (pure data: no server needed)."""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pocketcloud.config import DEFAULT_HOST, DEFAULT_PORT, Settings

console = Console()
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
EXPLAINED_TOP = 3  # Regions whose ranking `regions advise` explains in sentences
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration_s(text: str) -> float:
    """'90', '90s', '5m', '2h', '1d' -> seconds."""
    match = _DURATION.match(text)
    if match is None:
        raise click.BadParameter(f"{text!r} is not a duration like 30s, 5m or 2h")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def parse_when_s(text: str) -> float:
    """Epoch seconds, or an ISO 8601 time (UTC when no zone is given)."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{text!r} is neither epoch seconds nor an ISO 8601 time") \
            from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def check_client_location(default: str, by_access_key: str = "") -> None:
    """`start` refuses client locations it cannot place, rather than answering every request
    with an error later."""
    from pocketcloud.infra.locations import UnknownLocation, parse_key_locations, parse_location

    try:
        if default:
            parse_location(default)
    except UnknownLocation as problem:
        raise click.BadParameter(str(problem), param_hint="--client-location") from None
    try:
        parse_key_locations(by_access_key)
    except UnknownLocation as problem:
        raise click.BadParameter(str(problem), param_hint="--client-locations") from None


def _server_options(function: Any) -> Any:
    function = click.option("--port", type=int, default=None,
                            help=f"[default: {DEFAULT_PORT}]")(function)
    return click.option("--host", default=None, help=f"[default: {DEFAULT_HOST}]")(function)


def _schedule_options(function: Any) -> Any:
    function = click.option("--seed", type=int, default=None,
                            help="Seed of the fault's random stream (replay a run).")(function)
    function = click.option("--for", "duration", default=None,
                            help="End by itself after this long (e.g. 5m).")(function)
    function = click.option("--after", default=None,
                            help="Start this long from now, cloud clock (e.g. 30s).")(function)
    return click.option("--at", default=None,
                        help="Start at this cloud-clock time (ISO 8601 or epoch s).")(function)


def _admin(host: str | None, port: int | None, method: str, path: str,
           body: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = Settings.from_env(host=host, port=port)
    url = f"http://{settings.host}:{settings.port}/_pocketcloud/{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return dict(json.load(answer))
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}").get("error", error.reason)
        console.print(f"[red]refused:[/] {detail}")
        sys.exit(2)
    except (urllib.error.URLError, OSError):
        console.print(f"[red]pocketcloud is not running[/] on {settings.host}:{settings.port}.")
        sys.exit(1)


def _schedule(at: str | None, after: str | None, duration: str | None,
              seed: int | None) -> dict[str, Any]:
    if at is not None and after is not None:
        raise click.UsageError("give --at or --after, not both")
    body: dict[str, Any] = {"seed": seed}
    if at is not None:
        body["at"] = parse_when_s(at)
    if after is not None:
        body["after_s"] = parse_duration_s(after)
    if duration is not None:
        body["duration_s"] = parse_duration_s(duration)
    return body


def _created(answer: dict[str, Any]) -> None:
    fault = answer["fault"]
    console.print(f"[yellow]{fault['fault_id']}[/] {fault['description']} — {fault['state']}, "
                  f"seed {fault['seed']}")


@click.group()
def fault() -> None:
    """Inject faults into the running cloud: zones and Regions down, services degraded.

    Times are on the cloud's clock. Every fault has a seed (logged): the same seed and the
    same requests replay the same injected errors.
    """


@fault.command("region-down")
@click.argument("region")
@_schedule_options
@_server_options
def region_down(region: str, at: str | None, after: str | None, duration: str | None,
                seed: int | None, host: str | None, port: int | None) -> None:
    """Take a whole Region down: its endpoints stop answering (the connection closes)."""
    body = {"kind": "region-down", "region": region, **_schedule(at, after, duration, seed)}
    _created(_admin(host, port, "POST", "faults", body))


@fault.command("az-down")
@click.argument("zone")
@_schedule_options
@_server_options
def az_down(zone: str, at: str | None, after: str | None, duration: str | None,
            seed: int | None, host: str | None, port: int | None) -> None:
    """Take an Availability Zone down (name like us-east-1a or id like use1-az4)."""
    body = {"kind": "az-down", "zone": zone, **_schedule(at, after, duration, seed)}
    _created(_admin(host, port, "POST", "faults", body))


@fault.command()
@click.argument("service")
@click.option("--region", required=True, help="The Region whose endpoint degrades.")
@click.option("--error-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of requests answered with an error.")
@click.option("--error-kind", type=click.Choice(["throttling", "server", "mixed"]),
              default="mixed", show_default=True)
@click.option("--latency-ms", type=click.FloatRange(0, 60_000), default=0.0, show_default=True,
              help="Added to every response.")
@_schedule_options
@_server_options
def degrade(service: str, region: str, error_rate: float, error_kind: str, latency_ms: float,
            at: str | None, after: str | None, duration: str | None, seed: int | None,
            host: str | None, port: int | None) -> None:
    """Degrade SERVICE (botocore's name, or '*' for all) in a Region."""
    body = {"kind": "degrade", "service": service, "region": region, "error_rate": error_rate,
            "error_kind": error_kind, "latency_ms": latency_ms,
            **_schedule(at, after, duration, seed)}
    _created(_admin(host, port, "POST", "faults", body))


@fault.command()
@click.argument("fault_id", required=False)
@click.option("--all", "everything", is_flag=True, help="Restore every fault.")
@_server_options
def restore(fault_id: str | None, everything: bool, host: str | None, port: int | None) -> None:
    """Bring back what a fault took down (one fault by id, or --all)."""
    if bool(fault_id) == everything:
        raise click.UsageError("give a fault id or --all")
    if everything:
        answer = _admin(host, port, "POST", "faults/restore")
    else:
        answer = _admin(host, port, "DELETE", f"faults/{fault_id}")
    for item in answer["restored"]:
        console.print(f"[green]restored[/] {item['fault_id']}: {item['description']}")
    if not answer["restored"]:
        console.print("nothing to restore")


@fault.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@_server_options
def list_faults(as_json: bool, host: str | None, port: int | None) -> None:
    """List faults: scheduled, active and ended, with their seeds and injected errors."""
    answer = _admin(host, port, "GET", "faults")
    if as_json:
        click.echo(json.dumps(answer, indent=2))
        return
    table = Table(title="faults")
    table.add_column("id", no_wrap=True)
    for name in ("state", "fault", "seed", "window (cloud clock, UTC)", "injected"):
        table.add_column(name)
    for item in answer["faults"]:
        injected = (f"{item['errors_injected']}/{item['requests_seen']}"
                    if item["kind"] == "degrade" else "-")
        table.add_row(item["fault_id"], item["state"], item["description"], str(item["seed"]),
                      _window(item), injected)
    console.print(table)


@fault.command()
@_server_options
def clear(host: str | None, port: int | None) -> None:
    """Forget faults that have ended."""
    console.print(f"removed {_admin(host, port, 'POST', 'faults/clear')['removed']} ended faults")


def _window(item: dict[str, Any]) -> str:
    start = _clock_text(item["start_at"])
    return f"{start} -> {_clock_text(item['end_at']) if item['end_at'] else 'restored'}"


def _clock_text(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%d %H:%M:%S")


# -- regions advise ----------------------------------------------------------------------------


def _user(text: str) -> dict[str, Any]:
    """'Tokyo' or 'Tokyo=3' (a weight after '=')."""
    name, _, weight = text.rpartition("=") if "=" in text else (text, "", "")
    try:
        return {"location": name.strip(), "weight": float(weight) if weight else 1.0}
    except ValueError:
        raise click.BadParameter(f"{text!r}: write PLACE or PLACE=WEIGHT") from None


@click.command()
@click.option("--user", "users", multiple=True, metavar="PLACE[=WEIGHT]",
              help="Where users are (city, Region, IATA code, lat,lon), with a weight.")
@click.option("--residency", multiple=True,
              help="Data must stay in: EU, an ISO country code or a country name.")
@click.option("--service", "services", multiple=True, help="A service needed (botocore name).")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the full answer as JSON.")
def advise(users: tuple[str, ...], residency: tuple[str, ...], services: tuple[str, ...],
           top: int, as_json: bool) -> None:
    """Rank Regions by compliance, proximity to users, services offered and price."""
    from pocketcloud.infra.advisor import AdviceError
    from pocketcloud.infra.advisor import advise as rank

    try:
        answer = rank(users=[_user(u) for u in users], residency=list(residency) or None,
                      services=list(services) or None, top=top)
    except AdviceError as problem:
        raise click.BadParameter(str(problem)) from None
    if as_json:
        click.echo(json.dumps(answer, indent=2))
        return
    _print_advice(answer)


def _print_advice(answer: dict[str, Any]) -> None:
    table = Table("#", "region", "score", "RTT ms (worst)", "services", "price", "where",
                  title="Region advice: compliance, proximity, features, price")
    for row in answer["ranking"]:
        f = row["factors"]
        p = f["proximity"]
        rtt = f"{p['weighted_rtt_ms']:.0f} ({p['worst_rtt_ms']:.0f} {p['worst_user']})" \
            if p["per_user_rtt_ms"] else "-"
        missing = f["features"]["missing"]
        services = ("lacks " + ", ".join(missing)) if missing else \
            f"all {len(f['features']['offered'])}"
        price = f"{f['price']['index']:.2f}x{'~' if f['price']['estimated'] else ''}"
        table.add_row(str(row["rank"]), row["region"], f"{row['score']:.3f}", rtt, services,
                      price, ",".join(f["compliance"]["jurisdiction"]),
                      style="red" if missing else None)
    console.print(table)
    for row in answer["ranking"][:EXPLAINED_TOP]:  # the leaders, in words
        why = row["explanation"]
        console.print(f"[bold]{row['rank']}. {row['region']}[/] ({row['name']}): "
                      f"compliance: {why['compliance']}; proximity: {why['proximity']}; "
                      f"features: {why['features']}; price: {why['price']}.")
    if answer["excluded"]:
        names = ", ".join(item["region"] for item in answer["excluded"])
        console.print(f"[dim]excluded for data residency ({len(answer['excluded'])}): "
                      f"{names}[/]")
    console.print("[dim]RTT: weighted mean round trip to the users (the farthest user in "
                  "brackets); price: index vs us-east-1 (~ estimated); score: weighted "
                  f"{answer['criteria']['weights']}; a Region lacking a needed service ranks "
                  "after all that have them. --json explains every Region.[/]")


@click.command()
@click.argument("place")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
def latency(place: str, top: int) -> None:
    """Modelled round trips from PLACE (city, Region, IATA code, lat,lon) to the nearest
    Regions and edge locations (docs/latency.md)."""
    from pocketcloud.infra.latency import rtt_ms
    from pocketcloud.infra.locations import UnknownLocation, parse_location
    from pocketcloud.infra.regions import all_edge_locations, all_regions

    try:
        origin = parse_location(place)
    except UnknownLocation as problem:
        raise click.BadParameter(str(problem), param_hint="PLACE") from None
    regions = sorted((rtt_ms(origin, r), r.code, r.name) for r in all_regions())[:top]
    edges = sorted((rtt_ms(origin, e), e.code, e.city) for e in all_edge_locations())[:top]
    table = Table("Region", "", "RTT ms", "edge", "", "RTT ms",
                  title=f"Modelled round trips from {origin.name} "
                        f"({origin.latitude:g}, {origin.longitude:g})")
    for (r_ms, r_code, r_name), (e_ms, e_code, e_city) in zip(regions, edges, strict=False):
        table.add_row(r_code, r_name, f"{r_ms:.0f}", e_code, e_city, f"{e_ms:.0f}")
    console.print(table)


@click.command()
@click.argument("names", nargs=-1, required=True)
def offering(names: tuple[str, ...]) -> None:
    """Which Regions offer each service (botocore's name) or feature (s3-express-one-zone)."""
    from pocketcloud.infra.availability import (
        feature_zone_ids,
        is_feature,
        is_global,
        is_known,
        offers,
    )
    from pocketcloud.infra.regions import all_regions

    table = Table("service", "Regions", "missing from", title="Where services exist")
    for name in names:
        if not is_known(name) and not is_feature(name):
            raise click.BadParameter(f"unknown service or feature {name!r}", param_hint="NAMES")
        if is_global(name):
            table.add_row(name, "global (one endpoint for the partition)", "-")
            continue
        present = [r.code for r in all_regions() if offers(r.code, name)]
        absent = [r.code for r in all_regions() if r.code not in present]
        if is_feature(name):
            present = [f"{code} ({', '.join(feature_zone_ids(name, code))})" for code in present]
        table.add_row(name, f"{len(present)}: " + ", ".join(present) if absent else "all",
                      ", ".join(absent) or "-")
    console.print(table)
