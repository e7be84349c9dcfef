"""The S3 tables: ratios per workload against moto's server and s3rver from the same run."""

from __future__ import annotations

from bench import report
from bench.s3 import BIG_BYTES, LIST_KEYS, PUT_KEYS, SMALL_BYTES, Transfer
from bench.throughput import LoadOptions, Measurement

COLUMNS = ("workload", "server", "req/s", "req/s range", "CPU s / 1k req", "cores busy",
           "peak RSS MB", "p50 / p99 ms", "req/s vs moto", "req/s vs s3rver",
           "req per CPU-s vs moto", "other load")
TRANSFER_COLUMNS = ("server", "PUT MB/s", "GET MB/s", "peak RSS MB", "PUT vs moto",
                    "GET vs moto", "other load")
LEGEND = (
    f"s3-get-4k / s3-put-4k: one presigned GET of a {SMALL_BYTES}-byte object replayed by wrk; "
    f"PUTs of {SMALL_BYTES} bytes cycle through {PUT_KEYS} presigned keys (moto answers 500 to "
    "concurrent PUTs of one key). s3-list: one presigned ListObjectsV2 (first page, 1,000 "
    f"keys) of a {LIST_KEYS:,}-"
    "key bucket. Ratios divide by moto_server's (s3rver's) median req/s on the same workload in "
    "the same run; req per CPU-s vs moto divides CPU s / 1k req the other way (moto's by "
    "ours): the efficiency, which a loaded machine disturbs far less than req/s. Other "
    "columns as in the STS table above.")
TRANSFER_LEGEND = (
    f"One {BIG_BYTES // 1024**3} GiB PUT, then a GET of it, through presigned URLs from a "
    "streaming client (1 MiB writes/reads, no checksum work on the client); best of the rounds. "
    "peak RSS: the server's VmHWM over its whole life (start-up, PUT and GET).")


def _peer(results: list[Measurement], workload: str, peer: str) -> Measurement | None:
    return next((m for m in results if m.workload == workload and m.peer == peer and m.runs),
                None)


def _median_rps(results: list[Measurement], workload: str, peer: str) -> float:
    found = _peer(results, workload, peer)
    return found.requests_per_s if found else 0.0


def _per_cpu(results: list[Measurement], workload: str, peer: str) -> float:
    found = _peer(results, workload, peer)
    return found.requests_per_cpu_s if found else 0.0


def throughput_rows(results: list[Measurement]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for m in results:
        if not m.runs:
            rows.append((m.workload, m.peer, f"failed: {m.error}") + ("",) * 9)
            continue
        failed = m.failed_requests
        p50_ms, p99_ms = m.latency_ms
        rows.append((
            m.workload, m.peer,
            f"{m.requests_per_s:,.0f}" + (f" ({failed} failed!)" if failed else ""),
            m.spread, f"{m.cpu_s_per_1k:.3f}", f"{m.cores_busy:.2f}", f"{m.peak_rss_mb:.0f}",
            f"{p50_ms:.1f} / {p99_ms:.1f}",
            report._ratio(m.requests_per_s, _median_rps(results, m.workload, "moto_server")),
            report._ratio(m.requests_per_s, _median_rps(results, m.workload, "s3rver")),
            report._ratio(m.requests_per_cpu_s, _per_cpu(results, m.workload, "moto_server")),
            f"{m.other_cores_busy:.2f}",
        ))
    return rows


def transfer_rows(transfers: list[Transfer]) -> list[tuple[str, ...]]:
    moto = next((t for t in transfers if t.peer == "moto_server" and t.put_mb_s), None)
    rows: list[tuple[str, ...]] = []
    for t in transfers:
        if not t.put_mb_s or not t.get_mb_s:
            rows.append((t.peer, f"failed: {t.error}") + ("",) * 5)
            continue
        put, get = max(t.put_mb_s), max(t.get_mb_s)
        rows.append((
            t.peer, f"{put:,.0f}", f"{get:,.0f}", f"{t.peak_rss_mb:,.0f}",
            report._ratio(put, max(moto.put_mb_s) if moto else 0),
            report._ratio(get, max(moto.get_mb_s) if moto and moto.get_mb_s else 0),
            f"{t.other_cores_busy:.2f}",
        ))
    return rows


def markdown(results: list[Measurement], transfers: list[Transfer],
             options: LoadOptions) -> str:
    parts = []
    if results:
        load = (f"wrk, {options.threads} threads, {options.connections} connections, "
                f"{options.duration_s:g} s per measurement after {options.warmup_s:g} s warm-up, "
                f"{options.repeat} run(s) per server in interleaved rounds, each on a fresh "
                "server.")
        table = report.markdown_table(COLUMNS, throughput_rows(results))
        parts.append(f"{load}\n\n{table}\n\n{LEGEND}")
    if transfers:
        table = report.markdown_table(TRANSFER_COLUMNS, transfer_rows(transfers))
        parts.append(f"{table}\n\n{TRANSFER_LEGEND}")
    return report._with_header("\n\n".join(parts))
