"""Each table's pass of a run, in the test process, remembering its answer.

A run reads the tables in the descriptor's order, and a table's pass (`pipeline._Pass.
_batches`: its batches read, their cells, its foreign keys into the tables read before it,
the semantic rules that run per batch, what it keeps for later rules, what it hands GX)
reads nothing but its own file; what the tables read before it kept, of the columns its
foreign keys point to and its rules look up (`looks_up`: test_semantic_rules holds each rule
to what it declares), and their line numbers; which of the tables read before it are
there; the descriptor and the files under schemas/ (Table Schemas, expectation suites);
and the run's options (its day, batch size and values kept, and which reader). For the same bytes of all those it gives the
same answer, hands GX the same batches, and records the same broken lines on the table.

A bad-input case changes one or two tables: the other tables pass as they did on the real
package, and answer from memory, unless they read a changed one; every rule that waits
until all tables are read runs afresh. A test holds a remembered run equal to a run afresh.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from frame_digests import frame_digest
from sco_data.checks import pipeline, semantics
from sco_data.package import table_schema

PARTS = ("keys", "typed")  # a kept table's hashed key columns, and its typed ones


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


def _kept_digests(kept) -> dict[str, str]:
    """What a later table's pass can read of a table, from what its pass kept: the table
    as a whole (its schema, header, columns and rows' line numbers) and each column."""
    whole = [kept.name, kept.file, kept.schema, kept.header]
    whole += [list(kept.keys.columns), list(kept.typed.columns)]
    whole += [frame_digest(kept.keys[[]]), frame_digest(kept.typed[[]])]
    digests = {"": hashlib.sha256(json.dumps(whole).encode()).hexdigest()}
    for part, frame in (("keys", kept.keys), ("typed", kept.typed)):
        for column in frame.columns:
            digests[f"{part}:{column}"] = frame_digest(frame[[column]])
    return digests


def _read_by(run, name: str) -> dict[str, set[str]]:
    """The tables read before `name` whose rows its pass reads, and the columns it reads
    of each: those its foreign keys point to, and those its rules look up."""
    schemas = run.rules.schemas
    read: dict[str, set[str]] = {}
    for _, target, fields in table_schema.foreign_keys(schemas.get(name) or {}):
        read.setdefault(target or name, set()).update(fields)
    for rule in semantics.RULES:
        if any(target.table == name for target in rule.targets(schemas)):
            for table, columns in rule.looks_up.items():
                read.setdefault(table, set()).update(columns)
    return {t: c for t, c in read.items() if t in run.read_before[name]}


def _key(run, table, exact: bool, this_run: dict) -> str:
    """`this_run`: the run's contract, the columns each table's pass reads of the tables
    before it (`_read_by`), and the digests of what each table passed so far kept."""
    contract, kept, reads = this_run["contract"], this_run["kept"], this_run["reads"]
    path = Path(run.root) / table.file
    own = path.read_bytes() if path.is_file() else b"\0missing"
    # Which rules apply depends on which tables are there, whatever their rows.
    present = sorted(set(kept) & run.read_before[table.name])
    read = {
        name: [kept[name][""]]
        + [kept[name].get(f"{part}:{c}") for c in sorted(columns) for part in PARTS]
        for name, columns in sorted(reads[table.name].items())
        if name in kept
    }
    options = [table.name, exact, run.batch_bytes, run.values_kept, str(run.today)]
    inputs = [contract, hashlib.sha256(own).hexdigest(), present, read, options]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def _contract(root: Path) -> str:
    """The descriptor and every file under schemas/ (Table Schemas, expectation suites)."""
    digest = hashlib.sha256()
    for path in [root / "datapackage.json", *sorted((root / "schemas").rglob("*"))]:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _afresh(real, run, table, exact) -> tuple:
    """(the pass's answer or the NeedsExactReader it raised, what it handed GX, the
    findings it recorded on the table, the digests of what it kept)."""
    effects = _Effects(run.quality, table)
    quality, run.quality = run.quality, effects
    try:
        answer = (real(run, table, exact), None)
    except pipeline.NeedsExactReader as error:
        answer = (None, error)
    finally:
        run.quality = quality
    kept = _kept_digests(answer[0].kept) if answer[0] else None
    return answer, effects.handed, table.findings[effects.findings_before :], kept


def remembering_tables(memory: dict):
    """`_Pass._batches`, answering from `memory` for a table whose pass depends on the
    same inputs as before. The answer is a copy, as later steps may change it."""
    real = pipeline._Pass._batches
    this_run: dict = {}

    def remembered(run, table, exact):
        if this_run.get("run") is not run:  # a new run: its files may differ
            reads = {name: _read_by(run, name) for name in run.read_before}
            contract = _contract(Path(run.root))
            this_run.update(run=run, contract=contract, kept={}, reads=reads)
        key = _key(run, table, exact, this_run)
        if key in memory:
            _, handed, findings, _ = memory[key]
            for step, arguments in handed:
                getattr(run.quality, step)(*arguments)
            table.findings += copy.deepcopy(findings)
        else:
            memory[key] = _afresh(real, run, table, exact)
        (done, error), _, _, kept = memory[key]
        if error is not None:
            raise error
        this_run["kept"][table.name] = kept
        return copy.deepcopy(done)

    return remembered
