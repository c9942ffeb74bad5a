"""The Great Expectations layer in the test process, remembering each table's findings.

A bad-input case breaks one or two of the package's tables; GX given the others exactly
what it was given before answers exactly what it answered before. So the
catalogue and layer tests share one memory per test process: a table runs through GX only
when what it is fed (every batch's values, dtypes and line numbers) or its suite is new.
Each test still runs every other layer from the start, and GX on what it changed, in one
GX context per process (`session.Engine`), which a run without Data Docs leaves as it was.
"""

from __future__ import annotations

import copy
import weakref
from pathlib import Path

import pandas as pd
from frame_digests import frame_digest
from sco_data.checks.expectations.suites import suite_file
from sco_data.checks.expectations.worker import InProcess


class ExpectationMemory:
    """GX's findings for each table as fed (by how many failing rows each lists), and the
    digest of each frame fed while it lives: a remembered table's pass (see
    remembered_tables) hands GX the same frames again."""

    def __init__(self):
        self.findings: dict[tuple, dict[int | None, list]] = {}
        self._digests: dict[int, tuple[weakref.ref, str]] = {}
        self._engine = None

    def engine(self):
        """One GX context for every run that asks GX afresh (see `session.Engine`)."""
        from sco_data.checks.expectations.session import Engine

        self._engine = self._engine or Engine()
        return self._engine

    def digest(self, frame: pd.DataFrame) -> str:
        held, digest = self._digests.get(id(frame), (None, None))
        if held is None or held() is not frame:
            digest = frame_digest(frame)
            self._digests[id(frame)] = (weakref.ref(frame), digest)
        return digest


class RememberedExpectations:
    """Stands where `make validate`'s GX worker does (send, end, discard, findings)."""

    def __init__(self, root: Path, memory: ExpectationMemory, examples: int | None = 5):
        """`examples`: how many failing rows each finding lists (None: every one)."""
        self.root, self.memory, self.examples = root, memory, examples
        self.inner = None  # GX in this process, started at the first table it must run
        self.fed: dict[str, list[pd.DataFrame]] = {}
        self.found: list = []
        self.returned: list = []  # what `findings` gave, for a test to tell GX's groups apart

    @property
    def notes(self) -> list[str]:
        return self.inner.notes if self.inner else []

    def send(self, table: str, file: str, frame: pd.DataFrame) -> None:
        self.fed.setdefault(table, []).append(frame)

    def discard(self, table: str) -> None:
        self.fed.pop(table, None)
        if self.inner:
            self.inner.discard(table)

    def end(self, table: str, file: str) -> None:
        frames = self.fed.pop(table, [])
        path = self.root / suite_file(table)
        suite = path.read_bytes() if path.is_file() else None
        fed = tuple(map(self.memory.digest, frames))
        # By how many failing rows each finding lists; a table with no finding has none
        # to list, whatever the number.
        answers = self.memory.findings.setdefault((table, file, suite, fed), {})
        if [] in answers.values():
            answers.setdefault(self.examples, [])
        if self.examples not in answers:
            self.inner = self.inner or InProcess(
                self.root, examples=self.examples, engine=self.memory.engine()
            )
            start = len(self.inner.found)
            for frame in frames:
                self.inner.send(table, file, frame)
            self.inner.end(table, file)
            answers[self.examples] = self.inner.found[start:]
        self.found += copy.deepcopy(answers[self.examples])

    def stop(self) -> None:
        if self.inner:
            self.inner.stop()

    def findings(self) -> list:
        if self.inner:
            self.inner.findings()
        self.returned = list(self.found)
        return list(self.returned)
