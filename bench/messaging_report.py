"""Tables for the messaging benchmark: per-workload ratios to moto, SNS delivery, wake-up."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from bench import report
from bench.messaging import Extra
from bench.throughput import LoadOptions, Measurement

DELIVERY_COLUMNS = ("workload", "server", "publishes acknowledged", "all in the queue after",
                    "end-to-end deliveries/s", "vs moto")
WAKEUP_COLUMNS = ("server", "rounds", "median ms", "p90 ms", "max ms", "under 10 ms")
WAKEUP_TARGET_MS = 10.0


def throughput_rows(results: list[Measurement]) -> list[tuple[str, ...]]:
    """Each workload against moto's run of the same workload."""
    rows: list[tuple[str, ...]] = []
    for workload in dict.fromkeys(m.workload for m in results):
        group = [m for m in results if m.workload == workload]
        group.sort(key=lambda m: m.peer != report.REFERENCE_PEER)
        rows += report.throughput_rows(group)
    return rows


def delivery_rows(extras: dict[tuple[str, str], Extra], options: LoadOptions
                  ) -> list[tuple[str, ...]]:
    rates: dict[tuple[str, str], float] = {}
    rows = []
    for (workload, peer), extra in extras.items():
        if not workload.startswith("sns-publish"):
            continue
        if extra.delivered_in_s is None:
            rows.append((workload, peer, f"{extra.published:,}",
                         "not all within the drain timeout", "", ""))
            continue
        rate = extra.published / (options.warmup_s + options.duration_s + extra.delivered_in_s)
        rates[(workload, peer)] = rate
        rows.append((workload, peer, f"{extra.published:,}", f"{extra.delivered_in_s:.2f} s",
                     f"{rate:,.0f}", ""))
    done = []
    for row in rows:
        reference = rates.get((row[0], report.REFERENCE_PEER), 0.0)
        rate = rates.get((row[0], row[1]))
        done.append(row[:5] + (f"{rate / reference:.2f}x" if reference and rate else "",))
    return done


def wakeup_rows(wakeups: dict[str, dict[str, Any]]) -> list[tuple[str, ...]]:
    rows = []
    for peer, summary in wakeups.items():
        if not summary.get("rounds"):
            rows.append((peer, "0", "", "", "", "no answer"))
            continue
        rows.append((peer, str(summary["rounds"]), f"{summary['median_ms']:.2f}",
                     f"{summary['p90_ms']:.2f}", f"{summary['max_ms']:.2f}",
                     "yes" if summary["median_ms"] < WAKEUP_TARGET_MS else "NO"))
    return rows


def print_all(console: Console, results: list[Measurement],
              extras: dict[tuple[str, str], Extra], wakeups: dict[str, dict[str, Any]],
              options: LoadOptions) -> None:
    report.print_table(console, "SQS and SNS (ratios against moto_server, per workload)",
                       report.THROUGHPUT_COLUMNS, throughput_rows(results))
    report.print_table(console, "SNS Publish to an SQS subscription: delivery",
                       DELIVERY_COLUMNS, delivery_rows(extras, options))
    report.print_table(console, "SQS long-poll wake-up (send -> waiting receive answers)",
                       WAKEUP_COLUMNS, wakeup_rows(wakeups))


def markdown(results: list[Measurement], extras: dict[tuple[str, str], Extra],
             wakeups: dict[str, dict[str, Any]], options: LoadOptions) -> str:
    load = (f"wrk, {options.threads} threads, {options.connections} connections, "
            f"{options.duration_s:g} s per measurement after {options.warmup_s:g} s warm-up, "
            f"{options.repeat} run(s) per server and workload, each on a fresh server set up "
            "with boto3; wrk replays one botocore-signed request (SQS in the JSON protocol, "
            "SNS in query). sqs-send-batch sends 10 messages per request; receives use "
            "VisibilityTimeout 0 on a queue of 200 messages.")
    parts = [
        load, report.markdown_table(report.THROUGHPUT_COLUMNS, throughput_rows(results)),
        "SNS Publish to a topic with one raw SQS subscription: acknowledged publishes (warm-up "
        "and measured load), how long after the load every one of them was in the queue, and "
        "the end-to-end rate that gives.",
        report.markdown_table(DELIVERY_COLUMNS, delivery_rows(extras, options)),
        "Long-poll wake-up: a ReceiveMessage waits (WaitTimeSeconds 20) on an empty queue; "
        "another connection sends; time from starting the send to the receive's answer.",
        report.markdown_table(WAKEUP_COLUMNS, wakeup_rows(wakeups)),
        report.THROUGHPUT_LEGEND,
    ]
    return report._with_header("\n\n".join(parts))
