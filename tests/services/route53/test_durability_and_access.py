"""Route 53 state survives kill -9; hostile requests get 4xx; --iam enforce scopes a user
to one hosted zone by its ARN (arn:aws:route53:::hostedzone/ID)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.services.route53.conftest import a_record, change, free_dual_port
from tests.support import start_server

SECRET = "r53-secret"


def _route53(endpoint: str, key: str = "test", secret: str = "test"):  # type: ignore[no-untyped-def]
    return boto3.client("route53", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


def test_zones_records_and_health_checks_survive_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    first = start_server(data_dir)
    try:
        route53 = _route53(first.endpoint)
        zone_id = route53.create_hosted_zone(Name="durable.example.com",
                                             CallerReference="d")["HostedZone"]["Id"]
        change(route53, zone_id, *(("CREATE", a_record(f"h{i}.durable.example.com",
                                                       f"192.0.2.{i}")) for i in range(20)))
        check = route53.create_health_check(CallerReference="d", HealthCheckConfig={
            "Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9})["HealthCheck"]["Id"]
    finally:
        first.kill(signal.SIGKILL)
    dns_port = free_dual_port()
    second = start_server(data_dir, "--dns-port", str(dns_port))
    try:
        route53 = _route53(second.endpoint)
        records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
        assert len(records) == 22  # NS, SOA and the 20 acknowledged
        assert route53.get_health_check(HealthCheckId=check)["HealthCheck"]["Id"] == check
        import dns.message
        import dns.query
        answer = dns.query.udp(dns.message.make_query("h7.durable.example.com", "A"),
                               "127.0.0.1", port=dns_port, timeout=3)
        assert answer.answer[0][0].to_text() == "192.0.2.7"
    finally:
        second.stop()


@pytest.mark.parametrize("body", [b"", b"<not-xml", b"<?xml version='1.0'?><x>" * 1000,
                                  b"<ChangeResourceRecordSetsRequest><ChangeBatch><Changes>"
                                  b"<Change><Action>CREATE</Action></Change></Changes>"
                                  b"</ChangeBatch></ChangeResourceRecordSetsRequest>"])
def test_hostile_change_batches_are_4xx(cloud, zone, body: bytes) -> None:
    zone_id, _ = zone
    auth = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/route53/aws4_request, "
            "SignedHeaders=host, Signature=0")
    response = httpx.post(f"{cloud.endpoint}/2013-04-01/hostedzone/{zone_id}/rrset/",
                          content=body, headers={"Authorization": auth}, timeout=10)
    assert 400 <= response.status_code < 500, response.text


def test_iam_policy_scopes_a_user_to_one_zone() -> None:
    server = start_server(None, "--iam", "enforce", "--root-secret-key", SECRET)
    try:
        root = _route53(server.endpoint, "test", SECRET)
        mine = root.create_hosted_zone(Name="mine.example.com", CallerReference="m")
        theirs = root.create_hosted_zone(Name="theirs.example.com", CallerReference="t")
        mine_id = mine["HostedZone"]["Id"].split("/")[-1]
        iam = boto3.client("iam", region_name="us-east-1", endpoint_url=server.endpoint,
                           aws_access_key_id="test", aws_secret_access_key=SECRET)
        iam.create_user(UserName="dns-editor")
        iam.put_user_policy(UserName="dns-editor", PolicyName="one-zone", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets",
                                              "route53:GetHostedZone"],
                "Resource": f"arn:aws:route53:::hostedzone/{mine_id}"}]}))
        key = iam.create_access_key(UserName="dns-editor")["AccessKey"]
        editor = _route53(server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        change(editor, mine_id, ("CREATE", a_record("www.mine.example.com", "192.0.2.1")))
        with pytest.raises(ClientError) as caught:
            change(editor, theirs["HostedZone"]["Id"],
                   ("CREATE", a_record("www.theirs.example.com", "192.0.2.1")))
        error = caught.value.response["Error"]
        assert error["Code"] == "AccessDenied"
        assert "route53:ChangeResourceRecordSets" in error["Message"]
        with pytest.raises(ClientError):
            editor.list_hosted_zones()
    finally:
        server.stop()
