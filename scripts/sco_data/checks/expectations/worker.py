"""Run the Great Expectations layer beside the other layers, in a process of its own.

Importing GX takes seconds, about as long as every other layer takes together. `make
validate` therefore starts this worker first: it imports GX on the second core while the
main process reads and checks the files. The main process hands each table over as an
Arrow IPC file (written once, memory-mapped by the worker, never parsed again) as soon as it
is read, and collects the findings at the end.

    python -m sco_data.checks.expectations.worker ROOT --parent PID [--data-docs]
    # requests on stdin, one per line, then {"end": true}

A killed run leaves nothing behind: the worker ends with its parent, and each run removes the
scratch folders (sco-gx-<pid>-<random>) of runs whose process is gone before making its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

# Only the standard library above, and light modules of our own: the worker must start
# before anything heavy is imported.
from sco_data.checks.expectations import DATA_DOCS, LAYER
from sco_data.files import owned_folder, remove_own_beside

SCRATCH_ENV = "SCO_SCRATCH_DIR"  # where scratch folders go, instead of /dev/shm
SCRATCH_PREFIX = "sco-gx-"  # then the owner's process id: sco-gx-<pid>-<random>
# The last request: an end of input without it means that the parent died.
END = {"end": True}
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
BATCHES_WAITING = 2  # batches handed over but not yet taken up by the worker, at most
# A named pipe on which the worker announces each batch it has taken, waiting for a reader
# before it goes on: tests that kill a run act at a known moment instead of polling for one.
TAKEN_PIPE_ENV = "SCO_WORKER_TAKEN_PIPE"


def scratch_parent() -> Path:
    """Shared memory where there is some: the tables never need to reach a disk."""
    if os.environ.get(SCRATCH_ENV):
        return Path(os.environ[SCRATCH_ENV])
    shm = Path("/dev/shm")
    return shm if shm.is_dir() else Path(tempfile.gettempdir())


def _scratch_dir() -> Path:
    """A folder named after this process; those of runs that were killed go first."""
    return owned_folder(scratch_parent(), SCRATCH_PREFIX)


class ParentWatch:
    """Ends the worker when its parent ends, however it ends, even by SIGKILL: nobody would
    read the answer, and a worker busy inside GX would otherwise hold on for seconds. On
    its way out it removes the parent's scratch, which a killed parent cannot, and its own
    (the Data Docs being built)."""

    def __init__(self, parent: int, scratch: Path, builds: list[Path]):
        self.parent, self.scratch = parent, scratch
        self.builds = builds  # folders this worker builds new versions of

    def start(self) -> None:
        signal.signal(signal.SIGTERM, self._signalled)
        if sys.platform.startswith("linux"):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            # The kernel sends SIGTERM the moment the parent ends.
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != self.parent:
            self.leave()  # the parent ended before the line above took effect
        # Elsewhere, or should the signal not come: an ended parent's children are
        # adopted by another process, which changes what getppid answers.
        threading.Thread(target=self._poll, daemon=True).start()

    def _signalled(self, signal_number, frame) -> None:
        self.leave()

    def _poll(self) -> None:
        while os.getppid() == self.parent:
            time.sleep(0.2)
        self.leave()

    def leave(self) -> None:
        # A parent killed outright ends its threads one by one, and its children count
        # as its own until the last one has: the signal can come before getppid changes.
        patience = time.monotonic() + 2
        while os.getppid() == self.parent and time.monotonic() < patience:
            time.sleep(0.02)
        if os.getppid() != self.parent:  # a living parent removes its scratch itself
            shutil.rmtree(self.scratch, ignore_errors=True)
        for target in self.builds:
            remove_own_beside(target)
        os._exit(1)


def _write_arrow(frame, path: Path) -> None:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=True)
    with (
        pa.OSFile(str(path), "wb") as sink,
        pa.ipc.new_file(sink, table.schema) as out,
    ):
        out.write_table(table)


def _read_arrow(path: str):
    import pyarrow as pa

    frame = pa.ipc.open_file(pa.memory_map(path)).read_all().to_pandas()
    Path(path).unlink()  # the frame holds its own copy: give the shared memory back now
    return frame


def _announce_taken(path: str) -> None:
    """Opening a named pipe for writing blocks until someone reads it: the worker is held
    here, its batch taken and its file gone, until the watcher has heard."""
    pipe = os.environ.get(TAKEN_PIPE_ENV)
    if pipe:
        with open(pipe, "w", encoding="utf-8") as announce:
            announce.write(path + "\n")


class InProcess:
    """The GX layer in this process: for tests, and callers that already paid the import."""

    def __init__(
        self,
        root: Path,
        data_docs: bool = False,
        examples: int | None = 5,
        engine=None,
    ):
        """`engine`: a `session.Engine` to share with other runs (see there)."""
        self.root, self.data_docs, self.examples = root, data_docs, examples
        self.engine, self.session, self.found = engine, None, []
        self.notes: list[
            str
        ] = []  # about the run, not the package: no exit code of theirs

    def _guarded(self, step, *args) -> None:
        from sco_data.checks.expectations.session import Session
        from sco_data.findings import check_failed, grouped

        try:
            self.session = self.session or Session(
                self.root, self.data_docs, self.examples, self.engine
            )
            self.found += step(self.session, *args) or []
        except Exception as error:  # noqa: BLE001 - the report must always be printed
            failed = check_failed(LAYER, f"{type(error).__name__}: {error}")
            self.found += grouped([failed])

    def send(self, table: str, file: str, frame) -> None:
        """One batch of the table's rows."""
        self._guarded(lambda session: session.add_batch(table, frame))

    def end(self, table: str, file: str) -> None:
        """The table has no more rows."""
        self._guarded(lambda session: session.end_table(table, file))

    def discard(self, table: str) -> None:
        """The table is being read again from its first row."""
        if self.session:
            self.session.discard(table)

    def stop(self) -> None:
        """Nothing runs beside this process: nothing to stop."""

    def findings(self) -> list:
        if self.session:
            self.session.finish()
            self.notes = self.session.notes
        return self.found


class Worker:
    """The GX layer in a child process; `send` returns at once, `findings` waits for it."""

    def __init__(self, root: Path, data_docs: bool = False, examples: int | None = 5):
        command = [
            sys.executable,
            "-m",
            "sco_data.checks.expectations.worker",
            str(root),
            "--parent",
            str(os.getpid()),
        ]
        if data_docs:
            command.append("--data-docs")
        command += ["--examples", "all" if examples is None else str(examples)]
        self.notes: list[str] = []
        self.sent = 0
        self.scratch = _scratch_dir()
        command += ["--scratch", str(self.scratch)]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except BaseException:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise

    def _request(self, request: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the worker has stopped; `findings` says why

    def send(self, table: str, file: str, frame) -> None:
        """One batch of the table's rows; the worker takes it up while the next is read.
        Batches waiting in shared memory are memory too: past a few, wait for the worker."""
        while len(list(self.scratch.glob("*.arrow"))) >= BATCHES_WAITING:
            if self.process.poll() is not None:
                break  # the worker has stopped; `findings` says why
            time.sleep(0.01)
        self.sent += 1
        path = self.scratch / f"{table}-{self.sent}.arrow"
        _write_arrow(frame, path)
        self._request({"table": table, "file": file, "path": str(path)})

    def end(self, table: str, file: str) -> None:
        self._request({"table": table, "file": file, "end_table": True})

    def discard(self, table: str) -> None:
        self._request({"table": table, "discard": True})

    def stop(self) -> None:
        """On an interrupted run: end the worker and remove its scratch files."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def findings(self) -> list:
        from sco_data.findings import check_failed, group_from_record, grouped

        self._request(END)
        try:
            output, errors = self.process.communicate()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self.process.returncode != 0:
            last = (errors.strip().splitlines() or ["no message"])[-1]
            return grouped([check_failed(LAYER, last)])
        answer = json.loads(output)
        self.notes = answer["notes"]
        return [_from_answer(found, group_from_record) for found in answer["findings"]]


def _answer(group, as_record) -> dict:
    """A group as JSON; one whose values are to be read back says which, and from what
    expectation its message is made."""
    from sco_data.checks.expectations.session import ExpectationReadBack

    if not isinstance(group.values, ExpectationReadBack):
        return as_record(group)
    record = as_record(replace(group, values=None))
    record["read_back"] = {
        "columns": group.values.columns,
        "expectation": group.values.expectation,
    }
    return record


def _from_answer(record: dict, group_from_record):
    read_back = record.pop("read_back", None)
    group = group_from_record(record)
    if read_back is None:
        return group
    from sco_data.checks.expectations.session import ExpectationReadBack

    values = ExpectationReadBack(read_back["columns"], read_back["expectation"])
    return replace(group, values=values)


def start(root: Path, data_docs: bool, separate_process: bool):
    return Worker(root, data_docs) if separate_process else InProcess(root, data_docs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--scratch", type=Path, required=True)
    parser.add_argument("--data-docs", action="store_true")
    parser.add_argument("--examples", default="5")
    args = parser.parse_args(argv)
    examples = None if args.examples == "all" else int(args.examples)
    builds = [args.root / DATA_DOCS] if args.data_docs else []
    watch = ParentWatch(args.parent, args.scratch, builds)
    watch.start()
    # The import this process exists to pay, while the main process reads the files:
    from sco_data.checks.expectations.session import Session
    from sco_data.findings import as_record
    from sco_data.memory import give_back_freed_memory, keep_for_the_run

    quality = InProcess(args.root, args.data_docs, examples)
    quality.session = Session(args.root, args.data_docs, examples)
    keep_for_the_run()
    for line in sys.stdin:
        request = json.loads(line)
        if request == END:
            break
        if request.get("end_table"):
            quality.end(request["table"], request["file"])
            give_back_freed_memory(collect=True)  # the table-level columns
        elif request.get("discard"):
            quality.discard(request["table"])
        else:
            frame = _read_arrow(request["path"])
            _announce_taken(request["path"])
            quality.send(request["table"], request["file"], frame)
            del frame
    else:
        watch.leave()  # the parent is gone: nobody to report to, no Data Docs to build
    found = quality.findings()
    answer = {
        "findings": [_answer(g, as_record) for g in found],
        "notes": quality.notes,
    }
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
