"""The work done on one batch alone, in the test process, remembering each batch's answer.

Two steps of a run read one batch and nothing else: the contract's cell checks
(`contract.check_cells`) and the typed loading of what the batch leaves for later rules
(`compact.kept_part`). Each reads the batch's rows (their text, column names and line
numbers), its table's name, file, Table Schema and header, and what the scan of the file
says of its bytes (control characters, ASCII only, undecodable).

A bad-input case changes one or two of the package's tables; the batches of the others are,
to the byte, those of the real package, and give the answer they gave before. So the
catalogue's runs, whole and batch by batch, share one memory per test process: a batch goes
through a step afresh only when one of those inputs is new. Every rule that compares a batch
with other rows or tables still runs. A test holds a remembered run equal to a run afresh.
"""

from __future__ import annotations

import copy
import hashlib
import json

from frame_digests import frame_digest
from sco_data.package.csv_reader import RawTable


def _digest(step: str, table: RawTable, *arguments) -> str:
    inputs = [
        step,
        table.name,
        table.file,
        table.schema,
        table.header,
        table.may_hold_control,
        table.ascii_only,
        table.undecodable,
        [sorted(a) if isinstance(a, (set, frozenset)) else a for a in arguments],
        frame_digest(table.frame),
    ]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def remembering(step, memory: dict):
    """`step(batch, *arguments)`, answering from `memory` for a batch it has taken before.

    The answer is a copy: later steps may change it (joining batches empties their frames)."""

    def remembered(table: RawTable, *arguments):
        key = _digest(step.__qualname__, table, *arguments)
        if key not in memory:
            memory[key] = step(table, *arguments)
        return copy.deepcopy(memory[key])

    return remembered
