"""The messages SNS sends, in AWS's shapes: the JSON envelope (SQS, HTTP/S, email-json), the
Lambda event record, and the raw forms, each signed with the cloud's SNS key."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

from pocketcloud.services.sns.model import Subscription
from pocketcloud.services.sns.signing import Signer
from pocketcloud.services.sns.urls import cert_url, unsubscribe_url

MAX_SIGNATURES_CACHED = 4096  # one message fans out to many subscriptions: sign it once


class Envelopes:
    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        self._signatures: OrderedDict[bytes, str] = OrderedDict()

    def envelope(self, kind: str, record: dict[str, Any], sub: Subscription) -> dict[str, Any]:
        if kind != "Notification":
            return self._confirmation(kind, record)
        message: dict[str, Any] = {"Type": "Notification", "MessageId": record["MessageId"]}
        if record.get("SequenceNumber"):
            message["SequenceNumber"] = record["SequenceNumber"]
        message["TopicArn"] = record["TopicArn"]
        if record.get("Subject") is not None:
            message["Subject"] = record["Subject"]
        message["Message"] = record["Message"]
        message["Timestamp"] = record["Timestamp"]
        if not record.get("SequenceNumber"):
            self._sign(message, record)  # AWS does not sign a FIFO topic's notifications
        message["UnsubscribeURL"] = unsubscribe_url(record["Base"], sub.arn)
        if record.get("MessageAttributes"):
            message["MessageAttributes"] = envelope_attributes(record["MessageAttributes"])
        return message

    def _confirmation(self, kind: str, record: dict[str, Any]) -> dict[str, Any]:
        message = {"Type": kind, "MessageId": record["MessageId"], "Token": record["Token"],
                   "TopicArn": record["TopicArn"], "Message": record["Message"],
                   "SubscribeURL": record["SubscribeURL"], "Timestamp": record["Timestamp"]}
        self._sign(message, record)
        return message

    def _sign(self, message: dict[str, Any], record: dict[str, Any]) -> None:
        version = str(record.get("SignatureVersion") or "1")
        key = hashlib.sha256(json.dumps([message, version]).encode()).digest()
        signature = self._signatures.get(key)
        if signature is None:
            signature = self.signer.sign(message, version)
            self._signatures[key] = signature
            while len(self._signatures) > MAX_SIGNATURES_CACHED:
                self._signatures.popitem(last=False)
        message["SignatureVersion"] = version
        message["Signature"] = signature
        message["SigningCertURL"] = cert_url(record["Base"])

    def lambda_event(self, record: dict[str, Any], sub: Subscription) -> dict[str, Any]:
        signed = self.envelope("Notification", record, sub)
        sns = {
            "Type": "Notification", "MessageId": signed["MessageId"],
            "TopicArn": signed["TopicArn"], "Subject": signed.get("Subject"),
            "Message": signed["Message"], "Timestamp": signed["Timestamp"],
            "SignatureVersion": signed["SignatureVersion"], "Signature": signed["Signature"],
            "SigningCertUrl": signed["SigningCertURL"],
            "UnsubscribeUrl": signed["UnsubscribeURL"],
            "MessageAttributes": envelope_attributes(record.get("MessageAttributes") or {}),
        }
        if record.get("SequenceNumber"):
            sns["SequenceNumber"] = record["SequenceNumber"]
        return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                             "EventSubscriptionArn": sub.arn, "Sns": sns}]}

    def body(self, kind: str, record: dict[str, Any], sub: Subscription) -> str:
        """What SQS, HTTP/S and email-json receive: the raw message or the JSON envelope."""
        if kind == "Notification" and sub.raw:
            return str(record["Message"])
        return json.dumps(self.envelope(kind, record, sub), indent=2)


def envelope_attributes(attributes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {name: {"Type": a["DataType"],
                   "Value": str(a.get("StringValue", a.get("BinaryValue", "")))}
            for name, a in attributes.items()}


def sqs_attributes(attributes: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Raw delivery to SQS: the message attributes become SQS message attributes."""
    import base64

    converted: dict[str, dict[str, Any]] = {}
    for name, a in attributes.items():
        if "BinaryValue" in a:
            converted[name] = {"DataType": a["DataType"],
                               "BinaryValue": base64.b64decode(a["BinaryValue"])}
        else:
            converted[name] = {"DataType": a["DataType"], "StringValue": a["StringValue"]}
    return converted
