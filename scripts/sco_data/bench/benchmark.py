"""`make bench ROWS=N`: how long `make validate` takes, and how much memory, at N rows.

It builds (or reuses) a synthetic copy of the package under bench/ whose large tables (events,
event participants, infrastructure statistics) have N rows each, valid by construction. Then:
- each stage of `make validate`, run one after the other in this process, with its seconds,
  rows per second and the process's peak memory so far;
- the whole `make validate` as users run it (its own process, GX worker beside it), with the
  peak memory of the process and its worker together;
- the two yardsticks on the same files: full `frictionless validate` (the reference the
  package must also pass) and reading the files with pyarrow (the floor).
The table goes to standard output and to bench/results-<N>.md (and .json).

    python -m sco_data.bench --rows 1000000 [--no-reference] [--no-stages] [ROOT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sco_data.bench import synthetic
from sco_data.bench.processes import descendants, resident_kb
from sco_data.files import WriteFailed, write_changed

BENCH_DIR = "bench"


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mb: float
    note: str = ""


class _TreeMemory:
    """Peak resident memory of a process and all its descendants together, and of each
    alone (`own`: the process itself, `others`: its descendants), sampled every 20 ms."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.done = pid, 0, False
        self.own = self.others = 0
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done:
            own = resident_kb(self.pid)
            others = sum(map(resident_kb, descendants(self.pid)))
            self.peak = max(self.peak, own + others)
            self.own, self.others = max(self.own, own), max(self.others, others)
            time.sleep(0.02)

    def stop(self) -> float:
        self.done = True
        self.thread.join()
        return self.peak / 1024


def _timed_process(command: list[str], cwd: Path | None = None) -> Stage:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    memory = _TreeMemory(process.pid)
    report, errors = process.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    note = (
        f"exit {process.returncode}, report {len(report) / 1000:,.1f} kB; peak of the "
        f"main process {memory.own / 1024:,.0f} MB, of its workers {memory.others / 1024:,.0f} MB"
    )
    errors = errors.decode("utf-8", "replace").strip()
    if process.returncode not in (0, 1) and errors:
        note += ": " + errors.splitlines()[-1][:80]
    return Stage(Path(command[0]).name, seconds, peak, note)


def _resident_mb() -> float:
    return resident_kb(os.getpid()) / 1024


class _Stopwatch:
    """Seconds per stage, added up over the tables and batches, and the process's largest
    resident memory while the stage ran (sampled every 10 ms)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self.started = time.perf_counter()
        self.highest, self.done = _resident_mb(), False
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done:
            self.highest = max(self.highest, _resident_mb())
            time.sleep(0.01)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.started
        highest = max(self.highest, _resident_mb())
        self.peak[stage] = max(self.peak.get(stage, 0.0), highest)
        self.highest = _resident_mb()
        self.started = now

    def stages(self) -> list[Stage]:
        self.done = True
        return [Stage(n, s, self.peak[n]) for n, s in self.seconds.items()]


class _KeptForGX:
    """Stands in for the GX worker while the main process's stages are timed: keeps each
    table's input, so that GX's own stages can be timed after them."""

    def __init__(self):
        self.sent: list[tuple] = []

    def send(self, table: str, file: str, frame) -> None:
        self.sent.append(("batch", table, file, frame))

    def end(self, table: str, file: str) -> None:
        self.sent.append(("end", table, file, None))

    def discard(self, table: str) -> None:
        self.sent = [s for s in self.sent if s[1] != table]

    def findings(self) -> list:
        return []


def _in_process_stages(root: Path) -> list[Stage]:
    """The stages of `make validate`, timed on the code it runs (`run_checks` calls `lap`
    as each ends), then GX's stages, which `make validate` runs in its worker."""
    watch = _Stopwatch()
    from sco_data.checks import pipeline  # the imports are the first stage timed

    watch.lap("imports of the main process")
    gx_input = _KeptForGX()
    findings, _ = pipeline.run_checks(root, quality=gx_input, lap=watch.lap)
    from sco_data.checks.expectations.session import Session

    session = Session(root, data_docs=True)
    watch.lap("GX: import (worker process, beside the above)")
    for step, name, file, frame in gx_input.sent:
        if step == "batch":
            session.add_batch(name, frame)
        else:
            findings += session.end_table(name, file)
    watch.lap("GX: suites (worker process)")
    session.finish()
    watch.lap("GX: Data Docs (worker process)")
    stages = watch.stages()
    if findings:
        stages[
            -1
        ].note = f"{len(findings)} findings: the synthetic package should be valid"
    return stages


def _pyarrow_floor(root: Path, files: list[str]) -> Stage:
    import pyarrow.csv as pa_csv

    started = time.perf_counter()
    for file in files:
        pa_csv.read_csv(root / file)
    return Stage(
        "pyarrow read of the same files (floor)", time.perf_counter() - started, 0
    )


def _table(
    stages: list[Stage], rows: int, reference: Stage | None, floor: Stage
) -> str:
    lines = [
        "| stage | seconds | rows/s | peak MB | × frictionless | × pyarrow read |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for stage in stages:
        versus = f"{stage.seconds / reference.seconds:.3f}" if reference else "n/a"
        lines.append(
            f"| {stage.name} | {stage.seconds:.2f} | {rows / stage.seconds:,.0f} | "
            f"{stage.peak_mb:,.0f} | {versus} | {stage.seconds / floor.seconds:.1f} |"
            + (f" {stage.note}" if stage.note else "")
        )
    return "\n".join(lines)


def _broken_run(root: Path, rows: int, shape: synthetic.Shape, valid: Stage) -> Stage:
    """The whole run on a copy whose grown events rows carry the shape's mistakes."""
    target = root / BENCH_DIR / f"rows-{rows}{shape.suffix()}"
    print(f"Broken copy ({', '.join(shape.broken)}): {target}", flush=True)
    synthetic.build(root, target, rows, shape)
    broken = _timed_process([sys.executable, "-m", "sco_data.validate", str(target)])
    broken.name = (
        f"whole `make validate`, every grown event broken ({'+'.join(shape.broken)})"
    )
    broken.note += (
        f"; {broken.seconds / valid.seconds:.2f}× the valid run's time, "
        f"{broken.peak_mb / valid.peak_mb:.2f}× its peak memory"
    )
    return broken


def run(
    root: Path,
    rows: int,
    reference: bool,
    stages: bool = True,
    prose: bool = False,
    broken: tuple[str, ...] = (),
) -> str:
    shape = synthetic.Shape(prose=prose)
    target = root / BENCH_DIR / f"rows-{rows}{shape.suffix()}"
    print(f"Synthetic package with {rows:,} rows per large table: {target}", flush=True)
    counts = synthetic.build(root, target, rows, shape)
    total = sum(counts.values())
    from sco_data.package.descriptor import read as read_descriptor

    files = list(read_descriptor(target).resource_files().values())
    csv_bytes = sum((target / file).stat().st_size for file in files)
    whole = _timed_process([sys.executable, "-m", "sco_data.validate", str(target)])
    whole.name = "whole `make validate` (one process + GX worker)"
    whole.note += f"; {whole.peak_mb * 2**20 / csv_bytes:.2f} bytes of peak memory per byte of CSV"
    frictionless = None
    if reference:
        frictionless = _timed_process(
            [
                str(Path(sys.executable).parent / "frictionless"),
                "validate",
                "datapackage.json",
            ],
            cwd=target,
        )
        frictionless.name = "`frictionless validate` alone (reference)"
    # In one process every stage's data stay loaded: at ten million rows that alone can
    # exceed the memory the whole run needs, so the stages can be left out.
    stages = _in_process_stages(target) if stages else []
    failing = (
        [_broken_run(root, rows, synthetic.Shape(prose, broken), whole)]
        if broken
        else []
    )
    floor = _pyarrow_floor(
        target, files
    )  # last: its tables would inflate the stages' peak
    rows_note = (
        f"{total:,} rows in all tables ({rows:,} in each large table), "
        f"{csv_bytes / 1e6:,.0f} MB of CSV"
    )
    rows_note += ", distinct prose in every grown row" if prose else ""
    measured = (
        stages + [whole] + failing + ([frictionless] if frictionless else []) + [floor]
    )
    text = "\n".join(
        [
            f"# make bench ROWS={rows}",
            "",
            (
                f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
                f"Python {sys.version.split()[0]}; {rows_note}."
            ),
            (
                "Stages run one after the other in one process (GX's input kept for GX's "
                "stages, which `make validate` runs in its worker); their peak MB is that "
                "process's largest resident memory while the stage ran. The whole run, and "
                "frictionless, are separate processes: their peak MB counts all their "
                "processes together, and the note splits it per process."
            ),
            "",
            _table(measured, total, frictionless, floor),
            "",
        ]
    )
    results = (
        root / BENCH_DIR / f"results-{rows}{synthetic.Shape(prose, broken).suffix()}"
    )
    figures = {
        "rows": rows,
        "total_rows": total,
        "csv_bytes": csv_bytes,
        "stages": [asdict(s) for s in measured],
    }
    write_changed(
        {
            results.with_suffix(".md"): text,
            results.with_suffix(".json"): json.dumps(figures, indent=2) + "\n",
        }
    )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="skip `frictionless validate` (minutes at 10 million rows)",
    )
    parser.add_argument(
        "--no-stages",
        action="store_true",
        help="time only the whole run (the stages hold every table in one process)",
    )
    parser.add_argument(
        "--prose",
        action="store_true",
        help="make every grown row's summary and notes distinct, as real rows are",
    )
    parser.add_argument(
        "--broken",
        default="",
        help="also time a copy whose grown events rows all carry these mistakes "
        f"(comma-separated: {', '.join(synthetic.BROKEN)})",
    )
    args = parser.parse_args(argv)
    broken = tuple(kind for kind in args.broken.split(",") if kind)
    if unknown := set(broken) - synthetic.BROKEN.keys():
        parser.error(f"unknown --broken kinds {sorted(unknown)}")
    try:
        text = run(
            Path(args.root),
            args.rows,
            not args.no_reference,
            not args.no_stages,
            args.prose,
            broken,
        )
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
