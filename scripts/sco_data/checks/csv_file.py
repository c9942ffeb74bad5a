"""The CSV file layer: what a spreadsheet or a CSV library would silently repair.

Checked on the file, from what the reader's scan of its bytes recorded, before any cell is:
encoding and byte-order mark, line endings, a missing final newline (truncation), the header
against the schema (missing, extra, renamed, reordered columns), a size or hash other than the
descriptor records, and CSVs the descriptor does not list. Ragged rows, broken quoting and blank
lines are located by the reader as it parses (`sco_data.package.csv_reader`).
"""

from __future__ import annotations

from pathlib import Path

from sco_data.findings import Finding
from sco_data.package import table_schema
from sco_data.package.csv_reader import BOM, LAYER, ByteScan, RawTable, recorded_hash

STALE = "The file changed after `bytes` and `hash` were recorded in datapackage.json: run `make build`."


def _finding(file, line, column, rule, value, message) -> Finding:
    return Finding(LAYER, file, line, column, rule, value, message)


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _byte_findings(file: str, data: bytes, header: list[str]) -> list[Finding]:
    findings = []
    first_column = header[0] if header else None
    last_column = header[-1] if header else None
    if data.startswith(BOM):
        findings.append(
            _finding(
                file,
                1,
                first_column,
                "byte-order-mark",
                None,
                "The file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM.",
            )
        )
    carriage = data.find(b"\r")
    carriages = data.count(b"\r")
    if carriage != -1:
        crlf_lines = data.count(b"\r\n")
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        kind = "CRLF" if crlf_lines == carriages else "CR"
        mixed = "mixed with LF, " if crlf_lines < lines else ""
        findings.append(
            _finding(
                file,
                _line_of_offset(data, carriage),
                last_column,
                "line-endings",
                None,
                f"Line ends with {kind} ({mixed}{carriages} line(s)); "
                "the package uses LF line endings only.",
            )
        )
    if data and not data.endswith(b"\n"):
        findings.append(
            _finding(
                file,
                _line_of_offset(data, len(data)),
                None,
                "no-final-newline",
                None,
                "The last line does not end with a newline: the file may be truncated.",
            )
        )
    return findings


def _header_findings(
    file: str, header: list[str], expected: list[str]
) -> list[Finding]:
    if header == expected:
        return []
    if sorted(header) == sorted(expected):
        return [
            _finding(
                file,
                1,
                name,
                "column-order",
                name,
                f"Column '{name}' is in position {header.index(name) + 1}; "
                f"the schema puts it in position {position}.",
            )
            for position, name in enumerate(expected, start=1)
            if header.index(name) + 1 != position
        ][:1]
    findings = []
    missing = [name for name in expected if name not in header]
    extra = [name for name in header if name not in expected]
    for name in missing:
        renamed = ""
        position = expected.index(name)
        if position < len(header) and header[position] in extra:
            renamed = f" (column {position + 1} is named '{header[position]}' instead)"
        findings.append(
            _finding(
                file,
                1,
                name,
                "missing-column",
                None,
                f"The header lacks column '{name}'{renamed}; "
                "columns must match the schema's fields.",
            )
        )
    for name in extra:
        findings.append(
            _finding(
                file,
                1,
                name,
                "extra-column",
                name,
                f"Column '{name}' is not a field of the schema; "
                "add it to the schema or remove it.",
            )
        )
    return findings


def _integrity_findings(file: str, resource: dict, scan: ByteScan) -> list[Finding]:
    findings = []
    recorded_bytes = resource.get("bytes")
    if isinstance(recorded_bytes, int) and recorded_bytes != scan.size:
        findings.append(
            _finding(
                file,
                None,
                None,
                "byte-count",
                str(scan.size),
                f"The file has {scan.size} bytes; datapackage.json records "
                f"{recorded_bytes}. {STALE}",
            )
        )
    expected = recorded_hash(resource.get("hash"))
    if expected and expected[1] != scan.digest:
        findings.append(
            _finding(
                file,
                None,
                None,
                "hash-count",
                f"{expected[0]}:{scan.digest}",
                f"The file's {expected[0]} hash is not the one datapackage.json records. "
                f"{STALE}",
            )
        )
    return findings


def unlisted_files(root: Path, listed: set[str]) -> list[Finding]:
    """CSV files under data/ that no resource names: they would never be validated."""
    data_dir = root / "data"
    if not data_dir.is_dir():
        return []
    return [
        _finding(
            path.relative_to(root).as_posix(),
            None,
            None,
            "unlisted-file",
            None,
            "This CSV is not listed in datapackage.json, so it is neither validated "
            "nor published; add a resource for it or remove it.",
        )
        for path in sorted(data_dir.rglob("*.csv"))
        if path.relative_to(root).as_posix() not in listed
    ]


def _needs_byte_findings(table: RawTable) -> bool:
    scan = table.scan
    return scan.first_byte == BOM[:1] or scan.carriage_return or scan.last_byte != b"\n"


def check(root: Path, resource: dict, table: RawTable) -> list[Finding]:
    """The file's own problems, then those its reading met."""
    if table.scan is None:
        return table.findings  # the file is missing: reading said so
    findings = _integrity_findings(table.file, resource, table.scan)
    expected = table_schema.field_names(table.schema)
    findings += _header_findings(table.file, table.header, expected)
    if _needs_byte_findings(table):  # rare: the scan alone cannot say on which line
        data = (root / table.file).read_bytes()
        findings += _byte_findings(table.file, data, table.header)
    return findings + table.findings
