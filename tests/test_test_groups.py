"""The suite's sharing rests on pytest-xdist's `--dist loadgroup`: tests marked with one
`xdist_group` run in one process, where what one of them works out (a bad input's run, the
built site) is remembered for the others. pytest 9.2 silently broke it (pytest-xdist issue
1386): the tests of a group were spread over the workers and each worker did the shared work
again. This holds the pinned pytest and pytest-xdist to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GROUPED = """
import os
from pathlib import Path

import pytest


@pytest.mark.xdist_group("together")
@pytest.mark.parametrize("number", range(4))
def test_grouped(number):
    seen = Path(__file__).with_name(f"{Path(__file__).stem}-{number}.worker")
    seen.write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


def test_the_tests_of_one_group_run_in_one_process(tmp_path: Path):
    for name in ("test_one.py", "test_two.py"):
        (tmp_path / name).write_text(GROUPED, "utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup"]
        + ["-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    workers = {p.read_text() for p in tmp_path.glob("*.worker")}
    assert len(list(tmp_path.glob("*.worker"))) == 8
    assert len(workers) == 1, workers
