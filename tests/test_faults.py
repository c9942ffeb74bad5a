"""Faults a contributor's laptop or a CI runner will meet: a run killed outright, a write that
fails half-way, a full disk, a read-only folder, two runs at once. None may leave scratch
behind, a worker running, or a generated file in part."""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import errno
import io
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from bad_inputs import CATALOGUE
from conftest import ROOT, edit_json, set_cell
from sco_data.bench import synthetic
from sco_data.bench.processes import children, running
from sco_data.checks.expectations import DATA_DOCS, suites
from sco_data.checks.expectations.worker import TAKEN_PIPE_ENV
from sco_data.publish import build, data_dictionary, release

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads processes from /proc"
)
VALIDATE = [sys.executable, "-m", "sco_data.validate"]
ROWS = 30_000  # enough to keep the worker busy for seconds after the main process is killed
SCRATCH_ENV = (
    "SCO_SCRATCH_DIR"  # documented in CONTRIBUTING.md: keeps tests' scratch apart
)
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _wait_for(condition, seconds: float):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if found := condition():
            return found
        time.sleep(0.02)
    return condition()


def _scratch_env(folder: Path) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    return {**os.environ, SCRATCH_ENV: str(folder)}


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("big")
    synthetic.build(ROOT, target, ROWS)
    return target


# --- a run killed outright ---------------------------------------------------------------


def _next_taken(pipe: Path, deadline: float) -> str | None:
    """The next batch the worker announces it has taken (see worker.TAKEN_PIPE_ENV), or None
    by the deadline. While no reader has the pipe open, the worker waits at its next batch."""
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        poller = select.poll()
        poller.register(reader, select.POLLIN)
        heard = b""
        while (left := deadline - time.monotonic()) > 0:
            if not poller.poll(left * 1000):
                continue
            chunk = os.read(reader, 4096)
            if not chunk:  # the worker wrote its line and closed the pipe
                return heard.decode("utf-8").strip()
            heard += chunk
        return None
    finally:
        os.close(reader)


def _killed_after_feeding(big: Path, scratch: Path, kill) -> list[int]:
    """Start a run in a process group of its own, and `kill(run)` once the worker has taken
    a batch of a large table; return the worker's process id."""
    pipe = scratch.parent / "taken"
    os.mkfifo(pipe)
    run = subprocess.Popen(
        [*VALIDATE, str(big)],
        env={**_scratch_env(scratch), TAKEN_PIPE_ENV: str(pipe)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        taken = _next_taken(pipe, deadline)
        while taken is not None and not Path(taken).name.startswith("events-"):
            taken = _next_taken(pipe, deadline)
        assert taken, "the run never handed a large table to the worker"
        assert Path(taken).parent.name.startswith(f"sco-gx-{run.pid}-")
        assert not Path(taken).exists(), "the worker took the batch but left its file"
        workers = children(run.pid)
        assert workers, "no worker process"
    finally:
        kill(run)
        run.wait()
    return workers


@linux_only
def test_a_run_killed_outright_leaves_no_worker_and_no_scratch(big, tmp_path):
    # As the out-of-memory killer does: SIGKILL, to the main process only.
    scratch = tmp_path / "scratch"
    workers = _killed_after_feeding(big, scratch, lambda run: run.kill())
    assert _wait_for(lambda: not any(map(running, workers)), 3), "worker outlived run"
    assert _wait_for(lambda: not list(scratch.iterdir()), 3), "scratch left behind"
    half_built = [p for p in (big / "reports").iterdir() if p.name != "data-docs"]
    assert half_built == []


@linux_only
def test_after_a_run_killed_with_its_worker_the_next_run_leaves_no_scratch(
    big, events_package, tmp_path
):
    # As a CI timeout does: SIGKILL to the whole process group, so nobody cleans up.
    scratch = tmp_path / "scratch"
    workers = _killed_after_feeding(
        big, scratch, lambda run: os.killpg(run.pid, signal.SIGKILL)
    )
    assert _wait_for(lambda: not any(map(running, workers)), 5)
    assert list(scratch.iterdir()), "nobody was left to clean up: the next run must"
    again = subprocess.run(
        [*VALIDATE, str(events_package), "--no-data-docs"],
        env=_scratch_env(scratch),
        capture_output=True,
        check=False,
        text=True,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert list(scratch.iterdir()) == []


@linux_only
def test_a_terminated_run_stops_its_worker_and_removes_its_scratch(big, tmp_path):
    # As a closed terminal (SIGHUP, handled alike) or `kill` does.
    scratch = tmp_path / "scratch"
    workers = _killed_after_feeding(
        big, scratch, lambda run: run.send_signal(signal.SIGTERM)
    )
    assert not any(map(running, workers))
    assert list(scratch.iterdir()) == []


def test_only_the_scratch_of_processes_that_are_gone_is_removed(tmp_path):
    from sco_data.files import owned_folder

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    dead = tmp_path / f"sco-gx-{ended.pid}-abc"
    living = tmp_path / f"sco-gx-{os.getppid()}-abc"
    unowned = tmp_path / "sco-gx-abcdefgh"  # not ours to judge: no owner in its name
    for folder in (dead, living, unowned):
        (folder / "t").mkdir(parents=True)
    mine = owned_folder(tmp_path, "sco-gx-")
    assert mine.name.startswith(f"sco-gx-{os.getpid()}-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [living.name, unowned.name, mine.name]
    )


# --- writes that fail half-way -----------------------------------------------------------


class _FailingFile:
    """A file that takes `budget` characters, then fails with `code`, as a full disk does."""

    def __init__(self, file, budget: int, code: int):
        self.file, self.budget, self.code = file, budget, code

    def write(self, data):
        if len(data) > self.budget:
            self.file.write(data[: self.budget])
            self.file.flush()
            self.budget = 0
            raise OSError(self.code, os.strerror(self.code))
        self.budget -= len(data)
        return self.file.write(data)

    def __getattr__(self, name):
        return getattr(self.file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()


def _opened_path(file) -> str:
    if isinstance(file, int):  # a descriptor from mkstemp: what it names
        return os.readlink(f"/proc/self/fd/{file}")
    return os.path.abspath(os.fspath(file))


@contextlib.contextmanager
def _failing_writes(root: Path, code: int):
    """Within the block, every file this process writes under `root` fails with `code`
    after its first 1,000 characters."""
    real_open = io.open

    def opening(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        writing = any(flag in mode for flag in "wax+")
        if writing and _opened_path(file).startswith(str(root.resolve())):
            return _FailingFile(opened, 1000, code)
        return opened

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(io, "open", opening)
        patch.setattr(builtins, "open", opening)
        yield


def _snapshot(root: Path, files: list[str]) -> dict[str, bytes | None]:
    found = {}
    for file in files:
        path = root / file
        if path.is_dir():
            for inner in sorted(path.rglob("*")):
                if inner.is_file():
                    found[inner.relative_to(root).as_posix()] = inner.read_bytes()
        else:
            found[file] = path.read_bytes() if path.is_file() else None
    return found


def _widen_event_types(root: Path) -> None:
    """A change every generated file follows: a category added, and used in a row."""
    edit_json(
        root / "schemas" / "events.schema.json",
        lambda schema: next(f for f in schema["fields"] if f["name"] == "event_type")[
            "constraints"
        ]["enum"].append("party"),
    )
    set_cell(root, "events", 2, "event_type", "party")


def _leftovers(root: Path) -> list[str]:
    return [
        p.relative_to(root).as_posix()
        for p in root.rglob(".*")
        if re.match(r"\.(.+\.\d+-.*\.tmp|dist-\d+-.*)$", p.name)
    ]


GENERATED = {
    "make build": (
        lambda root: build.main([str(root)]),
        ["datapackage.json", data_dictionary.FILE],
    ),
    "make suites": (
        lambda root: suites.main([str(root)]),
        [suites.SUITES_DIR],
    ),
    "make release": (lambda root: release.main([str(root)]), ["dist"]),
}


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC], ids=["EIO", "ENOSPC"])
@pytest.mark.parametrize("target", GENERATED)
def test_a_write_that_fails_half_way_leaves_the_old_files_whole(
    package, capsys, target, code
):
    command, files = GENERATED[target]
    shutil.copytree(ROOT / "docs", package / "docs")
    for file in release.EXTRA_FILES:
        if not (package / file).exists():
            shutil.copy(ROOT / file, package / file)
    assert command(package) == 0  # the old version, complete
    old = _snapshot(package, files)
    _widen_event_types(package)
    if target == "make release":
        assert build.main([str(package)]) == 0  # a release needs current hashes
    capsys.readouterr()

    with _failing_writes(package, code):
        assert command(package) == 1
    error = capsys.readouterr().err.strip()
    after_failure = _snapshot(package, files)
    assert command(package) == 0
    new = _snapshot(package, files)

    assert new != old, "the change should have changed the generated files"
    assert len(error.splitlines()) == 1 and os.strerror(code) in error, error
    assert any(str(package / file) in error for file in files), error
    if target == "make release":
        assert after_failure in (old, new)
    else:
        for file, content in after_failure.items():
            assert content in (old.get(file), new.get(file)), file
    assert _leftovers(package) == []


# --- folders that cannot be written ------------------------------------------------------


def _unprivileged() -> None:
    """For a root user, who writes through any permission: drop that power in the child."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop root's permission override")


def _read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    probe = subprocess.run(
        ["touch", str(folder / "probe")],
        preexec_fn=_unprivileged,
        capture_output=True,
        check=False,
    )
    if probe.returncode == 0:
        pytest.skip("this user writes through folder permissions")


def _writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@linux_only
def test_permission_denied_ends_with_one_message_and_the_old_file(package):
    _widen_event_types(package)
    old = (package / "datapackage.json").read_bytes()
    (package / "docs").mkdir()
    _read_only(package)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "sco_data.publish.build", str(package)],
            preexec_fn=_unprivileged,
            capture_output=True,
            check=False,
            text=True,
        )
    finally:
        _writable(package)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Could not write {package / 'datapackage.json'}: Permission denied. "
        "It was left as it was before this run."
    )
    assert (package / "datapackage.json").read_bytes() == old


@linux_only
def test_read_only_reports_still_give_the_report_and_say_the_html_was_not_written(
    events_package, tmp_path
):
    package = events_package
    docs = package / DATA_DOCS
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("the last report", "utf-8")
    _read_only(package / "reports")
    try:
        result = subprocess.run(
            [*VALIDATE, str(package)],
            env=_scratch_env(tmp_path / "scratch"),
            preexec_fn=_unprivileged,
            capture_output=True,
            check=False,
            text=True,
        )
    finally:
        _writable(package / "reports")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("VALID")
    assert f"The HTML report could not be written to {DATA_DOCS}/" in result.stderr
    assert (docs / "index.html").read_text("utf-8") == "the last report"


# --- two runs at once --------------------------------------------------------------------


def _report_pages(docs: Path) -> tuple[set[str], set[str]]:
    """(validation pages the index links to, validation pages on disk)."""
    index = (docs / "index.html").read_text("utf-8")
    linked = {unquote(p) for p in re.findall(r"validations/[^\"'<>]+?\.html", index)}
    on_disk = {
        p.relative_to(docs).as_posix() for p in docs.glob("validations/**/*.html")
    }
    return linked, on_disk


def test_two_validations_at_once_both_report_right_and_leave_one_whole_report(
    events_package, tmp_path
):
    package = events_package
    bad = next(c for c in CATALOGUE if c.name == "value outside its categories")
    bad.apply(package)
    env = _scratch_env(tmp_path / "scratch")
    runs = [
        subprocess.Popen(
            [*VALIDATE, str(package), "--format", "json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [1, 1], outputs
    reports = [json.loads(out) for out, _ in outputs]
    assert reports[0] == reports[1]
    expected = bad.expect(package)
    assert any(
        (f["layer"], f["rule"], f["file"], f["column"])
        == (expected.layer, expected.rule, expected.file, expected.column)
        for f in reports[0]["findings"]
    )
    linked, on_disk = _report_pages(package / DATA_DOCS)
    assert linked and linked == on_disk  # one run's pages, all of them, nothing else
    assert [p.name for p in (package / "reports").iterdir()] == ["data-docs"]
    assert list((tmp_path / "scratch").iterdir()) == []


def test_data_docs_are_always_one_run_s_complete_report(package):
    from sco_data.checks.expectations import feed
    from sco_data.checks.expectations.session import Session
    from sco_data.package.descriptor import read
    from sco_data.package.typed import iter_tables, typed_frame

    table = next(t for t in iter_tables(package, read(package)) if t.name == "states")
    expectations = suites.read_suite(package, "states")["expectations"]
    fed = feed.frame(table, typed_frame(table), expectations)
    docs = package / DATA_DOCS

    def whole() -> set[str]:
        linked, on_disk = _report_pages(docs)
        assert linked and linked == on_disk
        return on_disk

    # Two runs at once: both start before either writes its report.
    first, second = Session(package, True), Session(package, True)
    for session in (first, second):
        session.run(table.name, table.file, fed)
    first.finish()
    firsts = whole()
    second.finish()
    seconds = whole()
    assert not firsts & seconds, "pages of two runs in one report"
    # While a third run works, the last report stays whole; then the third replaces it.
    third = Session(package, True)
    third.run(table.name, table.file, fed)
    assert whole() == seconds
    third.finish()
    assert not whole() & seconds
    assert [p.name for p in (package / "reports").iterdir()] == ["data-docs"]
