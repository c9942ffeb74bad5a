"""Every check on the package, in order, as one list of findings.

Layers: the descriptor (readable JSON, strict keys, frictionless metadata validation of the
descriptor and Table Schemas), the CSV files themselves (bytes, hash, header, rows), the
pandera layer (the Table Schema contract compiled to vectorised checks, ISO codes, semantic
and cross-table rules) and the Great Expectations suites. Each file is read once; the GX
layer gets each table as soon as it is read, so that it can run beside the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sco_data.checks import (
    contract,
    csv_file,
    descriptor_keys,
    frictionless_metadata,
    iso_codes,
    read_back,
    semantic_run,
    semantics,
)
from sco_data.checks.expectations import feed, suites, worker
from sco_data.findings import Gathered, Group, check_failed, grouped, merge_groups
from sco_data.memory import give_back_freed_memory
from sco_data.package import compact, csv_reader, table_schema
from sco_data.package.compact import KeptTable
from sco_data.package.csv_reader import NeedsExactReader, RawTable
from sco_data.package.descriptor import read as read_descriptor
from sco_data.package.typed import iter_opened, typed_frame


def _guarded(layer: str, check, *args) -> list:
    """Run one layer; should it crash on input nobody foresaw, report that as a finding
    instead of a traceback, so the other layers' findings still reach the contributor."""
    try:
        return check(*args)
    except Exception as error:  # noqa: BLE001 - the report must always be printed
        return grouped([check_failed(layer, f"{type(error).__name__}: {error}")])


def _gather(gathered: Gathered, label: str, found: list) -> None:
    """Add a batch's groups: (check, group) pairs as they come, plain groups keyed by
    their layer, column and rule."""
    for item in found:
        if isinstance(item, tuple):
            gathered.add((label, *item[0]), item[1])
        else:
            gathered.add_all([item], label)


@dataclass
class TableRun:
    """One table's pass: what its batches found (its cells; its foreign keys into tables
    read before it; the semantic rules that run per batch), and what they left for later
    rules."""

    groups: list[Group]
    key_groups: list[Group]
    rule_groups: list[Group]
    kept: KeptTable | None
    rows: int


class _Pass:
    """What every table's pass needs: fixed for the whole run, but for the tables read so
    far (`kept`) and the semantic rules' view of them (`rules`)."""

    def __init__(self, root, today, quality, lap, descriptor, values_kept, batch_bytes):
        self.root, self.today, self.quality, self.lap = root, today, quality, lap
        self.values_kept, self.batch_bytes = values_kept, batch_bytes
        names = [r.get("name") for r in descriptor.resources()]
        self.read_before = {name: set(names[:n]) for n, name in enumerate(names)}
        self.hashed_keys = compact.key_columns(descriptor)
        self.kept_keys = compact.key_columns(descriptor, self.read_before)
        self.rules = semantics.Context({}, descriptor.table_schemas(), today)
        self.waiting = semantic_run.waiting_tables(self.rules.schemas, self.read_before)
        self.text_tables = semantic_run.text_tables(self.rules.schemas)
        self.kept: dict[str, KeptTable] = {}

    def table(self, table: RawTable) -> TableRun:
        """The table, read and checked a batch at a time; a file the fast reader cannot
        take is started again with the exact one."""
        try:
            done = self._batches(table, exact=False)
        except NeedsExactReader:
            self.quality.discard(table.name)
            done = self._batches(table, exact=True)
        self.kept[table.name] = done.kept
        self.rules.set_frame(table.name, done.kept.typed)
        return done

    def _batches(self, table: RawTable, exact: bool) -> TableRun:
        gathered = Gathered(self.values_kept)
        key_groups, rule_groups = Gathered(self.values_kept), Gathered(self.values_kept)
        before = self.read_before[table.name]
        try:
            expectations = suites.read_suite(self.root, table.name)["expectations"]
        except suites.UnreadableSuite:
            expectations = []  # `suites.drift` reports the file
        # Expectations read columns by name: a table whose header is wrong is reported
        # by the CSV layer, and kept from GX.
        to_quality = bool(expectations) and table.header == table_schema.field_names(
            table.schema
        )
        key_parts, typed_parts, rows, keep = [], [], 0, None
        parts = csv_reader.batches(self.root, table, self.batch_bytes, exact)
        for part in parts:
            self.lap("CSV files: scan, hash, parse")
            rows += len(part.frame)
            _gather(
                gathered,
                "utf-8",
                _guarded("pandera", contract.undecodable, {table.name: part}),
            )
            kept_keys, kept_typed = compact.kept_part(
                part, self.hashed_keys.get(table.name, set())
            )
            self.lap("pandera: typed loading")
            if to_quality:
                fed = feed.frame(part, kept_typed, expectations)
                self.quality.send(table.name, table.file, fed)
            self.lap("GX: building its input")
            found = _guarded("iso-codes", iso_codes.check_states, {table.name: part})
            _gather(gathered, "iso", found)
            found = _guarded("pandera", contract.check_cells, part, self.values_kept)
            _gather(gathered, "cells", found)
            if table.name in self.text_tables:
                # The text of the ids and codes those rules read; the rest is typed above.
                other = set(part.frame.columns) - compact.hashed_columns(table.schema)
                typed_text = typed_frame(part, free_text=False, skip=other)
                found = _guarded(
                    "pandera",
                    semantic_run.check_text,
                    table.name,
                    typed_text,
                    table.schema,
                    table.file,
                    self.today,
                    self.values_kept,
                )
                _gather(gathered, "text", found)
            self.lap("pandera: contract, cell by cell")
            batch = compact.kept_table(table, [kept_keys], [kept_typed])
            found = _guarded(
                "pandera", contract.check_batch_keys, batch, self.kept, before
            )
            _gather(key_groups, "keys", found)
            self.lap("pandera: contract, keys across rows and tables")
            self.rules.set_frame(table.name, batch.typed)
            keep = keep or self._kept_columns(table, batch)
            found = _guarded(
                "pandera",
                semantic_run.check_batch,
                self.rules,
                table.name,
                table.file,
                before,
                self.values_kept,
                batch.hashed,
            )
            _gather(rule_groups, "rules", found)
            key_parts.append(kept_keys[keep[0]])
            typed_parts.append(batch.typed[keep[1]])
            del part, kept_keys, kept_typed, batch
            self.lap("pandera: semantic rules")
        if to_quality:
            self.quality.end(table.name, table.file)
        kept = compact.kept_table(table, key_parts, typed_parts)
        return TableRun(
            gathered.groups(), key_groups.groups(), rule_groups.groups(), kept, rows
        )

    def _kept_columns(self, table: RawTable, batch: KeptTable):
        """(key columns, other columns) the table keeps for the rules that run once every
        table is read: all its columns if one of its own rules waits, else only those
        that other tables' rules look up."""
        keys = [
            c for c in batch.keys.columns if c in self.kept_keys.get(table.name, ())
        ]
        if table.name in self.waiting:
            wanted = set(batch.typed.columns)
        else:
            wanted = semantic_run.looked_up(table.name)
        # A key column held as hashes is kept once, in `keys` (see `compact.kept_table`).
        shared = set(keys) & batch.hashed
        typed = [c for c in batch.typed.columns if c in wanted and c not in shared]
        return keys, typed


def _data_layers(
    root: Path, descriptor, today: dt.date, quality, lap, values_kept, batch_bytes
):
    """Each table is checked a batch at a time, each batch handed to GX as soon as it is
    read: its cells, its foreign keys into the tables read before it, and the semantic
    rules that read one row at a time. The other keys and rules run once all are read,
    on what the batches kept."""
    findings, rows, opened, runs = [], {}, {}, {}
    resources = {r.get("name"): r for r in descriptor.resources()}
    run = _Pass(root, today, quality, lap, descriptor, values_kept, batch_bytes)
    for table in iter_opened(root, descriptor):
        lap("CSV files: scan, hash, parse")
        if table.scan is None:  # no file: the CSV layer says so
            findings += grouped(csv_file.check(root, resources[table.name], table))
            continue
        done = run.table(table)
        opened[table.file] = table
        # The file's own problems, and those its reading met, come before its cells'.
        findings += grouped(csv_file.check(root, resources[table.name], table))
        findings += done.groups
        runs[table.name], rows[table.name] = done, done.rows
        give_back_freed_memory()  # the table's batches
    kept = run.kept
    for name, done in runs.items():
        before = run.read_before[name]
        findings += _guarded("pandera", contract.check_keys, kept[name], kept, before)
        findings += done.key_groups
    lap("pandera: contract, keys across rows and tables")
    for done in runs.values():
        findings += done.rule_groups
    files = {name: k.file for name, k in kept.items()}
    hashed = {name: k.hashed for name, k in kept.items()}
    findings += _guarded(
        "pandera",
        semantic_run.check,
        run.rules,
        files,
        run.read_before,
        values_kept,
        hashed,
    )
    findings += grouped(suites.drift(root, descriptor))
    lap("pandera: semantic rules")
    return findings, rows, opened


def run_checks(
    root: Path,
    file: str = "datapackage.json",
    today: dt.date | None = None,
    data_docs: bool = False,
    quality=None,
    lap=None,
    values_kept: int | None = None,
    batch_bytes: int = csv_reader.BATCH_BYTES,
) -> tuple[list[Group], dict]:
    """All findings, grouped, and per table {"file": its CSV, "rows": rows read (None
    when unread)}.

    `quality` runs the GX layer: by default in this process; `make validate` passes a
    worker process started before anything else was imported. `lap(stage)` is called as
    each stage ends, for `make bench` to time them. Each group keeps the values of its
    first `values_kept` lines (None: all); tables are read `batch_bytes` of CSV at a time."""
    lap = lap or (lambda stage: None)
    root = Path(root)
    today = today or dt.date.today()
    quality = quality or worker.start(root, data_docs, separate_process=False)
    descriptor = read_descriptor(root, file)
    findings = grouped(
        descriptor.problems
        + descriptor_keys.check_package(descriptor)
        + frictionless_metadata.check_metadata(root, descriptor)
    )
    lap("descriptor, strict keys, frictionless metadata")
    # Data cannot be checked against a descriptor or schema that is itself broken.
    contract_files = {descriptor.file, *descriptor.schemas}
    metadata_broken = any(
        f.file in contract_files for f in findings if f.layer != "descriptor-keys"
    )
    listed = set(descriptor.resource_files().values())
    findings += grouped(csv_file.unlisted_files(root, listed))
    rows, opened = {}, {}
    if not metadata_broken:
        data_findings, rows, opened = _data_layers(
            root, descriptor, today, quality, lap, values_kept, batch_bytes
        )
        findings += data_findings
    findings += quality.findings()
    findings = read_back.resolve(root, findings, opened, values_kept)
    lap("reading back the values of findings on hashed columns")
    summary = {
        name: {"file": path, "rows": rows.get(name)}
        for name, path in descriptor.resource_files().items()
    }
    return merge_groups(findings), summary
