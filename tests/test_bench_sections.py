"""bench/RESULTS.md keeps every workload's figures: a run of some workloads of a section
writes a section of its own instead of erasing the rows of those it did not run."""

from __future__ import annotations

from pathlib import Path

from bench import report, s3
from bench.run import _section


def test_a_partial_s3_run_leaves_the_whole_runs_section_alone(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    report.update_results_file(_section("s3", s3.WORKLOADS, set(s3.WORKLOADS)), "all four",
                               results)  # fmt: skip
    report.update_results_file(_section("s3", s3.WORKLOADS, {"s3-list"}), "listing", results)
    text = results.read_text()
    assert "<!-- bench:s3:begin -->\nall four\n<!-- bench:s3:end -->" in text
    assert "<!-- bench:s3 only s3-list:begin -->\nlisting\n" in text


def test_a_full_run_names_the_section_plainly() -> None:
    assert _section("throughput", ("sts", "baseline"), {"sts", "baseline", "s3-list"}) == \
        "throughput"
    assert _section("throughput", ("sts", "baseline"), {"sts"}) == "throughput only sts"
