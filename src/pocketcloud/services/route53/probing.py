"""The health checkers: really probing endpoints on this machine, on the cloud's clock.

A background job ticks every second; each tick probes the checks whose RequestInterval has
passed on `cloud.clock` (so a test that advances the clock makes checks due), at most
PROBES_IN_FLIGHT_MAX at once. Probes follow AWS's rules: a TCP connection within 4 seconds
(10 for TCP checks), then an HTTP status of 2xx or 3xx within 2 seconds; string matching
searches the first 5,120 bytes of the body. An endpoint "in" a region that fault injection
has taken down fails without being probed, as it would be unreachable.
"""

from __future__ import annotations

import asyncio
import ssl
from http import HTTPStatus
from typing import Any

import dns.rdatatype

from pocketcloud.cloud import Cloud
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.answering import Resolver
from pocketcloud.services.route53.common import generation, store
from pocketcloud.services.route53.health_checks import all_health_checks, health_check_tags
from pocketcloud.services.route53.health_state import HealthState, health_changed, runtime
from pocketcloud.services.route53.places import endpoint_region, is_region_down
from pocketcloud.services.route53.zone_index import dns_name

TICK_INTERVAL_S = 1.0
PROBES_IN_FLIGHT_MAX = 64
HTTP_CONNECT_TIMEOUT_S = 4.0
HTTP_RESPONSE_TIMEOUT_S = 2.0
TCP_CONNECT_TIMEOUT_S = 10.0
BODY_SEARCH_BYTES = 5120
HEADER_BYTES_MAX = 16 * 1024
USER_AGENT = "Amazon-Route53-Health-Check-Service (ref pocketcloud; report http://amzn.to/1vsZADi)"
_REFUSED = ("Failure: Connection refused. The endpoint or the internet connection is down, or "
            "requests are being blocked by your firewall.")
_TIMED_OUT = "Failure: Connection timed out. The endpoint or the internet connection is down, " \
             "or requests are being blocked by your firewall."


async def tick(cloud: Cloud) -> None:
    """One round: reload configurations if they changed, probe every check that is due."""
    state = runtime(cloud)
    refresh_configs(cloud)
    now = cloud.clock.now()
    due = [(cid, c) for cid, c in state.configs.items()
           if c.get("Type") != "CALCULATED" and not c.get("Disabled")
           and state.health.setdefault(cid, HealthState()).next_due_s <= now]
    gate = asyncio.Semaphore(PROBES_IN_FLIGHT_MAX)
    await asyncio.gather(*(_checked(cloud, gate, cid, config, now) for cid, config in due))


def refresh_configs(cloud: Cloud) -> None:
    state = runtime(cloud)
    current = generation()
    if state.configs_generation == current:
        return
    with store(cloud).read() as tx:
        state.configs = all_health_checks(tx)
        state.tags = health_check_tags(tx)
    state.configs_generation = current
    health_changed()  # Disabled, Inverted or children may have changed
    for gone in set(state.health) - set(state.configs):
        del state.health[gone]


async def _checked(cloud: Cloud, gate: asyncio.Semaphore, check_id: str,
                   config: dict[str, Any], now_s: float) -> None:
    state = runtime(cloud)
    health = state.health.setdefault(check_id, HealthState())
    health.next_due_s = now_s + float(config.get("RequestInterval", 30))
    region = endpoint_region(config, state.tags.get(check_id, {}))
    async with gate:
        if region is not None and is_region_down(cloud, region):
            ok, status = False, f"Failure: The endpoint's region {region} is down, so it " \
                                "cannot be reached."
        else:
            ok, status = await probe(config, _address(cloud, config))
    health.ip_address = config.get("IPAddress") or ""
    health.observe(ok, status, cloud.clock.now(), int(config.get("FailureThreshold", 3)))


def _address(cloud: Cloud, config: dict[str, Any]) -> str:
    """The IP address to probe: the configured one, else the name as our own hosted zones
    answer it (the way Route 53 resolves it), else the name for the system resolver."""
    if config.get("IPAddress"):
        return str(config["IPAddress"])
    name = str(config.get("FullyQualifiedDomainName") or "")
    try:
        found = Resolver(cloud).resolve(dns_name(name), dns.rdatatype.A)
    except AwsError:
        return name
    addresses = [r.to_text() for rrset in found.answer if rrset.rdtype == dns.rdatatype.A
                 for r in rrset]
    return addresses[0] if addresses else name


async def probe(config: dict[str, Any], host: str) -> tuple[bool, str]:
    """Probe one endpoint at `host`: (success, AWS's words for the result)."""
    kind = config["Type"]
    port = int(config["Port"])
    connect_s = TCP_CONNECT_TIMEOUT_S if kind == "TCP" else HTTP_CONNECT_TIMEOUT_S
    tls = _tls_context() if kind.startswith("HTTPS") else None
    sni = config.get("FullyQualifiedDomainName") if config.get("EnableSNI") else None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=tls, server_hostname=sni if tls else None),
            connect_s)
    except TimeoutError:
        return False, _TIMED_OUT
    except (OSError, ssl.SSLError, ValueError) as error:
        refused = isinstance(error, ConnectionRefusedError)
        return False, _REFUSED if refused else f"Failure: {error}"
    try:
        if kind == "TCP":
            return True, "Success: TCP connection established."
        return await asyncio.wait_for(_http(reader, writer, config), HTTP_RESPONSE_TIMEOUT_S)
    except TimeoutError:
        return False, "Failure: The endpoint did not respond within 2 seconds."
    except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return False, "Failure: The endpoint closed the connection or sent a malformed response."
    finally:
        writer.close()


async def _http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                config: dict[str, Any]) -> tuple[bool, str]:
    path = config.get("ResourcePath") or "/"
    writer.write((f"GET {path} HTTP/1.1\r\nHost: {_host_header(config)}\r\n"
                  f"User-Agent: {USER_AGENT}\r\nAccept: */*\r\nConnection: close\r\n\r\n"
                  ).encode("latin-1"))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > HEADER_BYTES_MAX:
        raise ValueError("headers too long")
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    code = int(status_line[1])
    words = f"HTTP Status Code {code}, {_reason(code)}"
    if not 200 <= code < 400:
        return False, f"Failure: {words}"
    search = config.get("SearchString")
    if config["Type"].endswith("STR_MATCH") and search:
        body = await _body_prefix(reader)
        if search.encode("utf-8") not in body:
            return False, f"Failure: Search string \"{search}\" not found in response body " \
                          f"({words})"
    return True, f"Success: {words}"


def _host_header(config: dict[str, Any]) -> str:
    """The name (or address) checked, with the port unless it is the scheme's default."""
    host = config.get("FullyQualifiedDomainName") or config.get("IPAddress") or ""
    default = 443 if config["Type"].startswith("HTTPS") else 80
    return host if int(config["Port"]) == default else f"{host}:{config['Port']}"


async def _body_prefix(reader: asyncio.StreamReader) -> bytes:
    body = b""
    while len(body) < BODY_SEARCH_BYTES:
        chunk = await reader.read(BODY_SEARCH_BYTES - len(body))
        if not chunk:
            break
        body += chunk
    return body


def _reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def _tls_context() -> ssl.SSLContext:
    """AWS's HTTPS checks do not validate certificates."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
