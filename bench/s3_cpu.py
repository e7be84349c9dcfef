"""`python -m bench.s3_cpu`: server CPU per S3 request, in process.

Drives pocketcloud's ASGI app directly (no sockets, no uvicorn) with the requests bench/s3.py
replays: a presigned 4 KiB PutObject cycling through 256 keys (each PUT after the first round
overwrites), and a presigned ListObjectsV2 page of 1,000 keys from a 10,000-key bucket. Prints
the CPU time (time.process_time) per request, best of `--rounds` rounds.

bench/s3.py PUTs the same bytes every time, and SQLite skips rewriting a page whose bytes do
not change, so an overwrite in place of identical bytes is cheaper than real traffic's:
`--distinct-bodies` gives every PUT bytes of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from typing import Any
from urllib.parse import urlsplit

from bench.in_process import drive
from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.gateway.app import Gateway

HOST = "127.0.0.1:8000"
BUCKET = "bench-bucket"
SMALL_BYTES = 4096
PUT_KEYS = 256
LIST_KEYS = 10_000


def presigned_client() -> Any:
    import boto3
    from botocore.config import Config

    config = Config(s3={"addressing_style": "path"}, signature_version="s3v4")
    return boto3.client("s3", endpoint_url=f"http://{HOST}", region_name="us-east-1",
                        aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER",
                        config=config)


def presigned_path(s3: Any, operation: str, params: dict[str, Any]) -> str:
    parts = urlsplit(s3.generate_presigned_url(operation, Params=params, ExpiresIn=3600))
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def call(app: Gateway, method: str, path_qs: str, body: bytes = b"") -> int:
    headers = [(b"host", HOST.encode())]
    if method == "PUT":
        headers.append((b"content-length", str(len(body)).encode()))
    return await drive(app, method, path_qs, headers, body)


async def timed(app: Gateway, requests: list[tuple[str, str, bytes]], rounds: int) -> float:
    """The best round's CPU seconds per request."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for method, path, body in requests:
            status = await call(app, method, path, body)
            if status != 200:
                raise SystemExit(f"{method} {path} answered {status}")
        best = min(best, (time.process_time() - started) / len(requests))
    return best


def bodies(distinct: bool, count: int) -> list[bytes]:
    if not distinct:
        return [(b"pocketcloud-4k." * (SMALL_BYTES // 15 + 1))[:SMALL_BYTES]] * count
    seeded = random.Random(4096)
    return [seeded.randbytes(SMALL_BYTES) for _ in range(count)]


async def measure(rounds: int, list_pages: int, distinct: bool) -> tuple[float, float]:
    app = Gateway(Cloud(Settings(ephemeral=True)))
    s3 = presigned_client()
    await call(app, "PUT", presigned_path(s3, "create_bucket", {"Bucket": BUCKET}))
    paths = [presigned_path(s3, "put_object", {"Bucket": BUCKET, "Key": f"small-{n}"})
             for n in range(PUT_KEYS)]
    puts = [("PUT", paths[n % PUT_KEYS], body)
            for n, body in enumerate(bodies(distinct, PUT_KEYS * 4 + 1))]
    await timed(app, puts[:PUT_KEYS], 1)  # the keys exist: the PUTs measured overwrite
    put_s = await timed(app, puts[1:], rounds)  # shifted: each key gets other bytes
    for n in range(LIST_KEYS):
        await call(app, "PUT", presigned_path(s3, "put_object",
                                              {"Bucket": BUCKET, "Key": f"key-{n:05d}"}), b"x")
    listing = [("GET", presigned_path(s3, "list_objects_v2", {"Bucket": BUCKET}), b"")]
    list_s = await timed(app, listing * list_pages, rounds)
    return put_s, list_s


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.s3_cpu", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--list-pages", type=int, default=20)
    parser.add_argument("--distinct-bodies", action="store_true",
                        help="every PUT sends bytes of its own (bench/s3.py repeats one body)")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 100 or not 1 <= args.list_pages <= 1000:
        parser.error("--rounds must be within 1..100 and --list-pages within 1..1000")
    put_s, list_s = asyncio.run(measure(args.rounds, args.list_pages, args.distinct_bodies))
    kind = "distinct bodies" if args.distinct_bodies else "one body"
    print(f"PutObject 4 KiB (overwrite, {kind}): {put_s * 1000:.3f} ms CPU per request")
    print(f"ListObjectsV2 1,000 of 10,000 keys: {list_s * 1000:.3f} ms CPU per page")


if __name__ == "__main__":
    main()
