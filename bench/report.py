"""Show results: a Rich table on the terminal, and marked sections of bench/RESULTS.md."""

from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.startup import StartupResult
from bench.throughput import LoadOptions, Measurement

RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
REFERENCE_PEER = "moto_server"
PACKAGES = ("pocketcloud", "uvicorn", "uvloop", "httptools", "granian", "moto", "werkzeug",
            "botocore")
STARTUP_BUDGET_S = 1.0
THROUGHPUT_COLUMNS = ("workload", "server", "req/s", "req/s range", "CPU s / 1k req",
                      "cores busy", "peak RSS MB", "p50 / p99 ms", "req/s vs moto",
                      "req per CPU-s vs moto", "other load")
THROUGHPUT_LEGEND = (
    "Medians over the runs. CPU s / 1k req: the server's user+system CPU (its whole process "
    "tree, from /proc/<pid>/stat) per 1,000 answered requests. cores busy: server CPU seconds "
    "per wall second. peak RSS: VmHWM summed over the tree. The ratios divide by moto_server's "
    "numbers from the same run; req per CPU-s is the efficiency target (>= 3x moto). "
    "baseline rows are a raw ASGI app answering the same request: the ceiling for any ASGI code. "
    "other load: the most CPU (in cores) that neither the server nor wrk was charged for "
    "during a run: other processes on the machine, and kernel network work. It reads ~0.0 on "
    "a quiet machine; well above that, req/s is noisy (CPU per request holds up better).")
STARTUP_COLUMNS = ("server", "median s", "min s", "max s", "runs", "under 1 s")


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = re.search(r"^MemTotal:\s*(\d+)", meminfo, re.MULTILINE)
    versions = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model.group(1).strip() if model else "unknown",
        "cores": f"{os.cpu_count()} (nothing pinned: wrk and the server share them)",
        "ram": f"{int(mem_kb.group(1)) / 1024**2:.1f} GiB" if mem_kb else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": versions,
        "wrk": _wrk_version(),
    }


def throughput_rows(results: list[Measurement]) -> list[tuple[str, ...]]:
    reference = next((m for m in results if m.peer == REFERENCE_PEER and m.runs), None)
    rows: list[tuple[str, ...]] = []
    for m in results:
        if not m.runs:
            rows.append((m.workload, m.peer, f"failed: {_short(m.error)}") + ("",) * 8)
            continue
        failed = m.failed_requests
        rps = f"{m.requests_per_s:,.0f}" + (f" ({failed} failed!)" if failed else "")
        p50_ms, p99_ms = m.latency_ms
        rows.append((
            m.workload, m.peer, rps, m.spread, f"{m.cpu_s_per_1k:.3f}", f"{m.cores_busy:.2f}",
            f"{m.peak_rss_mb:.0f}", f"{p50_ms:.1f} / {p99_ms:.1f}",
            _ratio(m.requests_per_s, reference.requests_per_s if reference else 0),
            _ratio(m.requests_per_cpu_s, reference.requests_per_cpu_s if reference else 0),
            f"{m.other_cores_busy:.2f}",
        ))
    return rows


def startup_rows(results: list[StartupResult]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for r in results:
        if not r.seconds:
            rows.append((r.peer, f"failed: {_short(r.error)}", "", "", "0", ""))
            continue
        rows.append((r.peer, f"{r.median_s:.3f}", f"{min(r.seconds):.3f}",
                     f"{max(r.seconds):.3f}", str(len(r.seconds)),
                     "yes" if r.median_s < STARTUP_BUDGET_S else "NO"))
    return rows


def print_table(console: Console, title: str, columns: tuple[str, ...],
                rows: list[tuple[str, ...]]) -> None:
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def markdown_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def throughput_markdown(results: list[Measurement], options: LoadOptions) -> str:
    load = (f"wrk, {options.threads} threads, {options.connections} connections, "
            f"{options.duration_s:g} s per measurement after {options.warmup_s:g} s warm-up, "
            f"{options.repeat} run(s) per server in interleaved rounds, each on a fresh server; "
            "every server gets the same botocore-signed STS GetCallerIdentity POST.")
    table = markdown_table(THROUGHPUT_COLUMNS, throughput_rows(results))
    return with_header(f"{load}\n\n{table}\n\n{THROUGHPUT_LEGEND}")


def startup_markdown(results: list[StartupResult]) -> str:
    what = "Process spawn to the first 200 answer to a signed STS GetCallerIdentity."
    return with_header(f"{what}\n\n{markdown_table(STARTUP_COLUMNS, startup_rows(results))}")


def update_results_file(section: str, body: str, path: Path = RESULTS_PATH) -> None:
    """Replace one marked section of RESULTS.md (appending it if new); the rest is untouched."""
    begin, end = f"<!-- bench:{section}:begin -->", f"<!-- bench:{section}:end -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    path.write_text(text)


def with_header(body: str) -> str:
    facts = machine()
    header = "\n".join(f"- {name}: {value}" for name, value in facts.items())
    return f"{header}\n\n{body}"


def _short(text: str | None, length_max: int = 90) -> str:
    text = (text or "").replace("|", "/")  # keep markdown tables intact
    return text if len(text) <= length_max else text[: length_max - 3] + "..."


def _ratio(ours: float, reference: float) -> str:
    return f"{ours / reference:.2f}x" if reference else "n/a"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def _wrk_version() -> str:
    try:
        completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True,
                                   timeout=5, check=False)
    except OSError:
        return "absent"
    first = (completed.stdout or completed.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "unknown"
