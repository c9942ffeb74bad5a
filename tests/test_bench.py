"""`make bench` runs end to end and reports every stage, on a small synthetic package."""

from __future__ import annotations

import json
import os
import signal
import subprocess

from conftest import copy_tables, rows_beyond_real_tables
from sco_data.bench import benchmark as bench
from sco_data.bench import processes, synthetic


def test_bench_times_every_stage_both_yardsticks_and_a_broken_copy(tmp_path):
    # One run with every option: each costs a whole `make validate` of its own, so the
    # package is cut to the tables the benchmark grows and those they point into.
    package = copy_tables(tmp_path, *synthetic.SCALED)
    rows = rows_beyond_real_tables(extra=1)
    table = bench.run(
        package, rows=rows, reference=True, stages=True, prose=True, broken=("date",)
    )
    for stage in (
        "CSV files: scan, hash, parse",
        "pandera: contract, cell by cell",
        "pandera: contract, keys across rows and tables",
        "pandera: semantic rules",
        "GX: suites (worker process)",
        "whole `make validate`",
        "`frictionless validate` alone (reference)",
        "pyarrow read of the same files (floor)",
        "every grown event broken (date)",
    ):
        assert stage in table, stage
    results = json.loads(
        (package / "bench" / f"results-{rows}-prose-date.json").read_text("utf-8")
    )
    whole = next(s for s in results["stages"] if s["name"].startswith("whole"))
    reference = next(s for s in results["stages"] if "reference" in s["name"])
    # The synthetic package is valid by construction: both validators must say so.
    assert whole["note"].startswith("exit 0,") and reference["note"].startswith(
        "exit 0,"
    )
    broken = next(s for s in results["stages"] if "broken" in s["name"])
    assert (
        broken["note"].startswith("exit 1,")
        and "× the valid run's time" in broken["note"]
    )
    assert all(s["seconds"] > 0 for s in results["stages"])
    assert (
        (package / "bench" / f"results-{rows}-prose-date.md")
        .read_text("utf-8")
        .startswith(f"# make bench ROWS={rows}")
    )


def test_descendants_are_the_whole_tree_of_processes_under_one(monkeypatch):
    """The memory sampler's walk (each process's own list of children) and the scan of
    every process it falls back to find the same tree: a shell's sleep, its subshell, and
    the subshell's sleep."""
    tree = subprocess.Popen(
        ["sh", "-c", "sleep 30 & (sleep 30 & echo started; wait) & wait"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert tree.stdout.readline() == "started\n"  # every process has been forked
        walked = processes.descendants(tree.pid)
        monkeypatch.setattr(processes, "_listed_children", lambda pid: None)
        scanned = processes.descendants(tree.pid)
        assert len(walked) == 3 and sorted(walked) == sorted(scanned)
    finally:
        os.killpg(tree.pid, signal.SIGKILL)
        tree.wait()
