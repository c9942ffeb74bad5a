"""`make validate`: run every check on the package and print one report.

Layers, in order: the descriptor (readable JSON, strict keys, frictionless metadata), the
frictionless contract, the CSV files themselves, the pandera layer (the compiled Table Schema
contract, typed loading, semantic and cross-table rules, ISO codes), and the Great
Expectations suites. Exit 0 when the package is valid, 1 when any check finds a problem,
2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sco_data import (
    contract,
    csv_files,
    descriptor_keys,
    expectation_suites,
    frictionless_check,
    iso_codes,
    quality_check,
    report,
    semantic_rules,
    table_schema,
)
from sco_data.descriptor import read as read_descriptor
from sco_data.findings import Finding, merge_duplicates
from sco_data.load import read_tables, typed_frame


def _guarded(layer: str, check, *args) -> list[Finding]:
    """Run one layer; should it crash on input nobody foresaw, report that as a finding
    instead of a traceback, so the other layers' findings still reach the contributor."""
    try:
        return check(*args)
    except Exception as error:  # noqa: BLE001 - the report must always be printed
        message = (
            f"The {layer} check stopped on this input ({type(error).__name__}: {error}). "
            "Fix the problems reported above first; if none are, please open an issue."
        )
        return [
            Finding(
                layer, "datapackage.json", None, None, "check-failed", None, message
            )
        ]


def _data_layers(
    root: Path, descriptor, tables: dict, today: dt.date, data_docs: bool
) -> list[Finding]:
    findings = []
    for table in tables.values():
        findings += table.findings
    readable = {name: t for name, t in tables.items() if t.frame is not None}
    findings += _guarded("pandera", contract.check, readable)
    findings += _guarded("iso-codes", iso_codes.check_states, readable)
    schemas = {name: t.schema for name, t in readable.items()}
    files = {name: t.file for name, t in readable.items()}
    typed = {name: typed_frame(t) for name, t in readable.items()}
    findings += _guarded("pandera", semantic_rules.check, typed, schemas, files, today)
    findings += expectation_suites.drift(root, descriptor)
    # Expectations read columns by name: a table whose header is wrong is reported above.
    shaped = {n: t for n, t in readable.items() if t.header == list(t.frame.columns)}
    typed = {name: typed[name] for name in shaped}
    raw = {name: t.frame for name, t in shaped.items()}
    missing = {name: table_schema.missing_values(s) for name, s in schemas.items()}
    findings += _guarded(
        "great-expectations",
        quality_check.check,
        root,
        typed,
        raw,
        missing,
        files,
        data_docs,
    )
    return findings


def run_checks(
    root: Path,
    file: str = "datapackage.json",
    today: dt.date | None = None,
    data_docs: bool = False,
) -> tuple[list[Finding], dict]:
    """All findings, and per table {"file": its CSV, "rows": rows read (None when unread)}."""
    today = today or dt.date.today()
    descriptor = read_descriptor(root, file)
    findings = descriptor.problems + descriptor_keys.check_package(descriptor)
    contract_findings, rows = frictionless_check.check_package(root, descriptor)
    findings += contract_findings
    # Data cannot be checked against a descriptor or schema that is itself broken.
    contract_files = {descriptor.file, *descriptor.schemas}
    metadata_broken = any(
        f.file in contract_files for f in findings if f.layer != "descriptor-keys"
    )
    tables = read_tables(root, descriptor)
    listed = set(descriptor.resource_files().values())
    findings += csv_files.unlisted_files(root, listed)
    if not metadata_broken:
        findings += _data_layers(root, descriptor, tables, today, data_docs)
    summary = {
        name: {
            "file": path,
            "rows": rows.get(name)
            if rows.get(name) is not None
            else (
                len(tables[name].frame)
                if name in tables and tables[name].frame is not None
                else None
            ),
        }
        for name, path in descriptor.resource_files().items()
    }
    return merge_duplicates(findings), summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "root", nargs="?", default=".", help="folder holding datapackage.json"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--no-data-docs",
        action="store_true",
        help=f"skip writing the HTML report to {quality_check.DATA_DOCS}/",
    )
    args = parser.parse_args(argv)
    root = Path(args.root)
    descriptor = "datapackage.json"
    if not (root / descriptor).is_file():
        print(f"No {descriptor} in {root.resolve()}.", file=sys.stderr)
        return 2
    findings, tables = run_checks(root, descriptor, data_docs=not args.no_data_docs)
    render = report.as_json if args.format == "json" else report.as_text
    print(render(findings, tables))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
