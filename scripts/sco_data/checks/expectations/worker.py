"""Run the Great Expectations layer beside the other layers, in a process of its own.

Importing GX takes seconds, about as long as every other layer takes together. `make
validate` therefore starts this worker first: it imports GX on the second core while the
main process reads and checks the files. The main process hands each table over as an
Arrow IPC file (written once, memory-mapped by the worker, never parsed again) as soon as it
is read, and collects the findings at the end.

    python -m sco_data.checks.expectations.worker ROOT [--data-docs]   # requests on stdin, one per line
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Only the standard library above, and the layer's constants: the worker must start before
# anything heavy is imported.
from sco_data.checks.expectations import LAYER


def _scratch_dir() -> Path:
    """Shared memory where there is some: the tables never need to reach a disk."""
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="sco-gx-", dir=shm if shm.is_dir() else None))


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


class InProcess:
    """The GX layer in this process: for tests, and callers that already paid the import."""

    def __init__(self, root: Path, data_docs: bool = False, examples: int | None = 5):
        self.root, self.data_docs, self.examples = root, data_docs, examples
        self.session, self.found = None, []

    def send(self, table: str, file: str, frame) -> None:
        from sco_data.checks.expectations.session import Session
        from sco_data.findings import check_failed, grouped

        try:
            self.session = self.session or Session(
                self.root, self.data_docs, self.examples
            )
            self.found += self.session.run(table, file, frame)
        except Exception as error:  # noqa: BLE001 - the report must always be printed
            failed = check_failed(LAYER, f"{type(error).__name__}: {error}")
            self.found += grouped([failed])

    def findings(self) -> list:
        if self.session:
            self.session.finish()
        return self.found


class Worker:
    """The GX layer in a child process; `send` returns at once, `findings` waits for it."""

    def __init__(self, root: Path, data_docs: bool = False, examples: int | None = 5):
        command = [
            sys.executable,
            "-m",
            "sco_data.checks.expectations.worker",
            str(root),
        ]
        if data_docs:
            command.append("--data-docs")
        command += ["--examples", "all" if examples is None else str(examples)]
        self.scratch = _scratch_dir()
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def send(self, table: str, file: str, frame) -> None:
        path = self.scratch / f"{table}.arrow"
        _write_arrow(frame, path)
        request = {"table": table, "file": file, "path": str(path)}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the worker has stopped; `findings` says why

    def stop(self) -> None:
        """On an interrupted run: end the worker and remove its scratch files."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def findings(self) -> list:
        from sco_data.findings import check_failed, group_from_record, grouped

        try:
            output, errors = self.process.communicate()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self.process.returncode != 0:
            last = (errors.strip().splitlines() or ["no message"])[-1]
            return grouped([check_failed(LAYER, last)])
        return [group_from_record(found) for found in json.loads(output)]


def start(root: Path, data_docs: bool, separate_process: bool):
    return Worker(root, data_docs) if separate_process else InProcess(root, data_docs)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root, data_docs = Path(argv[0]), "--data-docs" in argv
    shown = argv[argv.index("--examples") + 1] if "--examples" in argv else "5"
    examples = None if shown == "all" else int(shown)
    # The import this process exists to pay, while the main process reads the files:
    from sco_data.checks.expectations.session import Session
    from sco_data.findings import as_record

    quality = InProcess(root, data_docs, examples)
    quality.session = Session(root, data_docs, examples)
    for line in sys.stdin:
        request = json.loads(line)
        quality.send(request["table"], request["file"], _read_arrow(request["path"]))
    found = quality.findings()
    json.dump([as_record(group) for group in found], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
