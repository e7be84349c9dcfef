"""Connections and API destinations: the calls, and real HTTP requests to a local endpoint."""

from __future__ import annotations

import base64
import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.events.test_delivery import queue as sqs_queue
from tests.services.events.test_delivery import receive_all


class Endpoint:
    """A local HTTP server recording every request; answers `statuses` in turn, then 200.
    ``/token`` answers an OAuth client-credentials token."""

    def __init__(self) -> None:
        self.requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self.statuses: list[int] = []
        self.tokens = 0
        self.token_delay_s = 0.0  # how long /token takes to answer
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length).decode()
                record = {"method": self.command, "path": self.path, "body": body,
                          "headers": {k.lower(): v for k, v in self.headers.items()}}
                if self.path.startswith("/token"):
                    time.sleep(outer.token_delay_s)
                    outer.tokens += 1
                    answer = json.dumps({"access_token": f"tok-{outer.tokens}",
                                         "expires_in": 3600}).encode()
                    record["kind"] = "token"
                    status = 200
                else:
                    answer = b""
                    status = outer.statuses.pop(0) if outer.statuses else 200
                outer.requests.put(record)
                self.send_response(status)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = _any  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def next(self, timeout_s: float = 10.0) -> dict[str, Any]:
        return self.requests.get(timeout=timeout_s)


@pytest.fixture
def endpoint_server() -> Iterator[Endpoint]:
    server = Endpoint()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


BASIC = {"BasicAuthParameters": {"Username": "user", "Password": "pass"}}


def _route(events: Any, destination_arn: str, **target: Any) -> str:
    """A rule on the default bus sending a fresh source's events to the destination."""
    source = _name("app")
    rule = _name("r")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "api", "Arn": destination_arn, **target}])
    return source


def _send(events: Any, source: str, **detail: Any) -> None:
    events.put_events(Entries=[{"Source": source, "DetailType": "Order",
                                "Detail": json.dumps(detail)}])


def test_connection_calls_never_return_secrets(events: Any) -> None:
    name = _name("conn")
    created = events.create_connection(
        Name=name, AuthorizationType="API_KEY", Description="d",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-key", "ApiKeyValue": "s3"},
                        "InvocationHttpParameters": {"HeaderParameters": [
                            {"Key": "open", "Value": "1", "IsValueSecret": False},
                            {"Key": "hidden", "Value": "2", "IsValueSecret": True}]}})
    assert created["ConnectionState"] == "AUTHORIZED"
    assert f":connection/{name}/" in created["ConnectionArn"]
    found = events.describe_connection(Name=name)
    assert found["AuthParameters"]["ApiKeyAuthParameters"] == {"ApiKeyName": "x-key"}
    assert found["AuthParameters"]["InvocationHttpParameters"]["HeaderParameters"] == [
        {"Key": "open", "Value": "1", "IsValueSecret": False},
        {"Key": "hidden", "IsValueSecret": True}]
    assert "s3" not in json.dumps(found, default=str)
    listed = events.list_connections(NamePrefix=name)["Connections"]
    assert [(c["Name"], c["AuthorizationType"]) for c in listed] == [(name, "API_KEY")]
    events.update_connection(Name=name, AuthorizationType="BASIC", AuthParameters=BASIC)
    assert events.describe_connection(Name=name)["AuthParameters"]["BasicAuthParameters"] == {
        "Username": "user"}
    answer = events.deauthorize_connection(Name=name)
    assert answer["ConnectionState"] == "DEAUTHORIZING"
    assert events.describe_connection(Name=name)["ConnectionState"] == "DEAUTHORIZED"
    assert events.list_connections(NamePrefix=name, ConnectionState="DEAUTHORIZED")[
        "Connections"][0]["Name"] == name
    assert events.delete_connection(Name=name)["ConnectionState"] == "DELETING"
    assert _error(events.describe_connection, Name=name) == (
        "ResourceNotFoundException",
        f"Failed to describe the connection(s). Connection '{name}' does not exist.")


def test_connection_errors(events: Any) -> None:
    name = _name("conn")
    assert _error(events.create_connection, Name=name, AuthorizationType="INVALID_AUTH_TYPE",
                  AuthParameters=BASIC) == (
        "ValidationException", "1 validation error detected: Value 'INVALID_AUTH_TYPE' at "
        "'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: "
        "[BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]")
    assert _error(events.create_connection, Name="Invalid Name With Spaces!",
                  AuthorizationType="BASIC", AuthParameters=BASIC)[0] == "ValidationException"
    assert _error(events.create_connection, Name=name, AuthorizationType="API_KEY",
                  AuthParameters=BASIC)[0] == "ValidationException"
    events.create_connection(Name=name, AuthorizationType="BASIC", AuthParameters=BASIC)
    assert _error(events.create_connection, Name=name, AuthorizationType="BASIC",
                  AuthParameters=BASIC)[0] == "ResourceAlreadyExistsException"


def test_api_destination_calls(events: Any) -> None:
    connection = events.create_connection(Name=_name("conn"), AuthorizationType="BASIC",
                                          AuthParameters=BASIC)["ConnectionArn"]
    name = _name("dest")
    created = events.create_api_destination(
        Name=name, ConnectionArn=connection, InvocationEndpoint="https://example.com/api",
        HttpMethod="POST", Description="Test API destination")
    assert created["ApiDestinationState"] == "ACTIVE"
    found = events.describe_api_destination(Name=name)
    assert found["InvocationRateLimitPerSecond"] == 300 and found["HttpMethod"] == "POST"
    assert found["ConnectionArn"] == connection and found["Description"] == "Test API destination"
    listed = events.list_api_destinations(ConnectionArn=connection)["ApiDestinations"]
    assert [d["Name"] for d in listed] == [name] and "Description" not in listed[0]
    events.update_api_destination(Name=name, HttpMethod="PUT",
                                  InvocationEndpoint="https://example.com/api/v2")
    found = events.describe_api_destination(Name=name)
    assert (found["HttpMethod"], found["InvocationEndpoint"]) == (
        "PUT", "https://example.com/api/v2")
    events.delete_api_destination(Name=name)
    assert _error(events.describe_api_destination, Name=name) == (
        "ResourceNotFoundException", "Failed to describe the api-destination(s). An "
        f"api-destination '{name}' does not exist.")
    assert _error(events.create_api_destination, Name=name, ConnectionArn="invalid-connection-arn",
                  InvocationEndpoint="https://example.com", HttpMethod="INVALID_METHOD")[1] \
        .startswith("2 validation errors detected: Value 'invalid-connection-arn' at "
                    "'connectionArn'")
    for url in ("http://example.com/x", "ftp://127.0.0.1/x", "not a url"):
        assert _error(events.create_api_destination, Name=name, ConnectionArn=connection,
                      InvocationEndpoint=url, HttpMethod="POST")[0] == "ValidationException"


def test_delivery_with_basic_auth_parameters_and_transformer(
        events: Any, endpoint_server: Endpoint) -> None:
    connection = events.create_connection(
        Name=_name("conn"), AuthorizationType="BASIC", AuthParameters={
            **BASIC, "InvocationHttpParameters": {
                "HeaderParameters": [{"Key": "x-conn", "Value": "c", "IsValueSecret": True}],
                "QueryStringParameters": [{"Key": "from", "Value": "conn"}]}})["ConnectionArn"]
    destination = events.create_api_destination(
        Name=_name("dest"), ConnectionArn=connection, HttpMethod="PUT",
        InvocationEndpoint=endpoint_server.base + "/orders/*/items/*")["ApiDestinationArn"]
    source = _route(events, destination, HttpParameters={
        "PathParameterValues": ["$.detail.order", "fixed"],
        "HeaderParameters": {"x-order": "$.detail.order", "x-static": "s"},
        "QueryStringParameters": {"q": "1"}},
        InputTransformer={"InputPathsMap": {"o": "$.detail.order"},
                          "InputTemplate": '{"order": <o>}'})
    _send(events, source, order="o-7")
    request = endpoint_server.next()
    assert request["method"] == "PUT"
    assert request["path"].startswith("/orders/o-7/items/fixed?")
    assert "q=1" in request["path"] and "from=conn" in request["path"]
    headers = request["headers"]
    assert headers["authorization"] == "Basic " + base64.b64encode(b"user:pass").decode()
    assert headers["x-order"] == "o-7" and headers["x-static"] == "s" and headers["x-conn"] == "c"
    assert headers["user-agent"] == "Amazon/EventBridge/ApiDestinations"
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(request["body"]) == {"order": "o-7"}


def test_api_key_delivery_retries_then_dead_letters(
        events: Any, sqs: Any, endpoint_server: Endpoint) -> None:
    connection = events.create_connection(
        Name=_name("conn"), AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key",
                                                 "ApiKeyValue": "k"}})["ConnectionArn"]
    destination = events.create_api_destination(
        Name=_name("dest"), ConnectionArn=connection, HttpMethod="POST",
        InvocationEndpoint=endpoint_server.base + "/hook")["ApiDestinationArn"]
    dlq_url, dlq_arn = sqs_queue(sqs)
    source = _route(events, destination, DeadLetterConfig={"Arn": dlq_arn},
                    RetryPolicy={"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 60})
    endpoint_server.statuses = [503, 200]
    _send(events, source, n=1)
    first, second = endpoint_server.next(), endpoint_server.next(timeout_s=15)
    assert first["headers"]["x-api-key"] == "k" and second["body"] == first["body"]
    assert json.loads(second["body"])["detail"] == {"n": 1}
    endpoint_server.statuses = [400]  # not retried: straight to the dead-letter queue
    _send(events, source, n=2)
    assert json.loads(endpoint_server.next()["body"])["detail"] == {"n": 2}
    [dead] = receive_all(sqs, dlq_url, 1)
    assert dead["detail"] == {"n": 2}


def test_oauth_token_is_fetched_and_cached(events: Any, endpoint_server: Endpoint) -> None:
    name = _name("conn")
    created = events.create_connection(
        Name=name, AuthorizationType="OAUTH_CLIENT_CREDENTIALS", AuthParameters={
            "OAuthParameters": {
                "AuthorizationEndpoint": endpoint_server.base + "/token", "HttpMethod": "POST",
                "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
                "OAuthHttpParameters": {"BodyParameters": [
                    {"Key": "grant_type", "Value": "client_credentials"}]}}})
    assert created["ConnectionState"] == "AUTHORIZING"
    found = events.describe_connection(Name=name)["AuthParameters"]["OAuthParameters"]
    assert found["ClientParameters"] == {"ClientID": "id"}
    destination = events.create_api_destination(
        Name=_name("dest"), ConnectionArn=created["ConnectionArn"], HttpMethod="POST",
        InvocationEndpoint=endpoint_server.base + "/hook")["ApiDestinationArn"]
    source = _route(events, destination)
    _send(events, source, n=1)
    _send(events, source, n=2)
    seen = [endpoint_server.next() for _ in range(3)]
    tokens = [r for r in seen if r.get("kind") == "token"]
    calls = [r for r in seen if r.get("kind") != "token"]
    assert len(tokens) == 1 and len(calls) == 2
    assert tokens[0]["headers"]["authorization"] == "Basic " + base64.b64encode(
        b"id:secret").decode()
    assert "grant_type=client_credentials" in tokens[0]["body"]
    assert {c["headers"]["authorization"] for c in calls} == {"Bearer tok-1"}
    assert events.describe_connection(Name=name)["ConnectionState"] == "AUTHORIZED"


def test_rate_limit_spreads_requests_over_seconds(events: Any,
                                                   endpoint_server: Endpoint) -> None:
    connection = events.create_connection(Name=_name("conn"), AuthorizationType="BASIC",
                                          AuthParameters=BASIC)["ConnectionArn"]
    destination = events.create_api_destination(
        Name=_name("dest"), ConnectionArn=connection, HttpMethod="POST",
        InvocationRateLimitPerSecond=1,
        InvocationEndpoint=endpoint_server.base + "/hook")["ApiDestinationArn"]
    source = _route(events, destination)
    events.put_events(Entries=[{"Source": source, "DetailType": "t",
                                "Detail": json.dumps({"n": i})} for i in range(3)])
    import time

    arrived = []
    for _ in range(3):
        endpoint_server.next(timeout_s=15)
        arrived.append(time.monotonic())
    assert arrived[2] - arrived[0] >= 1.0  # three requests took at least two seconds' windows


def test_malformed_input_gets_4xx(events: Any) -> None:
    name = _name("conn")
    events.create_connection(Name=name, AuthorizationType="BASIC", AuthParameters=BASIC)
    calls = [
        (events.update_connection, {
            "Name": name, "AuthorizationType": "OAUTH_CLIENT_CREDENTIALS",
            "AuthParameters": {"OAuthParameters": {"HttpMethod": "POST"}}}),
        (events.create_connection, {"Name": _name("c"), "AuthorizationType": "BASIC",
                                    "AuthParameters": {"ApiKeyAuthParameters": {
                                        "ApiKeyName": "u", "ApiKeyValue": "v"}}}),
        (events.create_connection, {"Name": _name("c"),
                                    "AuthorizationType": "OAUTH_CLIENT_CREDENTIALS",
                                    "AuthParameters": {"OAuthParameters": {
                                        "AuthorizationEndpoint": "http://example.com/t",
                                        "HttpMethod": "POST", "ClientParameters": {
                                            "ClientID": "i", "ClientSecret": "s"}}}}),
        (events.create_api_destination, {
            "Name": _name("d"), "HttpMethod": "POST", "InvocationEndpoint": "https://x.test",
            "ConnectionArn": "arn:aws:events:us-east-1:000000000000:connection/none/abc"}),
        (events.start_replay, {"ReplayName": "r", "EventSourceArn": "arn:aws:events:x",
                               "EventStartTime": 0, "EventEndTime": 1,
                               "Destination": {"Arn": "nope"}}),
        (events.list_connections, {"ConnectionState": "SLEEPY"}),
        (events.list_replays, {"NextToken": "?"}),
        (events.delete_api_destination, {"Name": _name("gone")}),
        (events.cancel_replay, {"ReplayName": "no such replay"}),
    ]
    for call, kwargs in calls:
        with pytest.raises(ClientError) as caught:
            call(**kwargs)
        assert 400 <= caught.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500, kwargs


def test_deliveries_that_need_a_token_together_fetch_it_once(
    events: Any, endpoint_server: Endpoint
) -> None:
    """Regression: two deliveries (or a delivery and the authorizing job) racing for a slow
    token endpoint each fetched their own token."""
    endpoint_server.token_delay_s = 0.5
    created = events.create_connection(
        Name=_name("conn"), AuthorizationType="OAUTH_CLIENT_CREDENTIALS", AuthParameters={
            "OAuthParameters": {
                "AuthorizationEndpoint": endpoint_server.base + "/token", "HttpMethod": "POST",
                "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"}}})
    destination = events.create_api_destination(
        Name=_name("dest"), ConnectionArn=created["ConnectionArn"], HttpMethod="POST",
        InvocationEndpoint=endpoint_server.base + "/hook")["ApiDestinationArn"]
    source = _route(events, destination)
    for n in range(4):
        _send(events, source, n=n)
    seen = [endpoint_server.next(timeout_s=15) for _ in range(5)]
    assert sorted(r.get("kind", "call") for r in seen) == ["call"] * 4 + ["token"]
    assert {r["headers"]["authorization"] for r in seen if "kind" not in r} == {"Bearer tok-1"}
