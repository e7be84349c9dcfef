"""The AWS CLI against pocketcloud's Route 53, the way its documentation walks through it:
create a zone, change record sets from a JSON file, wait for the change, list, dig."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import advance_clock

AWS = str(Path(sys.executable).with_name("aws"))


def aws(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", "route53",
                           *args], capture_output=True, text=True, env=env, timeout=120)


def test_cli_zone_records_and_waiter(cloud, unique, tmp_path: Path) -> None:
    name = f"{unique('cli')}.example.com"
    created = aws(cloud.endpoint, "create-hosted-zone", "--name", name,
                  "--caller-reference", unique("ref"))
    assert created.returncode == 0, created.stderr
    zone_id = json.loads(created.stdout)["HostedZone"]["Id"]  # "/hostedzone/Z..." as the CLI
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"Comment": "web", "Changes": [{"Action": "UPSERT",
                     "ResourceRecordSet": {"Name": f"www.{name}", "Type": "A", "TTL": 300,
                                           "ResourceRecords": [{"Value": "192.0.2.10"}]}}]}))
    changed = aws(cloud.endpoint, "change-resource-record-sets", "--hosted-zone-id", zone_id,
                  "--change-batch", f"file://{batch}")
    assert changed.returncode == 0, changed.stderr
    change_id = json.loads(changed.stdout)["ChangeInfo"]["Id"]
    advance_clock(cloud.endpoint, 5)
    waited = aws(cloud.endpoint, "wait", "resource-record-sets-changed", "--id", change_id)
    assert waited.returncode == 0, waited.stderr
    listed = aws(cloud.endpoint, "list-resource-record-sets", "--hosted-zone-id", zone_id,
                 "--query", "ResourceRecordSets[?Type=='A'].ResourceRecords[0].Value")
    assert json.loads(listed.stdout) == ["192.0.2.10"]
    assert cloud.addresses(f"www.{name}") == ["192.0.2.10"]
    missing = aws(cloud.endpoint, "get-hosted-zone", "--id", "ZDOESNOTEXIST")
    assert missing.returncode != 0 and "NoSuchHostedZone" in missing.stderr
