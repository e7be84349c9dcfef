"""`python -m bench.run`: pocketcloud against moto's server on the same machine, in one run.

Each server is started alone and measured one after the other under the same wrk load
(a botocore-signed STS GetCallerIdentity, replayed). Results are ratios against moto, printed
as a table and written into marked sections of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from bench import dynamodb, report, s3, s3_report, servers
from bench.startup import STS_ANSWER, measure_startup
from bench.throughput import LoadOptions, Measurement, measure_all
from bench.wrk import wrk_binary

WORKLOADS = ("baseline", "sts", "startup", "messaging", "dynamodb", "lambda",
             *s3.WORKLOADS)
BASELINE_ANSWER = b"<ok/>"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", choices=WORKLOADS, action="append",
                        help="run only this workload (repeatable): baseline = a raw ASGI app "
                             "under uvicorn and granian; sts = GetCallerIdentity on pocketcloud "
                             "(uvicorn, granian) and moto; startup = spawn to first answer; "
                             "s3-* = S3 against moto and s3rver (see bench/s3.py). "
                             "messaging = SQS and SNS against moto (bench/messaging.py); "
                             "dynamodb = PutItem, GetItem, Query on pocketcloud, dynalite "
                             "(in memory and on disk), moto; "
                             "lambda = warm/cold/concurrent Invoke through boto3 (moto tried). "
                             "Default: all. Moto is always measured when throughput is.")
    parser.add_argument("--duration-s", type=float, default=8.0,
                        help="seconds of load per measurement (default: %(default)s)")
    parser.add_argument("--warmup-s", type=float, default=2.0,
                        help="seconds of unmeasured load first (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=8,
                        help="wrk connections (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2,
                        help="wrk threads (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="measured runs per server, in rounds; medians reported "
                             "(default: %(default)s)")
    parser.add_argument("--quiet-wait-s", type=float, default=60.0,
                        help="before each run (and each start-up round), wait up to this long "
                             "for other processes' CPU load to settle; 0 to skip "
                             "(default: %(default)s)")
    parser.add_argument("--startup-runs", type=int, default=5,
                        help="spawns per server for the start-up median (default: %(default)s)")
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave bench/RESULTS.md alone")
    parser.add_argument("--lambda-calls", type=int, default=500,
                        help="sequential warm invocations measured (default: %(default)s)")
    parser.add_argument("--lambda-cold-starts", type=int, default=10,
                        help="cold starts measured (default: %(default)s)")
    parser.add_argument("--lambda-callers", type=int, default=100,
                        help="concurrent callers in the sustained run (default: %(default)s)")
    args = parser.parse_args(argv)
    if not (1 <= args.lambda_calls <= 100_000 and 1 <= args.lambda_cold_starts <= 100
            and 1 <= args.lambda_callers <= 200):
        parser.error("--lambda-calls within 1..100000, --lambda-cold-starts within 1..100, "
                     "--lambda-callers within 1..200")
    if not 1 <= args.duration_s <= 120 or not 1 <= args.warmup_s <= 60:
        parser.error("--duration-s must be within 1..120 and --warmup-s within 1..60")
    if not 1 <= args.startup_runs <= 50 or not 1 <= args.repeat <= 20:
        parser.error("--startup-runs must be within 1..50 and --repeat within 1..20")
    if not 1 <= args.threads <= args.connections <= 1000:
        parser.error("need 1 <= --threads <= --connections <= 1000")
    return args


def run_throughput(selected: set[str], options: LoadOptions, console: Console) -> list[Measurement]:
    plan: list[tuple[str, servers.Peer, bytes]] = [("sts", servers.moto(), STS_ANSWER)]
    if "sts" in selected:
        plan += [("sts", servers.pocketcloud("uvicorn"), STS_ANSWER),
                 ("sts", servers.pocketcloud("granian"), STS_ANSWER)]
    if "baseline" in selected:
        plan += [("baseline", servers.baseline_uvicorn(), BASELINE_ANSWER),
                 ("baseline", servers.baseline_granian(), BASELINE_ANSWER)]
    return measure_all(plan, options, lambda step: console.print(f"[dim]measuring {step}[/]"))


def run_lambda(args: argparse.Namespace, console: Console) -> bool:
    from bench import lambda_invoke

    console.print("[dim]measuring Lambda invoke (pocketcloud, then moto) ...[/]")
    ours = lambda_invoke.measure_pocketcloud(args.lambda_calls, args.lambda_cold_starts,
                                             args.lambda_callers, args.duration_s,
                                             args.quiet_wait_s)
    node = lambda_invoke.measure_pocketcloud_node(args.lambda_calls, args.lambda_cold_starts,
                                                  args.quiet_wait_s)
    results = [ours, node, lambda_invoke.try_moto()]
    table = lambda_invoke.rows(results)
    report.print_table(console, "Lambda Invoke through boto3", lambda_invoke.COLUMNS, table)
    if not args.no_write:
        legend = (f"hello-world python3.11 function (and the same as a nodejs function on the "
                  "local node: warm and cold only); warm: "
                  f"{args.lambda_calls} sequential "
                  f"invocations after 20 unmeasured; cold: {args.lambda_cold_starts} invocations "
                  "each after UpdateFunctionConfiguration (a new worker); sustained: "
                  f"{args.lambda_callers} threads invoking for {args.duration_s:.0f} s after "
                  "one warm-up call each that holds its worker 1 s.")
        body = f"{legend}\n\n{report.markdown_table(lambda_invoke.COLUMNS, table)}"
        report.update_results_file("lambda", report.with_header(body))
    return ours.error is not None


def run_dynamodb(args: argparse.Namespace, console: Console) -> bool:
    wrk_binary()
    options = LoadOptions(args.duration_s, args.warmup_s, args.connections, args.threads,
                          args.repeat, args.quiet_wait_s)
    results = dynamodb.measure(list(dynamodb.WORKLOADS), options,
                               lambda step: console.print(f"[dim]measuring {step}[/]"))
    report.print_table(console, "DynamoDB (ratios against moto_server and dynalite)",
                       dynamodb.COLUMNS, dynamodb.rows(results))
    if not args.no_write:
        report.update_results_file("dynamodb", dynamodb.markdown(results, options))
    return any(m.error or m.failed_requests for m in results)


def run_messaging(args: argparse.Namespace, console: Console) -> bool:
    """SQS and SNS workloads plus long-poll wake-up; True when something failed."""
    from bench import messaging, messaging_report

    wrk_binary()
    options = LoadOptions(args.duration_s, args.warmup_s, args.connections, args.threads,
                          args.repeat, args.quiet_wait_s)
    peers = [servers.moto(), servers.pocketcloud("uvicorn")]
    results, extras = messaging.measure_messaging(
        peers, list(messaging.WORKLOADS), options,
        lambda step: console.print(f"[dim]measuring {step}[/]"))
    wakeups = {}
    for peer in peers:
        console.print(f"[dim]measuring long-poll wake-up, {peer.name}[/]")
        wakeups[peer.name] = messaging.wakeup_summary(messaging.measure_wakeup(peer))
    messaging_report.print_all(console, results, extras, wakeups, options)
    if not args.no_write:
        report.update_results_file("messaging", messaging_report.markdown(
            results, extras, wakeups, options))
    return any(m.error or m.failed_requests for m in results)
def _section(name: str, workloads: tuple[str, ...], selected: set[str]) -> str:
    """A run of only some of a section's workloads writes a section of its own: it must not
    erase the rows of the workloads it did not run from the whole run's section."""
    ran = [workload for workload in workloads if workload in selected]
    return name if len(ran) == len(workloads) else f"{name} only {' '.join(ran)}"


def run_s3(selected: set[str], args: argparse.Namespace, console: Console) -> bool:
    """The S3 workloads; True when something failed."""
    wrk_binary()
    options = LoadOptions(args.duration_s, args.warmup_s, args.connections, args.threads,
                          args.repeat, args.quiet_wait_s)
    results, transfers = s3.run(selected, options, lambda step: console.print(f"[dim]{step}[/]"))
    if results:
        report.print_table(console, "S3 throughput (ratios against moto_server and s3rver)",
                           s3_report.COLUMNS, s3_report.throughput_rows(results))
    if transfers:
        report.print_table(console, "S3 1 GiB transfer", s3_report.TRANSFER_COLUMNS,
                           s3_report.transfer_rows(transfers))
    if not args.no_write:
        section = _section("s3", s3.WORKLOADS, selected)
        report.update_results_file(section, s3_report.markdown(results, transfers, options))
    return any(m.error or m.failed_requests for m in results) or any(t.error for t in transfers)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    selected = set(args.only or WORKLOADS)
    console = Console()
    if not console.is_terminal:  # piped or logged: do not squeeze the table into 80 columns
        console = Console(width=200)
    failed = False
    if selected & {"baseline", "sts"}:
        wrk_binary()  # fail early, with the install hint, before starting anything
        options = LoadOptions(args.duration_s, args.warmup_s, args.connections, args.threads,
                              args.repeat, args.quiet_wait_s)
        results = run_throughput(selected, options, console)
        failed |= any(m.error or m.failed_requests for m in results)
        report.print_table(console, "Throughput (ratios against moto_server)",
                           report.THROUGHPUT_COLUMNS, report.throughput_rows(results))
        if not args.no_write:
            section = _section("throughput", ("sts", "baseline"), selected)
            report.update_results_file(section, report.throughput_markdown(results, options))
    if selected & set(s3.WORKLOADS):
        failed |= run_s3(selected, args, console)
    if "startup" in selected:
        peers = [servers.pocketcloud("uvicorn"), servers.pocketcloud("granian"), servers.moto()]
        console.print(f"[dim]measuring start-up, {args.startup_runs} runs each ...[/]")
        startup = measure_startup(peers, args.startup_runs, args.quiet_wait_s)
        failed |= any(r.error for r in startup)
        report.print_table(console, "Start-up: spawn to first answered GetCallerIdentity",
                           report.STARTUP_COLUMNS, report.startup_rows(startup))
        if not args.no_write:
            report.update_results_file("startup", report.startup_markdown(startup))
    if "lambda" in selected:
        failed |= run_lambda(args, console)
    if "messaging" in selected:
        failed |= run_messaging(args, console)
    if "dynamodb" in selected:
        failed |= run_dynamodb(args, console)
    if not args.no_write:
        console.print(f"Results written to {report.RESULTS_PATH}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
