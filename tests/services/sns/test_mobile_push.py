"""Mobile push: platform applications and endpoints; pushes land in the outbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sns.test_outbox import wait_outbox


def application(sns: Any, unique: Any, platform: str = "GCM") -> str:
    return str(sns.create_platform_application(
        Name=unique("app"), Platform=platform,
        Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"])


def test_applications_and_endpoints(sns: Any, unique: Any) -> None:
    app = application(sns, unique)
    assert ":app/GCM/" in app
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=app)[
        "Attributes"]
    assert attributes["Enabled"] == "true"
    assert "PlatformCredential" not in attributes  # AWS never hands the credential back
    assert app in [a["PlatformApplicationArn"] for a in
                   sns.list_platform_applications()["PlatformApplications"]]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1",
                                            CustomUserData="alice")["EndpointArn"]
    assert ":endpoint/GCM/" in endpoint
    assert sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1",
                                        CustomUserData="alice")["EndpointArn"] == endpoint
    with pytest.raises(ClientError) as caught:
        sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1",
                                     CustomUserData="bob")
    assert "already exists with the same Token" in caught.value.response["Error"]["Message"]
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"] == {
        "Token": "device-1", "Enabled": "true", "CustomUserData": "alice"}
    listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
    assert [e["EndpointArn"] for e in listed] == [endpoint]
    sns.delete_endpoint(EndpointArn=endpoint)
    sns.delete_endpoint(EndpointArn=endpoint)  # idempotent
    with pytest.raises(ClientError) as caught:
        sns.get_endpoint_attributes(EndpointArn=endpoint)
    assert caught.value.response["Error"]["Code"] == "NotFound"
    sns.delete_platform_application(PlatformApplicationArn=app)
    with pytest.raises(ClientError):
        sns.get_platform_application_attributes(PlatformApplicationArn=app)


def test_application_validation(sns: Any, unique: Any) -> None:
    for kwargs in ({"Name": "ok", "Platform": "PAGER", "Attributes": {
                    "PlatformCredential": "k"}},
                   {"Name": "bad name", "Platform": "GCM", "Attributes": {
                    "PlatformCredential": "k"}},
                   {"Name": unique("a"), "Platform": "GCM", "Attributes": {}}):
        with pytest.raises(ClientError) as caught:
            sns.create_platform_application(**kwargs)
        assert caught.value.response["Error"]["Code"] == "InvalidParameter"


def test_direct_and_topic_pushes_reach_the_outbox(endpoint: str, sns: Any, unique: Any) -> None:
    app = application(sns, unique, "APNS")
    device = sns.create_platform_endpoint(PlatformApplicationArn=app,
                                          Token=unique("tok"))["EndpointArn"]
    sns.publish(TargetArn=device, MessageStructure="json", Message=json.dumps(
        {"default": "plain", "APNS": json.dumps({"aps": {"alert": "hello"}})}))
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=device)
    assert sub["SubscriptionArn"].startswith(topic)
    sns.publish(TopicArn=topic, Message="to every device")
    found = wait_outbox(endpoint, device, 2)
    assert [m["protocol"] for m in found] == ["application", "application"]
    assert json.loads(found[0]["message"]) == {"aps": {"alert": "hello"}}
    assert found[1]["message"] == "to every device"
    sns.set_endpoint_attributes(EndpointArn=device, Attributes={"Enabled": "false"})
    with pytest.raises(ClientError) as caught:
        sns.publish(TargetArn=device, Message="nope")
    assert caught.value.response["Error"]["Code"] == "EndpointDisabled"
    with pytest.raises(ClientError) as caught:
        sns.publish(TargetArn=device.replace("APNS", "GCM"), Message="nowhere")
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"
