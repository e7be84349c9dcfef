"""DNS query logging: configurations checked against CloudWatch Logs (group in us-east-1, a
resource policy for route53.amazonaws.com), and the DNS server writing AWS's log lines."""

from __future__ import annotations

import json
import re
import time

import dns.edns
import dns.message
import dns.query
import pytest
from botocore.exceptions import ClientError
from tests.services.route53.conftest import QUERY_TIMEOUT_S, a_record, change

LINE = re.compile(r"1\.0 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (\S+) (\S+) (\S+) (\S+) "
                  r"(UDP|TCP) ([A-Z]{3}\d+) (\S+) (\S+)")


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def logs(cloud):  # type: ignore[no-untyped-def]
    return cloud.client("logs")


@pytest.fixture
def group(logs, unique):  # type: ignore[no-untyped-def]
    """A log group in us-east-1 and a resource policy letting Route 53 write to it."""
    name = f"/aws/route53/{unique('g')}"
    logs.create_log_group(logGroupName=name)
    arn = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["arn"]
    logs.put_resource_policy(policyName="route53-query-logs", policyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": arn.split(":log-group:")[0] + ":log-group:/aws/route53/*"}]}))
    return name, arn


def test_create_get_list_delete(route53, zone, group) -> None:
    zone_id, _ = zone
    made = route53.create_query_logging_config(HostedZoneId=zone_id,
                                               CloudWatchLogsLogGroupArn=group[1])
    config = made["QueryLoggingConfig"]
    assert config["HostedZoneId"] == zone_id and config["CloudWatchLogsLogGroupArn"] == group[1]
    assert made["Location"].endswith("/queryloggingconfig/" + config["Id"])
    assert route53.get_query_logging_config(Id=config["Id"])["QueryLoggingConfig"] == config
    listed = route53.list_query_logging_configs(HostedZoneId=zone_id)["QueryLoggingConfigs"]
    assert listed == [config]
    with pytest.raises(ClientError) as error:
        route53.create_query_logging_config(HostedZoneId=zone_id,
                                            CloudWatchLogsLogGroupArn=group[1])
    assert _error(error) == ("QueryLoggingConfigAlreadyExists", 409)
    route53.delete_query_logging_config(Id=config["Id"])
    for call in (route53.get_query_logging_config, route53.delete_query_logging_config):
        with pytest.raises(ClientError) as error:
            call(Id=config["Id"])
        assert _error(error) == ("NoSuchQueryLoggingConfig", 404)


def test_log_group_and_policy_are_checked(route53, logs, zone, unique) -> None:
    zone_id, _ = zone
    name = f"/elsewhere/{unique('g')}"
    logs.create_log_group(logGroupName=name)
    arn = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["arn"]
    with pytest.raises(ClientError) as error:  # no policy names /elsewhere/
        route53.create_query_logging_config(HostedZoneId=zone_id, CloudWatchLogsLogGroupArn=arn)
    assert _error(error) == ("InsufficientCloudWatchLogsResourcePolicy", 400)
    for missing in (arn.replace(name, name + "-gone"), arn.replace("us-east-1", "eu-west-1")):
        with pytest.raises(ClientError) as error:
            route53.create_query_logging_config(HostedZoneId=zone_id,
                                                CloudWatchLogsLogGroupArn=missing)
        assert _error(error) == ("NoSuchCloudWatchLogsLogGroup", 404)
    with pytest.raises(ClientError) as error:
        route53.create_query_logging_config(HostedZoneId=zone_id,
                                            CloudWatchLogsLogGroupArn="not-an-arn")
    assert _error(error) == ("InvalidInput", 400)
    with pytest.raises(ClientError) as error:
        route53.create_query_logging_config(HostedZoneId="ZNOSUCHZONE0000000000",
                                            CloudWatchLogsLogGroupArn=arn)
    assert _error(error) == ("NoSuchHostedZone", 404)


def _lines(logs, group: str, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 15
    lines: list[str] = []
    while time.monotonic() < deadline:
        events = logs.filter_log_events(logGroupName=group)["events"]
        lines = [e["message"] for e in events]
        if len(lines) >= count:
            return lines
        time.sleep(0.3)
    return lines


def test_dns_queries_are_logged(cloud, route53, logs, zone, group, unique) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"www.{name}", "192.0.2.7")))
    other = f"{unique('o')}.example.org."
    route53.create_hosted_zone(Name=other, CallerReference=unique("r"))
    route53.create_query_logging_config(HostedZoneId=zone_id, CloudWatchLogsLogGroupArn=group[1])
    cloud.query(f"www.{name}", "A")
    cloud.query(f"missing.{name}", "AAAA", tcp=True)
    query = dns.message.make_query(f"www.{name}", "A", use_edns=0, options=[
        dns.edns.ECSOption("198.51.100.0", 24)])
    dns.query.udp(query, "127.0.0.1", port=cloud.dns_port, timeout=QUERY_TIMEOUT_S)
    cloud.query(f"www.{other}")  # a zone without logging: its queries are not logged
    lines = _lines(logs, group[0], 3)
    parsed = sorted(LINE.fullmatch(line).groups() for line in lines)  # type: ignore[union-attr]
    edge = parsed[0][5]
    assert parsed == sorted([
        (zone_id, f"www.{name[:-1]}", "A", "NOERROR", "UDP", edge, "127.0.0.1", "-"),
        (zone_id, f"missing.{name[:-1]}", "AAAA", "NXDOMAIN", "TCP", edge, "127.0.0.1", "-"),
        (zone_id, f"www.{name[:-1]}", "A", "NOERROR", "UDP", edge, "127.0.0.1",
         "198.51.100.0/24"),
    ])
    streams = logs.describe_log_streams(logGroupName=group[0])["logStreams"]
    assert [s["logStreamName"] for s in streams] == [f"{zone_id}/{edge}"]
