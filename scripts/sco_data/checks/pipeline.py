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
    semantics,
)
from sco_data.checks.expectations import feed, suites, worker
from sco_data.findings import Gathered, Group, check_failed, grouped, merge_groups
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
    """One table's pass: what its batches found, and what they left for later rules."""

    groups: list[Group]
    kept: KeptTable | None
    rows: int


class _Pass:
    """What every table's pass needs, fixed for the whole run."""

    def __init__(self, root, today, quality, lap, keys, values_kept, batch_bytes):
        self.root, self.today, self.quality, self.lap = root, today, quality, lap
        self.keys, self.values_kept = keys, values_kept
        self.batch_bytes = batch_bytes

    def table(self, table: RawTable) -> TableRun:
        """The table, read and checked a batch at a time; a file the fast reader cannot
        take is started again with the exact one."""
        try:
            return self._batches(table, exact=False)
        except NeedsExactReader:
            self.quality.discard(table.name)
            return self._batches(table, exact=True)

    def _batches(self, table: RawTable, exact: bool) -> TableRun:
        gathered = Gathered(self.values_kept)
        keys = self.keys.get(table.name, set())
        expectations = suites.read_suite(self.root, table.name)["expectations"]
        # Expectations read columns by name: a table whose header is wrong is reported
        # by the CSV layer, and kept from GX.
        to_quality = bool(expectations) and table.header == table_schema.field_names(
            table.schema
        )
        key_parts, typed_parts, rows = [], [], 0
        parts = csv_reader.batches(self.root, table, self.batch_bytes, exact)
        for part in parts:
            self.lap("CSV files: scan, hash, parse")
            rows += len(part.frame)
            _gather(
                gathered,
                "utf-8",
                _guarded("pandera", contract.undecodable, {table.name: part}),
            )
            kept_keys, kept_typed = compact.kept_part(part, keys)
            self.lap("pandera: typed loading")
            if to_quality:
                fed = feed.frame(part, kept_typed, expectations)
                self.quality.send(table.name, table.file, fed)
            self.lap("GX: building its input")
            found = _guarded("iso-codes", iso_codes.check_states, {table.name: part})
            _gather(gathered, "iso", found)
            found = _guarded("pandera", contract.check_cells, part, self.values_kept)
            _gather(gathered, "cells", found)
            if table.name in semantics.READS_TEXT.values():
                # The text of the ids and codes those rules read; the rest is typed above.
                other = set(part.frame.columns) - compact.hashed_columns(table.schema)
                typed_text = typed_frame(part, free_text=False, skip=other)
                found = _guarded(
                    "pandera",
                    semantics.check_text,
                    table.name,
                    typed_text,
                    table.schema,
                    table.file,
                    self.today,
                    self.values_kept,
                )
                _gather(gathered, "text", found)
            key_parts.append(kept_keys)
            typed_parts.append(kept_typed)
            del part, kept_keys, kept_typed
            self.lap("pandera: contract, cell by cell")
        if to_quality:
            self.quality.end(table.name, table.file)
        kept = compact.kept_table(table, key_parts, typed_parts)
        return TableRun(gathered.groups(), kept, rows)


def _data_layers(
    root: Path, descriptor, today: dt.date, quality, lap, values_kept, batch_bytes
):
    """Each table is checked cell by cell a batch at a time, each batch handed to GX as
    soon as it is read; the keys and the rules across tables run once all are read, on
    what the batches kept."""
    findings, kept, rows, opened = [], {}, {}, {}
    resources = {r.get("name"): r for r in descriptor.resources()}
    run = _Pass(
        root,
        today,
        quality,
        lap,
        compact.key_columns(descriptor),
        values_kept,
        batch_bytes,
    )
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
        kept[table.name], rows[table.name] = done.kept, done.rows
    findings += _guarded("pandera", contract.check_keys, kept)
    lap("pandera: contract, keys across rows and tables")
    typed = {name: k.typed for name, k in kept.items()}
    schemas = {name: k.schema for name, k in kept.items()}
    files = {name: k.file for name, k in kept.items()}
    hashed = {name: k.hashed for name, k in kept.items()}
    findings += _guarded(
        "pandera", semantics.check, typed, schemas, files, today, values_kept, hashed
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
