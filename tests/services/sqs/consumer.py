"""A consumer process for the decoupling test: long-polls a queue, records each message
body in a file (fsync'd) and only then deletes it. Exits after `--max` messages, or once
the queue has been idle for `--idle-s` seconds."""

from __future__ import annotations

import argparse
import os
import time

import boto3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--queue-url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--max", type=int, default=0)
    parser.add_argument("--idle-s", type=float, default=2.0)
    args = parser.parse_args()
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=args.endpoint,
                       aws_access_key_id="test", aws_secret_access_key="test")
    handled = 0
    idle_since = time.monotonic()
    with open(args.out, "a", encoding="utf-8") as out:
        while not args.max or handled < args.max:
            reply = sqs.receive_message(QueueUrl=args.queue_url, MaxNumberOfMessages=1,
                                        WaitTimeSeconds=1, AttributeNames=["MessageGroupId"])
            messages = reply.get("Messages", [])
            if not messages:
                if time.monotonic() - idle_since > args.idle_s:
                    return
                continue
            idle_since = time.monotonic()
            for message in messages:
                out.write(f"{message['Attributes']['MessageGroupId']} {message['Body']}\n")
                out.flush()
                os.fsync(out.fileno())
                sqs.delete_message(QueueUrl=args.queue_url,
                                   ReceiptHandle=message["ReceiptHandle"])
                handled += 1


if __name__ == "__main__":
    main()
