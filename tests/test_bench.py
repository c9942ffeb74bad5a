"""`make bench` runs end to end and reports every stage, on a small synthetic package."""

from __future__ import annotations

import json

from conftest import rows_beyond_real_tables
from sco_data.bench import benchmark as bench


def test_bench_times_every_stage_and_both_yardsticks(package):
    rows = rows_beyond_real_tables(extra=1)
    table = bench.run(package, rows=rows, reference=True)
    for stage in (
        "CSV files: scan, hash, parse",
        "pandera: contract, cell by cell",
        "pandera: contract, keys across rows and tables",
        "pandera: semantic rules",
        "GX: suites (worker process)",
        "whole `make validate`",
        "`frictionless validate` alone (reference)",
        "pyarrow read of the same files (floor)",
    ):
        assert stage in table, stage
    results = json.loads(
        (package / "bench" / f"results-{rows}.json").read_text("utf-8")
    )
    whole = next(s for s in results["stages"] if s["name"].startswith("whole"))
    reference = next(s for s in results["stages"] if "reference" in s["name"])
    # The synthetic package is valid by construction: both validators must say so.
    assert whole["note"].startswith("exit 0,") and reference["note"].startswith(
        "exit 0,"
    )
    assert all(s["seconds"] > 0 for s in results["stages"])
    assert (
        (package / "bench" / f"results-{rows}.md")
        .read_text("utf-8")
        .startswith(f"# make bench ROWS={rows}")
    )


def test_bench_times_a_broken_copy_beside_the_valid_one(package):
    rows = rows_beyond_real_tables(extra=1)
    table = bench.run(
        package, rows=rows, reference=False, stages=False, prose=True, broken=("date",)
    )
    assert "every grown event broken (date)" in table
    results = json.loads(
        (package / "bench" / f"results-{rows}-prose-date.json").read_text("utf-8")
    )
    broken = next(s for s in results["stages"] if "broken" in s["name"])
    assert (
        broken["note"].startswith("exit 1,")
        and "× the valid run's time" in broken["note"]
    )
