"""`make validate` checks rows with the compiled contract instead of full `frictionless
validate`, which reads rows one by one. This proves the swap loses nothing: on the real package
and on every bad-input fixture, the contract (with the CSV reader it runs on) flags at least
every row and field that frictionless flags."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path
from unittest import mock

import pytest
import remembered_reference
from bad_inputs import CATALOGUE, every_row
from conftest import BY_CASE, copy_package, expanded, package_digest
from frame_digests import frame_digest
from remembered_cells import remembering
from remembered_tables import remembering_tables
from sco_data.checks import contract, frictionless_metadata, pipeline
from sco_data.checks.expectations import LAYER as EXPECTATIONS
from sco_data.checks.expectations import feed
from sco_data.checks.pipeline import run_checks
from sco_data.package import compact, csv_reader
from sco_data.package.descriptor import read as read_descriptor
from sco_data.package.typed import iter_opened

# frictionless errors about a row's shape name no single field, or each missing one; the CSV
# layer names the row once (ragged-row, blank-row), which is what a contributor needs.
ROW_SHAPE = {"blank-row", "extra-cell", "missing-cell", "extra-label", "missing-label"}
# A wrong header is reported once, on line 1, rather than once per cell read by position.
HEADER = {"column-order", "missing-column", "extra-column"}


def reference_findings(root):
    findings, _ = frictionless_metadata.check_package(root, read_descriptor(root))
    return findings


@pytest.fixture(scope="session")
def reference_memory() -> dict:
    return {}


@pytest.fixture
def reference_run(reference_memory):
    """Full `frictionless validate`, each resource's findings remembered for the bytes it
    read (see remembered_reference); the package's tests below run the plain one."""
    return lambda root: remembered_reference.reference(root, reference_memory)


class NoExpectations:
    """Stands in for the GX layer, which has no part in this comparison."""

    notes: tuple = ()

    def send(self, *args) -> None:
        pass

    end = discard = send

    def findings(self) -> list:
        return []


def contract_findings(root, batch_bytes=csv_reader.BATCH_BYTES):
    """What `make validate` finds without GX: metadata, CSV files, the contract (cells
    batch by batch, keys on what the batches kept) and the rules beyond it. GX's input is
    not built, since nothing reads it."""
    with mock.patch.object(feed, "frame", lambda *fed: None):
        groups, _ = run_checks(root, quality=NoExpectations(), batch_bytes=batch_bytes)
    return expanded(groups)


@pytest.fixture(scope="session")
def contract_memory() -> dict:
    return {}


@pytest.fixture(scope="session")
def batched_table_memory() -> dict:
    return {}


@pytest.fixture
def contract_run(contract_memory, batched_table_memory, layer_runs, monkeypatch):
    """`contract_findings`, remembered by the exact bytes of the package it read. In whole
    batches it is the remembered run of every layer with GX's answers left out (a test
    below holds the two equal on bad inputs GX finds too)."""

    def run(root, batch_bytes=csv_reader.BATCH_BYTES):
        if batch_bytes == csv_reader.BATCH_BYTES:
            return expanded(layer_runs(root).without_expectations)
        key = (package_digest(root), batch_bytes)
        if key not in contract_memory:
            with monkeypatch.context() as patched:
                remembered = remembering_tables(batched_table_memory)
                patched.setattr(pipeline._Pass, "_batches", remembered)
                found = contract_findings(root, batch_bytes=batch_bytes)
            contract_memory[key] = found
        return contract_memory[key]

    return run


class Located:
    """Our findings, found by file and by file and line (a case that breaks every row
    gives thousands on each side)."""

    def __init__(self, ours):
        self.not_utf8 = any(f.rule == "not-utf8" for f in ours)
        self.header_broken = {f.file for f in ours if f.line == 1 and f.rule in HEADER}
        self.by_file, self.by_row = defaultdict(list), defaultdict(list)
        for finding in ours:
            self.by_file[finding.file].append(finding)
            self.by_row[finding.file, finding.line].append(finding)


def _covered(reference, ours: Located) -> bool:
    if reference.rule == "encoding-error":
        # frictionless repeats a table's decoding error under every table that references it.
        return ours.not_utf8
    if reference.line is None:
        return bool(ours.by_file.get(reference.file))
    if reference.file in ours.header_broken:
        return True
    same_row = ours.by_row.get((reference.file, reference.line), [])
    if reference.rule in ROW_SHAPE or reference.column is None:
        return bool(same_row)
    # A finding that names the row but no field (broken quoting) covers all its fields.
    return any(f.column in (reference.column, None) for f in same_row)


@pytest.mark.data
def test_the_package_passes_full_frictionless_validation(package):
    assert reference_findings(package) == []


@pytest.mark.parametrize("case", BY_CASE)
def test_the_contract_flags_every_row_and_field_frictionless_flags(
    package, case, contract_run, reference_run
):
    case.apply(package)
    ours = Located(contract_run(package))
    missed = [f for f in reference_run(package) if not _covered(f, ours)]
    assert not missed, "frictionless flags what the contract does not:\n" + "\n".join(
        f"{f.file}:{f.line} {f.column} {f.rule}: {f.message}" for f in missed
    )


# The proofs of the remembered reference start from one memory of the real package.
REAL_REFERENCE = pytest.mark.xdist_group("real-reference")


@pytest.fixture(scope="module")
def real_reference(tmp_path_factory) -> dict:
    """The remembered reference's memory after the real package, which it finds valid."""
    real = copy_package(tmp_path_factory.mktemp("real"))
    memory = {}
    assert remembered_reference.reference(real, memory) == []
    return memory


@REAL_REFERENCE
@pytest.mark.parametrize(
    "names",
    [
        ("broken foreign key",),  # a file whose foreign keys now miss
        ("duplicate primary key", "stale bytes and hash in the descriptor"),
        ("value outside its categories", "unbalanced quote"),
        # cells of files foreign keys point into, none of them a key
        ("impossible date", "malformed web address"),
    ],
)
def test_the_remembered_reference_is_the_full_one(package, names, real_reference):
    """Remembering frictionless's findings per resource loses nothing: after the real
    package, each broken copy gives what a full validation gives."""
    memory = dict(real_reference)
    for name in names:
        next(c for c in CATALOGUE if c.name == name).apply(package)
    full = reference_findings(package)
    assert full, names
    assert sorted(map(repr, remembered_reference.reference(package, memory))) == sorted(
        map(repr, full)
    )


@REAL_REFERENCE
def test_a_target_whose_rows_are_gone_is_read_again(package, real_reference):
    """After the real package, the files whose foreign keys point into a table that lost
    its rows are validated again."""
    memory = dict(real_reference)
    rows = (package / "data" / "people.csv").read_text("utf-8").splitlines(True)
    (package / "data" / "people.csv").write_text("".join(rows[:2]), "utf-8")
    expected = reference_findings(package)
    assert any(f.rule == "foreign-key" for f in expected)
    remembered = remembered_reference.reference(package, memory)
    assert sorted(map(repr, remembered)) == sorted(map(repr, expected))


def test_the_comparison_itself_can_fail(package):
    """A contract that flagged nothing would not pass for one that flags enough."""
    case = next(c for c in CATALOGUE if c.name == "duplicate primary key")
    case.apply(package)
    reference = reference_findings(package)
    assert reference
    assert not all(_covered(f, Located([])) for f in reference)


def _located(findings) -> list[tuple]:
    return sorted(
        (f.layer, f.file, f.line or 0, f.column or "", f.rule, f.value or "", f.message)
        for f in findings
    )


@pytest.mark.parametrize("case", BY_CASE)
def test_reading_in_small_batches_finds_the_same_on_the_same_lines(
    package, case, contract_run
):
    """Tables are checked a batch at a time; cut into batches of 32 kB (several per large
    table of the real package, and the exact reader's when the fast one gives up), every
    bad input gives the findings, lines, values and messages of one batch per table."""
    case.apply(package)
    largest = max(p.stat().st_size for p in (package / "data").glob("*.csv"))
    assert largest < csv_reader.BATCH_BYTES, "the default batch holds every table whole"
    whole = contract_run(package)
    batched = contract_run(package, batch_bytes=1 << 15)
    assert whole, "each bad input is found"
    assert _located(batched) == _located(whole)


# Bad inputs whose rule compares a row with another table's rows.
ACROSS_TABLES = (
    "broken foreign key",
    "overlapping memberships",
    "status that memberships do not give",
    "quote outside its event",
    "source published before the fact",
    "statistic before the project opened",
    "participant's state differs from the person's",
)


def _reversed_resources(root) -> None:
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    descriptor["resources"].reverse()
    path.write_text(json.dumps(descriptor, indent=2) + "\n", "utf-8")


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.xdist_group(n)) for n in ACROSS_TABLES]
)
def test_the_order_of_the_tables_changes_no_finding(package, name, contract_run):
    """A foreign key into a table read earlier, and a rule looking rows up in one, run batch
    by batch; into a table read later, once every table is read. With the descriptor's
    tables in reverse order each takes the other path, and must find the same."""
    next(c for c in CATALOGUE if c.name == name).apply(package)
    in_order = contract_run(package, batch_bytes=1 << 15)
    _reversed_resources(package)
    reversed_order = contract_findings(package, batch_bytes=1 << 15)
    assert in_order, "each bad input is found"
    assert _located(reversed_order) == _located(in_order)


# GX alone finds the first; GX and another layer the second (named on one group); the
# suite problems are reported under GX's name by the data layers, not by GX's run.
GX_TOO = (
    "the same page recorded twice",
    "value outside its categories",
    "expectation suite out of step with its schema",
    "expectation suite that is not JSON",
)


@pytest.mark.parametrize("name", GX_TOO)
def test_a_run_without_gx_answers_is_the_run_with_them_left_out(
    package, name, layer_runs
):
    """The contract tests read the catalogue's remembered run of every layer with GX's
    answers left out; that is what a run without the GX layer finds."""
    next(c for c in CATALOGUE if c.name == name).apply(package)
    remembered = layer_runs(package)
    assert any(
        g.layer == EXPECTATIONS or EXPECTATIONS in g.also_found_by
        for g in remembered.groups
    )
    assert _located(expanded(remembered.without_expectations)) == _located(
        contract_findings(package)
    )


def _one_line_lower(root, file) -> None:
    """The same rows, each a line further down: a blank line after the header."""
    path = root / file
    header, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(header + b"\n\n" + rest)


def _changed_file(root, real) -> str:
    return next(
        p.relative_to(root).as_posix()
        for p in sorted((root / "data").glob("*.csv"))
        if p.read_bytes() != (real / p.relative_to(root)).read_bytes()
    )


def test_a_run_remembering_each_batch_finds_what_a_run_afresh_finds(
    package, tmp_path, monkeypatch, remembered_metadata
):
    """The catalogue's runs remember what the cell checks and the typed loading gave each
    batch (see remembered_cells). After the real package, a bad input and then its rows
    one line lower, run with that memory, find what runs afresh find."""
    real, lower = tmp_path / "real", tmp_path / "lower"
    shutil.copytree(package, real)
    next(c for c in CATALOGUE if c.name == "impossible date").apply(package)
    shutil.copytree(package, lower)
    _one_line_lower(lower, _changed_file(package, real))
    runs = ((package, 1 << 15), (lower, csv_reader.BATCH_BYTES))
    afresh = [_located(contract_findings(root, size)) for root, size in runs]
    memory = {}
    monkeypatch.setattr(
        contract, "check_cells", remembering(contract.check_cells, memory)
    )
    monkeypatch.setattr(compact, "kept_part", remembering(compact.kept_part, memory))
    for size in (csv_reader.BATCH_BYTES, 1 << 15):
        assert contract_findings(real, size) == []
    answered = len(memory)
    assert [_located(contract_findings(root, size)) for root, size in runs] == afresh
    assert len(memory) > answered, "the bad input's batches were taken afresh"


class _Recording(NoExpectations):
    """Stands in for the GX layer, recording what each table's pass hands it."""

    def __init__(self):
        self.handed = []

    def send(self, table: str, file: str, frame) -> None:
        self.handed.append((table, file, frame_digest(frame)))

    def end(self, table: str, file: str) -> None:
        self.handed.append((table, file, "end"))

    def discard(self, table: str) -> None:
        self.handed.append((table, "discard"))


def _recorded_run(root, batches) -> tuple[list, list]:
    quality = _Recording()
    with mock.patch.object(pipeline._Pass, "_batches", batches):
        groups, _ = run_checks(root, quality=quality)
    return _located(expanded(groups)), quality.handed


def test_a_run_remembering_each_table_finds_and_hands_gx_what_a_run_afresh_does(
    package, tmp_path, remembered_metadata
):
    """The catalogue's runs remember each table's pass (see remembered_tables). After the
    real package, changes to tables that later tables read (the column their foreign keys
    point to, a column their rules look up, a column they do not read, lines only the exact
    reader takes), run with that memory, find and hand GX what runs afresh do."""
    real = tmp_path / "real"
    shutil.copytree(package, real)
    # Changes to one column of every row: the rows keep their lines.
    changes = {
        "people-renamed": every_row(
            "people", lambda cells: cells.update(id=f"renamed-{cells['id']}")
        ),
        "memberships-later": every_row(
            "memberships", lambda cells: cells.update(start_date="2099-01-01")
        ),
    }
    for name in ("value outside its categories", "unbalanced quote"):
        changes[name] = next(c for c in CATALOGUE if c.name == name).apply
    cases = []
    for name, change in changes.items():
        root = tmp_path / name.replace(" ", "-")
        shutil.copytree(real, root)
        change(root)
        cases.append(root)
    afresh = [_recorded_run(root, pipeline._Pass._batches) for root in cases]
    memory = {}
    remembered = remembering_tables(memory)
    assert _recorded_run(real, remembered)[0] == []
    tables = len(memory)
    # The last twice: its broken lines, recorded on the table, come from memory too.
    again = [*cases, cases[-1]]
    assert [_recorded_run(root, remembered) for root in again] == [*afresh, afresh[-1]]
    assert tables < len(memory) < 3 * tables, (
        "only the tables that changed, or read them"
    )


def _table_batches(root, file: str, size: int) -> list:
    """The file's batches as the two steps get them: undecodable bytes shown as U+FFFD."""
    descriptor = read_descriptor(root)
    (table,) = [t for t in iter_opened(root, descriptor) if t.file == file]
    try:
        batches = list(csv_reader.batches(root, table, size))
    except csv_reader.NeedsExactReader:
        batches = list(csv_reader.batches(root, table, size, exact=True))
    for batch in batches:
        contract.undecodable({batch.name: batch})
    return batches


# One bad input per way a batch can differ from the real package's: a cell, bytes that are
# not UTF-8, the header, rows the exact reader takes.
BATCHES_CHANGED = (
    "impossible date",
    "file that is not UTF-8",
    "reordered columns",
    "unbalanced quote",
)


@pytest.mark.parametrize("name", BATCHES_CHANGED)
def test_each_step_remembered_for_a_batch_answers_as_afresh(package, tmp_path, name):
    """After every batch of the real table, each batch of the bad one and then of its rows
    one line lower gets, from the remembered cell checks and typed loading, what the steps
    give it afresh."""
    real, lower = tmp_path / "real", tmp_path / "lower"
    shutil.copytree(package, real)
    next(c for c in CATALOGUE if c.name == name).apply(package)
    shutil.copytree(package, lower)
    file = _changed_file(package, real)
    _one_line_lower(lower, file)
    keys = compact.key_columns(read_descriptor(package)).get(Path(file).stem, set())
    steps = [
        (contract.check_cells, lambda s, b: [(k, g.as_dict()) for k, g in s(b)]),
        (compact.kept_part, lambda s, b: [f.to_dict() for f in s(b, keys)]),
    ]
    for step, answer in steps:
        memory = {}
        remembered = remembering(step, memory)
        for size in (csv_reader.BATCH_BYTES, 1 << 15):
            for batch in _table_batches(real, file, size):
                answer(remembered, batch)
            for root in (package, lower):
                for batch in _table_batches(root, file, size):
                    assert answer(remembered, batch) == answer(step, batch), (
                        step.__name__,
                        root.name,
                        size,
                    )
