"""The main SQS calls through a query-protocol client (what older SDKs and CLIs speak):
a botocore client whose SQS model is switched to 'query', answered in XML."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from tests.services.sqs.test_messages import ATTRIBUTES, reference_md5

from pocketcloud.protocol import legacy_query_names
from pocketcloud.protocol.serializing.error_shapes import LEGACY_QUERY_CODES


@pytest.fixture(scope="module")
def query_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = Path(botocore.__file__).parent / "data" / "sqs" / "2012-11-05" / "service-2.json.gz"
    model = json.loads(gzip.decompress(source.read_bytes()))
    model["metadata"]["protocol"] = "query"
    model["metadata"]["protocols"] = ["query"]
    for name, operation in model["operations"].items():
        if "output" in operation:  # the query-era model wrapped results: <XResult>
            operation["output"]["resultWrapper"] = f"{name}Result"
    for shape, code in LEGACY_QUERY_CODES["sqs"].items():  # and named the query-era codes
        model["shapes"][shape]["error"] = {"code": code, "httpStatusCode": 400,
                                           "senderFault": True}
    _name_query_era_elements(model["shapes"])
    root = tmp_path_factory.mktemp("models")
    target = root / "sqs" / "2012-11-05"
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model))
    return root


def _name_query_era_elements(shapes: dict[str, Any]) -> None:
    """The old model's wire names: AttributeName.1, <Attribute><Name>..</Name>, <Message>."""
    names = {**legacy_query_names.MEMBER_NAMES, **legacy_query_names.OUTPUT_MEMBER_NAMES}
    for (owner, member), wire_name in names.items():
        reference = shapes[owner]["members"][member]
        target = shapes[reference["shape"]]
        if target["type"] == "list":
            target["member"]["locationName"] = wire_name
        else:
            reference["locationName"] = wire_name
    for map_name, (key, value) in legacy_query_names.MAP_ENTRY_NAMES.items():
        shapes[map_name]["key"]["locationName"] = key
        shapes[map_name]["value"]["locationName"] = value


@pytest.fixture
def query_sqs(endpoint: str, query_models: Path) -> Any:
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(query_models))
    return session.create_client(
        "sqs", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test",
        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))


def test_client_really_speaks_query(query_sqs: Any) -> None:
    seen: dict[str, Any] = {}

    def record(request: Any, **_: Any) -> None:  # returning None lets the request go out
        seen["body"] = request.body

    query_sqs.meta.events.register("before-send.sqs.*", record)
    query_sqs.list_queues()
    assert "Action=ListQueues" in str(seen["body"])


def test_queue_and_message_round_trip_in_query(query_sqs: Any, unique: Any) -> None:
    name = unique("query")
    url = query_sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40"},
                                 tags={"t": "1"})["QueueUrl"]
    assert query_sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert url in query_sqs.list_queues(QueueNamePrefix=name)["QueueUrls"]
    attributes = query_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert attributes["Attributes"]["VisibilityTimeout"] == "40"
    assert query_sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"t": "1"}

    sent = query_sqs.send_message(QueueUrl=url, MessageBody="<xml & text>",
                                  MessageAttributes=ATTRIBUTES)
    assert sent["MD5OfMessageAttributes"] == reference_md5(ATTRIBUTES)
    batch = query_sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "bad \x01"}])
    assert [e["Id"] for e in batch["Successful"]] == ["a"]
    assert batch["Failed"][0]["Code"] == "InvalidMessageContents"

    got = query_sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                    MessageAttributeNames=["All"], AttributeNames=["All"])
    messages = {m["Body"]: m for m in got["Messages"]}
    while len(messages) < 2:
        more = query_sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                         MessageAttributeNames=["All"])
        messages.update({m["Body"]: m for m in more.get("Messages", [])})
    first = messages["<xml & text>"]
    assert first["MessageAttributes"] == ATTRIBUTES
    assert first["MD5OfMessageAttributes"] == reference_md5(ATTRIBUTES)
    deleted = query_sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]}
        for i, m in enumerate(messages.values())])
    assert len(deleted["Successful"]) == 2
    query_sqs.delete_queue(QueueUrl=url)


def test_errors_in_query(query_sqs: Any, unique: Any) -> None:
    with pytest.raises(query_sqs.exceptions.QueueDoesNotExist):
        query_sqs.get_queue_url(QueueName=unique("missing"))


def test_query_clients_get_awss_legacy_error_codes(query_sqs: Any, unique: Any) -> None:
    """Query XML carries the query-era codes (AWS.SimpleQueueService.NonExistentQueue...)."""
    import pytest
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as missing:
        query_sqs.get_queue_url(QueueName=unique("missing"))
    assert missing.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    name = unique("exists")
    query_sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40"})
    with pytest.raises(ClientError) as exists:
        query_sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "41"})
    assert exists.value.response["Error"]["Code"] == "QueueAlreadyExists"
    url = query_sqs.get_queue_url(QueueName=name)["QueueUrl"]
    with pytest.raises(ClientError) as empty:
        query_sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}])
    assert empty.value.response["Error"]["Code"] == \
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


def test_json_clients_see_the_query_code_header(sqs: Any, unique: Any) -> None:
    """JSON answers name the shape in __type and the query code in x-amzn-query-error, so
    boto3's modeled exceptions work and Code is AWS's query-era code, as with AWS."""
    import pytest

    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as missing:
        sqs.get_queue_url(QueueName=unique("missing"))
    error = missing.value.response["Error"]
    assert error["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error["QueryErrorCode"] == "QueueDoesNotExist"
    headers = missing.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"


def test_missing_queue_is_worded_for_query_clients(query_sqs: Any, sqs: Any, unique: Any) -> None:
    """AWS adds 'for this wsdl version' to the query protocol's NonExistentQueue message."""
    import pytest
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as query_error:
        query_sqs.get_queue_url(QueueName=unique("missing"))
    assert query_error.value.response["Error"]["Message"] == (
        "The specified queue does not exist for this wsdl version.")
    with pytest.raises(ClientError) as json_error:
        sqs.get_queue_url(QueueName=unique("missing"))
    assert json_error.value.response["Error"]["Message"] == "The specified queue does not exist."
