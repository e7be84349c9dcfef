"""Run by test_tools.py with the s3fs venv's interpreter (.venv-s3fs): drives s3fs against
an endpoint and prints what it saw as JSON. Usage: s3fs_client.py ENDPOINT BUCKET WORKDIR."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import s3fs  # type: ignore[import-not-found]


def main(endpoint: str, bucket: str, workdir: Path) -> None:
    fs = s3fs.S3FileSystem(
        key="test",
        secret="test",
        use_listings_cache=False,
        client_kwargs={"endpoint_url": endpoint, "region_name": "us-east-1"},
    )
    local = workdir / "up.txt"
    local.write_bytes(b"from s3fs")
    fs.put(str(local), f"{bucket}/dir/up.txt")
    with fs.open(f"{bucket}/dir/written.bin", "wb") as file:
        file.write(b"\x00\x01" * 1000)
    listed = sorted(fs.ls(f"{bucket}/dir"))
    cat = fs.cat(f"{bucket}/dir/up.txt").decode()
    size = fs.info(f"{bucket}/dir/written.bin")["size"]
    fs.get(f"{bucket}/dir/up.txt", str(workdir / "down.txt"))
    fs.rm(f"{bucket}/dir", recursive=True)
    print(
        json.dumps(
            {
                "ls": listed,
                "cat": cat,
                "size": size,
                "down": (workdir / "down.txt").read_text(),
                "after_rm": fs.ls(bucket, refresh=True),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
