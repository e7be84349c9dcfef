"""`python -m bench.s3_edge`: what S3's edge paths cost next to a plain GetObject on the same
pocketcloud server: a 4 KiB GET with an Origin (CORS headers added), the same object from the
website endpoint (bucket policy evaluated for an anonymous reader), and a CORS preflight.
wrk, 2 threads, 8 connections; medians of interleaved rounds. No peer serves these paths
comparably (moto has no website endpoint), so the baseline is pocketcloud's own plain GET."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BUCKET = "bench-edge"
ORIGIN = "https://app.example"


def _start() -> tuple[subprocess.Popen[bytes], str]:
    from bench.servers import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "pocketcloud", "start", "--ephemeral",
                                "--port", str(port), "--log-level", "warning"])  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(500):
        try:
            urllib.request.urlopen(endpoint + "/_pocketcloud/health", timeout=1).close()
            return process, endpoint
        except OSError:
            time.sleep(0.02)
    process.kill()
    raise RuntimeError("pocketcloud did not start")


def _prepare(endpoint: str) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x" * 4096, ContentType="text/html")
    s3.delete_public_access_block(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}))  # fmt: skip
    s3.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration={"IndexDocument": {"Suffix": "i"}})
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}]})


def _cases(endpoint: str, options_lua: Path) -> dict[str, list[str]]:
    return {
        "GetObject 4 KiB (plain)": [f"{endpoint}/{BUCKET}/k"],
        "GetObject 4 KiB + Origin (CORS headers)": ["-H", f"Origin: {ORIGIN}",
                                                    f"{endpoint}/{BUCKET}/k"],
        "website GET 4 KiB": ["-H", f"Host: {BUCKET}.s3-website.localhost", f"{endpoint}/k"],
        "CORS preflight (OPTIONS)": ["-H", f"Origin: {ORIGIN}", "-H",
                                     "Access-Control-Request-Method: GET", "-s",
                                     str(options_lua), f"{endpoint}/{BUCKET}/k"],
    }  # fmt: skip


def _wrk(args: list[str], duration_s: int) -> tuple[float, float, bool]:
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{int(duration_s)}s", "--latency", *args],
                         capture_output=True, text=True, timeout=duration_s + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p50_ms = float(p50.group(1)) * scale[p50.group(2)] if p50 else float("nan")
    return rps, p50_ms, "Non-2xx" in out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.s3_edge", description=__doc__)
    parser.add_argument("--duration-s", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    process, endpoint = _start()
    try:
        _prepare(endpoint)
        with tempfile.TemporaryDirectory() as scratch:
            lua = Path(scratch) / "options.lua"
            lua.write_text('wrk.method = "OPTIONS"\n')
            cases = _cases(endpoint, lua)
            runs: dict[str, list[tuple[float, float, bool]]] = {name: [] for name in cases}
            load_before = os.getloadavg()[0]
            for _ in range(args.repeat):
                for name, wrk_args in cases.items():
                    runs[name].append(_wrk(wrk_args, args.duration_s))
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"other load (1-min load average before the run, 2 cores): {load_before:.2f}")
    print("| path | req/s (median) | req/s range | p50 ms (median) | all 2xx |")
    print("| --- | --- | --- | --- | --- |")
    for name, samples in runs.items():
        rates = [s[0] for s in samples]
        print(f"| {name} | {statistics.median(rates):,.0f} | {min(rates):,.0f}-{max(rates):,.0f}"
              f" | {statistics.median(s[1] for s in samples):.2f} | "
              f"{'yes' if not any(s[2] for s in samples) else 'NO'} |")


if __name__ == "__main__":
    main()
