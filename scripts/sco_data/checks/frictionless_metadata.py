"""frictionless, the public contract: metadata validation, and the full reference validation.

`make validate` asks frictionless to validate the descriptor and the Table Schemas
(`check_metadata`). The rows are checked against the same Table Schemas by the compiled
pandera contract, which is vectorised; frictionless reads rows one by one, about twenty times
slower. The full `frictionless validate` (`check_package`) stays the reference the package must
also pass: the tests run it on the package, and show on every bad-input fixture that the
compiled contract flags at least every row and field it flags.
"""

from __future__ import annotations

from pathlib import Path

import frictionless

from sco_data.checks.csv_file import STALE
from sco_data.findings import Finding
from sco_data.package.descriptor import Descriptor

LAYER = "frictionless"


def _columns(error, schema_fields: list[str], primary_key: list[str]) -> str | None:
    """The field(s) an error is about; frictionless names them in different attributes per error type."""
    name = getattr(error, "field_name", None)
    if name:
        return name
    names = getattr(error, "field_names", None)
    if names:
        return ",".join(names)
    if error.type == "primary-key" and primary_key:
        return ",".join(primary_key)
    number = getattr(error, "field_number", None)
    if number and 0 < number <= len(schema_fields):
        return schema_fields[number - 1]
    return None


def _value(error) -> str | None:
    cell = getattr(error, "cell", None)
    if cell is not None:
        return str(cell)
    cells = getattr(error, "field_cells", None)
    if cells:
        return ",".join(str(c) for c in cells)
    return None


def _with_hint(error) -> str:
    if error.type in ("hash-count", "byte-count"):
        return f"{error.message} {STALE}"
    return error.message


def _metadata_findings(errors, file: str) -> list[Finding]:
    return [Finding(LAYER, file, None, None, e.type, None, e.message) for e in errors]


def check_metadata(root: Path, descriptor: Descriptor) -> list[Finding]:
    """Metadata errors, each under the file that holds it (frictionless alone names only the package)."""
    findings = []
    for schema_file, schema in descriptor.schemas.items():
        report = frictionless.Schema.validate_descriptor(schema)
        findings += _metadata_findings(report.errors, schema_file)
    if not findings:
        report = frictionless.Package.validate_descriptor(str(root / descriptor.file))
        findings += _metadata_findings(report.errors, descriptor.file)
    return findings


def check_package(root: Path, descriptor: Descriptor) -> tuple[list[Finding], dict]:
    """Validate the package; return the findings and a {resource name: row count} map."""
    # Data cannot be read against a broken contract: report the contract alone.
    metadata_findings = check_metadata(root, descriptor)
    if metadata_findings:
        return metadata_findings, {}
    try:
        package = frictionless.Package(str(root / descriptor.file))
        report = package.validate()
    except frictionless.FrictionlessException as exception:
        return _metadata_findings([exception.error], descriptor.file), {}
    findings = _metadata_findings(report.errors, descriptor.file)
    rows = {}
    for task in report.tasks:
        rows[task.name] = task.stats.get("rows")
        findings += task_findings(package, task)
    return findings, rows


def task_findings(package: frictionless.Package, task) -> list[Finding]:
    """The findings of one resource's validation task."""
    schema = package.get_resource(task.name).schema
    return [
        Finding(
            layer=LAYER,
            file=task.place,
            line=getattr(error, "row_number", None),
            column=_columns(error, schema.field_names, schema.primary_key),
            rule=error.type,
            value=_value(error),
            message=_with_hint(error),
        )
        for error in task.errors
    ]
