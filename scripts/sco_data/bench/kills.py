"""`make kill-test`: kill `sco-validate` at random moments, then look for what it left.

    python -m sco_data.bench.kills --runs 20 --rows 100000 [ROOT]

Each run validates the synthetic bench package (`make bench` builds the same one) with its
scratch where a contributor's goes (/dev/shm), and is killed with SIGKILL, the main process
only, as the out-of-memory killer or `kill -9` would, at a moment drawn at random between its
start and the length of one whole run. Afterwards nothing of those runs may remain: no worker
process, no scratch folder `sco-gx-<pid>-*` in /dev/shm, no Data Docs half built.
Linux only (it reads /proc). Takes about 20 runs' worth of minutes; not part of `make test`.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sco_data.bench import synthetic
from sco_data.bench.benchmark import BENCH_DIR
from sco_data.bench.processes import children, running
from sco_data.checks.expectations.worker import SCRATCH_PREFIX, scratch_parent

VALIDATE = [sys.executable, "-m", "sco_data.validate"]


def _scratch_of(pids: set[int]) -> list[Path]:
    return [
        path
        for path in scratch_parent().glob(f"{SCRATCH_PREFIX}*")
        if any(path.name.startswith(f"{SCRATCH_PREFIX}{pid}-") for pid in pids)
    ]


def _kill_one(package: Path, moment: float) -> tuple[int, list[int], int]:
    """(run's pid, its workers, Arrow files waiting in its scratch when it was killed)."""
    run = subprocess.Popen(
        [*VALIDATE, str(package)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(moment)
    workers = children(run.pid)
    waiting = sum(
        len(list(folder.glob("*.arrow"))) for folder in _scratch_of({run.pid})
    )
    run.send_signal(signal.SIGKILL)
    run.wait()
    return run.pid, workers, waiting


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    root = Path(args.root)
    package = root / BENCH_DIR / f"rows-{args.rows}"
    synthetic.build(root, package, args.rows)
    chance = random.Random(args.seed)

    started = time.perf_counter()
    whole = subprocess.run(
        [*VALIDATE, str(package)], capture_output=True, text=True, check=False
    )
    length = time.perf_counter() - started
    print(f"one whole run: {length:.1f} s, exit {whole.returncode}")

    runs, workers = set(), []
    for number in range(1, args.runs + 1):
        moment = chance.uniform(0, length)
        pid, its_workers, waiting = _kill_one(package, moment)
        runs.add(pid)
        workers += its_workers
        print(
            f"run {number:>2}: killed at {moment:5.1f} s, "
            f"{len(its_workers)} worker(s), {waiting} table(s) waiting in scratch"
        )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (
        _scratch_of(runs) or any(map(running, workers))
    ):
        time.sleep(0.1)
    left = [str(p) for p in _scratch_of(runs)]
    left += [str(p) for p in (package / "reports").glob(".data-docs-*")]
    alive = [pid for pid in workers if running(pid)]
    print(f"left behind: {left or 'nothing'}; workers still running: {alive or 'none'}")
    return 1 if left or alive else 0


if __name__ == "__main__":
    sys.exit(main())
