"""Every check on the package, in order, as one list of findings.

Layers: the descriptor (readable JSON, strict keys, frictionless metadata validation of the
descriptor and Table Schemas), the CSV files themselves (bytes, hash, header, rows), the
pandera layer (the Table Schema contract compiled to vectorised checks, ISO codes, semantic
and cross-table rules) and the Great Expectations suites. Each file is read once; the GX
layer gets each table as soon as it is read, so that it can run beside the others.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sco_data.checks import (
    contract,
    csv_file,
    descriptor_keys,
    frictionless_metadata,
    iso_codes,
    semantics,
)
from sco_data.checks.expectations import feed, suites, worker
from sco_data.findings import Group, check_failed, grouped, merge_groups
from sco_data.package import table_schema
from sco_data.package.descriptor import read as read_descriptor
from sco_data.package.typed import is_free_text, iter_tables, typed_frame


def _guarded(layer: str, check, *args) -> list[Group]:
    """Run one layer; should it crash on input nobody foresaw, report that as a finding
    instead of a traceback, so the other layers' findings still reach the contributor."""
    try:
        return check(*args)
    except Exception as error:  # noqa: BLE001 - the report must always be printed
        return grouped([check_failed(layer, f"{type(error).__name__}: {error}")])


def _send_to_quality(root: Path, table, typed, quality) -> None:
    # Expectations read columns by name: a table whose header is wrong is reported by the
    # CSV layer, and kept from GX.
    if table.header != list(table.frame.columns):
        return
    expectations = suites.read_suite(root, table.name)["expectations"]
    if expectations:
        fed = feed.frame(table, typed, expectations)
        quality.send(table.name, table.file, fed)


def compared_columns(descriptor) -> dict[str, set[str]]:
    """Per table, the columns rules compare across rows or tables: all but prose, and
    any column a key names."""
    kept: dict[str, set[str]] = {}
    for resource in descriptor.resources():
        schema = descriptor.schemas.get(resource.get("schema")) or {}
        columns = kept.setdefault(resource.get("name"), set())
        columns |= {
            f["name"] for f in table_schema.fields(schema) if not is_free_text(f)
        }
        columns |= set(table_schema.primary_key(schema))
        for own, target, other in table_schema.foreign_keys(schema):
            columns |= set(own)
            kept.setdefault(target or resource.get("name"), set()).update(other)
    return kept


def _data_layers(root: Path, descriptor, today: dt.date, quality, lap):
    """Each table is checked cell by cell and handed to GX as soon as it is read, then
    keeps only the columns later rules compare; rows are compared once all are read."""
    findings, tables, typed = [], {}, {}
    compared = compared_columns(descriptor)
    resources = {r.get("name"): r for r in descriptor.resources()}
    for table in iter_tables(root, descriptor):
        findings += grouped(csv_file.check(root, resources[table.name], table))
        lap("CSV files: scan, hash, parse")
        tables[table.name] = table
        if table.frame is None:
            continue
        findings += _guarded("pandera", contract.undecodable, {table.name: table})
        typed[table.name] = typed_frame(table, free_text=False)
        lap("pandera: typed loading")
        # GX gets the table first, and works on it while the checks below run here.
        _send_to_quality(root, table, typed[table.name], quality)
        lap("GX: building its input")
        findings += _guarded("iso-codes", iso_codes.check_states, {table.name: table})
        findings += _guarded("pandera", contract.check_cells, table)
        table.keep_only(compared.get(table.name, set()))
        lap("pandera: contract, cell by cell")
    readable = {name: t for name, t in tables.items() if t.frame is not None}
    findings += _guarded("pandera", contract.check_keys, readable)
    lap("pandera: contract, keys across rows and tables")
    schemas = {name: t.schema for name, t in readable.items()}
    files = {name: t.file for name, t in readable.items()}
    for table in readable.values():
        table.keep_only(set())  # the semantic rules read the typed tables only
    findings += _guarded("pandera", semantics.check, typed, schemas, files, today)
    findings += grouped(suites.drift(root, descriptor))
    lap("pandera: semantic rules")
    return findings, tables


def run_checks(
    root: Path,
    file: str = "datapackage.json",
    today: dt.date | None = None,
    data_docs: bool = False,
    quality=None,
    lap=None,
) -> tuple[list[Group], dict]:
    """All findings, grouped, and per table {"file": its CSV, "rows": rows read (None
    when unread)}.

    `quality` runs the GX layer: by default in this process; `make validate` passes a
    worker process started before anything else was imported. `lap(stage)` is called as
    each stage ends, for `make bench` to time them."""
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
    tables = {}
    if not metadata_broken:
        data_findings, tables = _data_layers(root, descriptor, today, quality, lap)
        findings += data_findings
    findings += quality.findings()
    summary = {
        name: {
            "file": path,
            "rows": tables[name].rows if name in tables else None,
        }
        for name, path in descriptor.resource_files().items()
    }
    return merge_groups(findings), summary
