"""Read each CSV once, byte-exactly, and report what is wrong with the file itself.

Problems found here (encoding, byte-order mark, line endings, truncation, header, ragged rows,
broken quoting, files the descriptor does not list) are ones a spreadsheet or a CSV library
may silently repair, so they are checked on the bytes before any table is built.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sco_data import table_schema
from sco_data.findings import Finding
from sco_data.text_rules import NOT_UTF8

LAYER = "csv-file"
BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """A table as text: every cell a string, rows numbered by their CSV line (header = 1)."""

    name: str
    file: str
    schema: dict
    frame: pd.DataFrame | None = None  # columns = the schema's fields, all str
    undecodable: bool = False  # bytes that are not UTF-8 are held as surrogates
    header: list[str] = field(default_factory=list)  # the columns the file really has
    findings: list[Finding] = field(default_factory=list)


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


def _parse(file: str, text: str, header_size: int, names: list[str]):
    """Rows as lists of strings plus their line numbers, and ragged/quoting findings."""
    rows, lines, findings = [], [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        next(reader, None)
        for row in reader:
            line = reader.line_num
            if not row:
                findings.append(
                    _finding(file, line, None, "blank-row", None, "The line is empty.")
                )
                continue
            if len(row) != header_size:
                column = names[min(len(row), header_size) - (len(row) > header_size)]
                findings.append(
                    _finding(
                        file,
                        line,
                        column,
                        "ragged-row",
                        str(len(row)),
                        f"The row has {len(row)} cells but the header has {header_size}"
                        f"; check commas and quotes near '{column}'.",
                    )
                )
                row = (row + [""] * header_size)[:header_size]
            rows.append(row)
            lines.append(line)
    except csv.Error as error:
        findings.append(
            _finding(
                file,
                reader.line_num or line,
                None,
                "csv-syntax",
                None,
                f"The CSV cannot be parsed here ({error}); a quote is probably not closed.",
            )
        )
    return rows, lines, findings


def read_table(root: Path, name: str, file: str, schema: dict) -> RawTable:
    table = RawTable(name, file, schema)
    path = root / file
    expected = table_schema.field_names(schema)
    if not path.is_file():
        table.findings.append(
            _finding(
                file,
                None,
                None,
                "missing-file",
                None,
                f"The descriptor lists resource '{name}' but {file} does not exist.",
            )
        )
        return table
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Keep the bad bytes as surrogates, for the cell rules to report with their cell.
        text = data.decode("utf-8", "surrogateescape")
        table.undecodable = True
    text = text.removeprefix("\ufeff")
    header_row = next(csv.reader(io.StringIO(text, newline="")), [])
    table.header = header_row
    table.findings += _byte_findings(file, data, header_row)
    table.findings += _header_findings(file, header_row, expected)
    rows, lines, parse_findings = _parse(file, text, len(header_row), header_row)
    table.findings += parse_findings
    # Undecodable bytes survive only in Python strings (Arrow-backed text cannot hold them).
    dtype = object if table.undecodable else "str"
    frame = pd.DataFrame(rows, columns=header_row, dtype=dtype)
    # Later checks see the schema's columns; a missing column reads as empty.
    frame = frame.reindex(columns=expected, fill_value="")
    frame.index = pd.Index(lines, name="line")
    table.frame = frame
    return table


def without_undecodable(table: RawTable) -> pd.DataFrame:
    """The frame with undecodable bytes shown as U+FFFD, once the cell rules have located
    them: later layers hash and compare text, which surrogates would break."""
    if not table.undecodable:
        return table.frame
    table.undecodable = False
    return table.frame.replace(NOT_UTF8, "\ufffd", regex=True).astype("str")


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
