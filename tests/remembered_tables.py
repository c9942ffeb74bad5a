"""Each table's pass of a run, in the test process, remembering its answer.

A run reads the tables in the descriptor's order, and a table's pass (`pipeline._Pass.
_batches`: its batches read, their cells, its foreign keys into the tables read before it,
the semantic rules that run per batch, what it keeps for later rules, what it hands GX)
reads nothing but its own file; what the tables read before it kept, of those its foreign
keys point into and its rules look up (`looks_up`: test_semantic_rules holds each rule to
what it declares); which of the tables read before it are there; the descriptor and the
files under schemas/ (Table Schemas, expectation suites); and the run's options (its day,
batch size and values kept, and which reader). For the same bytes of all those it gives the
same answer, hands GX the same batches, and records the same broken lines on the table.

A bad-input case changes one or two tables: the other tables pass as they did on the real
package, and answer from memory, unless they read a changed one; every rule that waits
until all tables are read runs afresh. A test holds a remembered run equal to a run afresh.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

from sco_data.checks import pipeline, semantics
from sco_data.package import table_schema
from sco_data.package.descriptor import read as read_descriptor


class _Effects:
    """What a table's pass did besides its answer: what it handed GX (batches, the end of
    the table), in order, and what the exact reader recorded on the table (broken lines)."""

    def __init__(self, quality, table):
        self.quality, self.handed = quality, []
        self.findings_before = len(table.findings)

    def send(self, *batch) -> None:
        self.handed.append(("send", batch))
        self.quality.send(*batch)

    def end(self, *table) -> None:
        self.handed.append(("end", table))
        self.quality.end(*table)

    def discard(self, *table) -> None:
        self.handed.append(("discard", table))
        self.quality.discard(*table)


def _file_digest(path: Path, digests: dict) -> bytes:
    if path not in digests:
        data = path.read_bytes() if path.is_file() else b"\0missing"
        digests[path] = hashlib.sha256(data).digest()
    return digests[path]


def _read_by(run, name: str) -> set[str]:
    """The tables read before `name` whose rows its pass reads: those its foreign keys
    point into, and those its rules look up."""
    schemas = run.rules.schemas
    schema = schemas.get(name) or {}
    read = {target or name for _, target, _ in table_schema.foreign_keys(schema)}
    for rule in semantics.RULES:
        if any(target.table == name for target in rule.targets(schemas)):
            read.update(rule.looks_up)
    return read & run.read_before[name]


def _key(run, table, exact: bool, resources: dict, digests: dict) -> str:
    root = Path(run.root)
    files = [root / "datapackage.json", *sorted((root / "schemas").rglob("*"))]
    read = [table.name, *sorted(_read_by(run, table.name))]
    files += [root / resources[name] for name in read if name in resources]
    # Which rules apply depends on which tables are there, whatever their rows.
    present = [
        name
        for name in sorted(run.read_before[table.name])
        if name in resources and (root / resources[name]).is_file()
    ]
    key = hashlib.sha256()
    for path in files:
        key.update(path.relative_to(root).as_posix().encode() + b"\0")
        key.update(_file_digest(path, digests))
    options = (table.name, exact, run.batch_bytes, run.values_kept, str(run.today))
    options += tuple(present)
    key.update(repr(options).encode())
    return key.hexdigest()


def _afresh(real, run, table, exact) -> tuple:
    """(the pass's answer or the NeedsExactReader it raised, what it handed GX, the
    findings it recorded on the table)."""
    effects = _Effects(run.quality, table)
    quality, run.quality = run.quality, effects
    try:
        answer = (real(run, table, exact), None)
    except pipeline.NeedsExactReader as error:
        answer = (None, error)
    finally:
        run.quality = quality
    return answer, effects.handed, table.findings[effects.findings_before :]


def remembering_tables(memory: dict):
    """`_Pass._batches`, answering from `memory` for a table whose pass depends on the
    same bytes as before. The answer is a copy, as later steps may change it."""
    real = pipeline._Pass._batches
    this_run: dict = {}

    def remembered(run, table, exact):
        if this_run.get("run") is not run:  # a new run: its files may differ
            resources = read_descriptor(run.root).resource_files()
            this_run.update(run=run, resources=resources, digests={})
        key = _key(run, table, exact, this_run["resources"], this_run["digests"])
        if key in memory:
            _, handed, findings = memory[key]
            for step, arguments in handed:
                getattr(run.quality, step)(*arguments)
            table.findings += copy.deepcopy(findings)
        else:
            memory[key] = _afresh(real, run, table, exact)
        (done, error), _, _ = memory[key]
        if error is not None:
            raise error
        return copy.deepcopy(done)

    return remembered
