"""Health checks: their API, and real probes of HTTP and TCP endpoints on this machine,
judged on the cloud clock with RequestInterval and FailureThreshold."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError
from tests.support import advance_clock

PROBE_WAIT_S = 10.0


def _http_check(route53, unique, port: int, **config: object) -> str:  # type: ignore[no-untyped-def]
    created = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "HTTP", "IPAddress": "127.0.0.1", "Port": port, "ResourcePath": "/health",
        "RequestInterval": 10, "FailureThreshold": 1, **config})
    return str(created["HealthCheck"]["Id"])


def _status(route53, check_id: str, wait_for: str = "") -> str:  # type: ignore[no-untyped-def]
    """The checkers' last observation, waiting (a little, real time) for the first probe."""
    deadline = time.monotonic() + PROBE_WAIT_S
    while True:
        observations = route53.get_health_check_status(HealthCheckId=check_id)[
            "HealthCheckObservations"]
        status = observations[0]["StatusReport"]["Status"] if observations else ""
        if status.startswith(wait_for) and status or time.monotonic() > deadline:
            return str(status)
        time.sleep(0.1)


def test_create_fills_in_aws_defaults(route53, unique) -> None:
    created = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api.example.com"})
    check = created["HealthCheck"]
    config = check["HealthCheckConfig"]
    assert (config["Port"], config["RequestInterval"], config["FailureThreshold"]) == (443, 30, 3)
    assert config["EnableSNI"] is True and config["Inverted"] is False
    assert check["HealthCheckVersion"] == 1
    assert created["Location"].endswith(check["Id"])
    again = route53.create_health_check(CallerReference=check["CallerReference"],
                                        HealthCheckConfig={"Type": "HTTPS",
                                                           "FullyQualifiedDomainName":
                                                           "api.example.com"})
    assert again["HealthCheck"]["Id"] == check["Id"]  # same reference, same config: same check
    with pytest.raises(ClientError) as caught:
        route53.create_health_check(CallerReference=check["CallerReference"],
                                    HealthCheckConfig={"Type": "TCP", "IPAddress": "127.0.0.1",
                                                       "Port": 1})
    assert caught.value.response["Error"]["Code"] == "HealthCheckAlreadyExists"


@pytest.mark.parametrize("config", [
    {"Type": "HTTP"},
    {"Type": "HTTP", "IPAddress": "127.0.0.1", "RequestInterval": 15},
    {"Type": "HTTP", "IPAddress": "127.0.0.1", "FailureThreshold": 11},
    {"Type": "HTTP_STR_MATCH", "IPAddress": "127.0.0.1"},
    {"Type": "HTTP", "IPAddress": "not-an-ip"},
    {"Type": "HTTP", "IPAddress": "127.0.0.1", "Regions": ["us-east-1", "eu-west-1", "mars-1"]},
    {"Type": "FANCY", "IPAddress": "127.0.0.1"},
])
def test_invalid_configurations(route53, unique, config) -> None:
    with pytest.raises(ClientError) as caught:
        route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig=config)
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_get_list_update_delete(route53, unique) -> None:
    check_id = _http_check(route53, unique, 9)
    assert route53.get_health_check(HealthCheckId=check_id)["HealthCheck"]["Id"] == check_id
    listed = [c["Id"] for c in route53.list_health_checks()["HealthChecks"]]
    assert check_id in listed
    assert route53.get_health_check_count()["HealthCheckCount"] >= 1
    updated = route53.update_health_check(HealthCheckId=check_id, HealthCheckVersion=1,
                                          Port=8080, FailureThreshold=5)["HealthCheck"]
    assert updated["HealthCheckVersion"] == 2
    assert (updated["HealthCheckConfig"]["Port"], updated["HealthCheckConfig"]
            ["FailureThreshold"]) == (8080, 5)
    with pytest.raises(ClientError) as caught:
        route53.update_health_check(HealthCheckId=check_id, HealthCheckVersion=1, Port=81)
    assert caught.value.response["Error"]["Code"] == "HealthCheckVersionMismatch"
    route53.delete_health_check(HealthCheckId=check_id)
    with pytest.raises(ClientError) as caught:
        route53.get_health_check(HealthCheckId=check_id)
    assert caught.value.response["Error"]["Code"] == "NoSuchHealthCheck"


def test_http_probe_success_and_server_error(route53, unique, endpoints) -> None:
    endpoint = endpoints()
    check_id = _http_check(route53, unique, endpoint.port)
    assert _status(route53, check_id, "Success") == "Success: HTTP Status Code 200, OK"
    endpoint.status = 503
    _advance(route53, 10)  # the next probe is due after RequestInterval
    assert _status(route53, check_id, "Failure") == \
        "Failure: HTTP Status Code 503, Service Unavailable"
    reason = route53.get_health_check_last_failure_reason(HealthCheckId=check_id)
    assert reason["HealthCheckObservations"][0]["StatusReport"]["Status"].startswith("Failure")


def _advance(route53, seconds: float) -> None:  # type: ignore[no-untyped-def]
    advance_clock(route53.meta.endpoint_url, seconds)


def test_string_match_searches_the_body(route53, unique, endpoints) -> None:
    endpoint = endpoints(body=b"<html>status: all good</html>")
    found = _http_check(route53, unique, endpoint.port, Type="HTTP_STR_MATCH",
                        SearchString="all good")
    missing = _http_check(route53, unique, endpoint.port, Type="HTTP_STR_MATCH",
                          SearchString="on fire")
    assert _status(route53, found, "Success").startswith("Success")
    assert "not found in response body" in _status(route53, missing, "Failure")


def test_tcp_probe_refused(route53, unique, endpoints) -> None:
    endpoint = endpoints()
    open_check = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "TCP", "IPAddress": "127.0.0.1", "Port": endpoint.port})["HealthCheck"]["Id"]
    closed = endpoints()
    closed.stop()
    closed_check = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "TCP", "IPAddress": "127.0.0.1", "Port": closed.port})["HealthCheck"]["Id"]
    assert _status(route53, open_check, "Success") == "Success: TCP connection established."
    assert _status(route53, closed_check, "Failure").startswith("Failure: Connection refused")


def test_calculated_checks_have_no_observations(route53, unique, endpoints) -> None:
    child = _http_check(route53, unique, endpoints().port)
    parent = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "CALCULATED", "ChildHealthChecks": [child], "HealthThreshold": 1})
    parent_id = parent["HealthCheck"]["Id"]
    assert parent["HealthCheck"]["HealthCheckConfig"]["ChildHealthChecks"] == [child]
    with pytest.raises(ClientError) as caught:
        route53.get_health_check_status(HealthCheckId=parent_id)
    assert caught.value.response["Error"]["Code"] == "InvalidInput"
    with pytest.raises(ClientError) as caught:
        route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
            "Type": "CALCULATED", "ChildHealthChecks": ["no-such-check"]})
    assert caught.value.response["Error"]["Code"] == "NoSuchHealthCheck"


def test_a_name_only_check_resolves_through_the_hosted_zones(route53, zone, unique,
                                                             endpoints) -> None:
    zone_id, name = zone
    endpoint = endpoints()
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": f"app.{name}", "Type": "A", "TTL": 60,
            "ResourceRecords": [{"Value": "127.0.0.1"}]}}]})
    check_id = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "HTTP", "FullyQualifiedDomainName": f"app.{name}".rstrip("."),
        "Port": endpoint.port})["HealthCheck"]["Id"]
    assert _status(route53, check_id, "Success") == "Success: HTTP Status Code 200, OK"


def _self_signed(tmp_path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "secure.example.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_https_probe_accepts_a_self_signed_certificate(route53, unique, endpoints,
                                                      tmp_path) -> None:
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path))
    endpoint = endpoints(body=b"secure and well", tls=context)
    check_id = _http_check(route53, unique, endpoint.port, Type="HTTPS_STR_MATCH",
                           SearchString="well", FullyQualifiedDomainName="secure.example.com")
    assert _status(route53, check_id, "Success") == "Success: HTTP Status Code 200, OK"


def test_http_check_config_as_aws_returns_it(route53, unique) -> None:
    """Every default AWS fills in for an HTTP check, EnableSNI (false) included."""
    created = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "HTTP", "IPAddress": "1.1.1.1", "Port": 80, "ResourcePath": "/health",
        "FullyQualifiedDomainName": "shop.example.com"})
    check_id = created["HealthCheck"]["Id"]
    expected = {"Type": "HTTP", "IPAddress": "1.1.1.1", "Port": 80, "ResourcePath": "/health",
                "FullyQualifiedDomainName": "shop.example.com", "RequestInterval": 30,
                "FailureThreshold": 3, "MeasureLatency": False, "Inverted": False,
                "Disabled": False, "EnableSNI": False}
    assert created["HealthCheck"]["HealthCheckConfig"] == expected
    got = route53.get_health_check(HealthCheckId=check_id)["HealthCheck"]
    assert got["HealthCheckConfig"] == expected and got["HealthCheckVersion"] == 1
    route53.delete_health_check(HealthCheckId=check_id)
