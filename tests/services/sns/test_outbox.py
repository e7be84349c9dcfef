"""Email, email-json and SMS: nothing leaves the machine; the outbox keeps what was sent."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from typing import Any
from urllib.parse import quote, urlsplit


def outbox(endpoint: str, to: str) -> list[dict[str, Any]]:
    url = f"{endpoint}/_pocketcloud/sns/outbox?endpoint={quote(to)}"
    with urllib.request.urlopen(url, timeout=5) as answer:
        return list(json.load(answer)["messages"])


def wait_outbox(endpoint: str, to: str, count: int) -> list[dict[str, Any]]:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = outbox(endpoint, to)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    return outbox(endpoint, to)


def test_email_confirmation_and_notification(endpoint: str, sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"), Attributes={"DisplayName": "Alerts"})["TopicArn"]
    address = f"{unique('user')}@example.com"
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address)[
        "SubscriptionArn"] == "pending confirmation"
    [confirmation] = wait_outbox(endpoint, address, 1)
    assert confirmation["kind"] == "SubscriptionConfirmation"
    assert confirmation["subject"] == "AWS Notification - Subscription Confirmation"
    link = re.search(r"Confirm subscription: (\S+)", confirmation["message"])
    assert link is not None
    sns.publish(TopicArn=topic, Message="not yet")  # pending: nothing delivered
    with urllib.request.urlopen(link.group(1), timeout=5) as answer:
        assert answer.status == 200
    sns.publish(TopicArn=topic, Message="disk full", Subject="Warning")
    found = wait_outbox(endpoint, address, 2)
    assert len(found) == 2
    assert found[1]["kind"] == "Notification"
    assert found[1]["subject"] == "Warning"
    assert found[1]["message"].startswith("disk full\n\n--\nIf you wish to stop receiving")
    unsubscribe = re.search(r"(http://\S+Action=Unsubscribe\S+)", found[1]["message"])
    assert unsubscribe is not None and urlsplit(unsubscribe.group(1)).path


def test_email_json_gets_the_envelope(endpoint: str, sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    address = f"{unique('json')}@example.com"
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint=address)
    [confirmation] = wait_outbox(endpoint, address, 1)
    token = json.loads(confirmation["message"])["Token"]
    sns.confirm_subscription(TopicArn=topic, Token=token)
    sns.publish(TopicArn=topic, Message="structured")
    envelope = json.loads(wait_outbox(endpoint, address, 2)[1]["message"])
    assert envelope["Type"] == "Notification" and envelope["Message"] == "structured"


def test_sms_subscription_and_direct_publish(endpoint: str, sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"), Attributes={"DisplayName": "Shop"})["TopicArn"]
    phone = "+1555" + str(int(unique("")[-6:], 16) % 10_000_000).zfill(7)
    sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=phone)
    sns.publish(TopicArn=topic, Message="your order shipped")
    sns.publish(PhoneNumber=phone, Message="code 1234")
    found = wait_outbox(endpoint, phone, 2)
    assert sorted(m["message"] for m in found) == ["Shop> your order shipped", "code 1234"]


def test_cli_shows_the_outbox(endpoint: str, sns: Any, unique: Any) -> None:
    phone = "+1444" + str(int(unique("")[-6:], 16) % 10_000_000).zfill(7)
    sns.publish(PhoneNumber=phone, Message="from the cli test")
    wait_outbox(endpoint, phone, 1)
    port = urlsplit(endpoint).port
    env = {k: v for k, v in os.environ.items() if not k.startswith("POCKETCLOUD_")}
    result = subprocess.run([sys.executable, "-m", "pocketcloud", "sns", "outbox", "--port",
                             str(port), "--endpoint", phone], capture_output=True, text=True,
                            env={**env, "COLUMNS": "200"}, timeout=30, check=True)
    assert "SNS outbox" in result.stdout
    assert "from the cli test" in result.stdout
    assert phone in result.stdout
