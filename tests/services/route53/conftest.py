"""Route 53 test helpers: one server per module with its DNS server on a free port,
throw-away HTTP endpoints to health-check, and a dnspython client."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import boto3
import dns.message
import dns.query
import pytest
from botocore.config import Config
from tests.support import Server, start_server

QUERY_TIMEOUT_S = 3.0


def free_dual_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as tcp, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            try:
                udp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no port free for both TCP and UDP")


@dataclass
class DnsCloud:
    server: Server
    dns_port: int

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    def client(self, service: str = "route53"):  # type: ignore[no-untyped-def]
        return boto3.client(service, region_name="us-east-1", endpoint_url=self.endpoint,
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}))

    def query(self, name: str, rdtype: str = "A", *, tcp: bool = False
              ) -> dns.message.Message:
        message = dns.message.make_query(name, rdtype)
        ask = dns.query.tcp if tcp else dns.query.udp
        return ask(message, "127.0.0.1", port=self.dns_port, timeout=QUERY_TIMEOUT_S)

    def addresses(self, name: str, rdtype: str = "A") -> list[str]:
        response = self.query(name, rdtype)
        return sorted(r.to_text() for rrset in response.answer for r in rrset)


def start_dns_cloud(*extra: str) -> DnsCloud:
    port = free_dual_port()
    return DnsCloud(start_server(None, "--dns-port", str(port), *extra), port)


@pytest.fixture(scope="module")
def cloud() -> Iterator[DnsCloud]:
    running = start_dns_cloud()
    yield running
    running.server.stop()


@pytest.fixture
def route53(cloud: DnsCloud):  # type: ignore[no-untyped-def]
    return cloud.client()


@pytest.fixture
def unique() -> Callable[[str], str]:
    def make(prefix: str = "z") -> str:
        return f"{prefix}{uuid.uuid4().hex[:10]}"

    return make


@pytest.fixture
def zone(route53, unique):  # type: ignore[no-untyped-def]
    """A fresh public hosted zone: (zone id without prefix, zone name with trailing dot)."""
    name = f"{unique('z')}.example.com."
    created = route53.create_hosted_zone(Name=name, CallerReference=unique("ref"))
    return created["HostedZone"]["Id"].split("/")[-1], name


class Endpoint:
    """A real HTTP server on 127.0.0.1 that a health check can probe; stop() takes it down."""

    def __init__(self, body: bytes = b"ok", status: int = 200, host: str = "127.0.0.1",
                 tls: ssl.SSLContext | None = None) -> None:
        self.body, self.status, self.host, self.tls = body, status, host, tls
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(outer.status)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args: object) -> None:
                pass

        self._handler = Handler
        self.port = 0
        self._server: http.server.ThreadingHTTPServer | None = None
        self.start()

    def start(self) -> None:
        self._server = http.server.ThreadingHTTPServer((self.host, self.port), self._handler)
        self.port = self._server.server_address[1]
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def endpoints() -> Iterator[Callable[..., Endpoint]]:
    made: list[Endpoint] = []

    def make(**kwargs: object) -> Endpoint:
        endpoint = Endpoint(**kwargs)  # type: ignore[arg-type]
        made.append(endpoint)
        return endpoint

    yield make
    for endpoint in made:
        endpoint.stop()


def a_record(name: str, value: str, ttl: int = 60, **extra: object) -> dict[str, object]:
    return {"Name": name, "Type": "A", "TTL": ttl, "ResourceRecords": [{"Value": value}],
            **extra}


def change(route53, zone_id: str, *changes: tuple[str, dict]):  # type: ignore[no-untyped-def]
    return route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
        "Changes": [{"Action": a, "ResourceRecordSet": r} for a, r in changes]})
