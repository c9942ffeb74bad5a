"""Read each CSV once, byte-exactly, and report what is wrong with the file itself.

Problems found here (encoding, byte-order mark, line endings, truncation, header, ragged rows,
broken quoting, size and hash other than the descriptor records, files the descriptor does not
list) are ones a spreadsheet or a CSV library may silently repair, so they are checked on the
bytes before any table is built.

Two readers give the same table. A scan of the bytes (size, hash, line and quote counts)
comes first. When it shows a clean file where every record is one line, pyarrow parses it on
all cores and the row at position i is line i + 2. Anything else goes to Python's csv module,
which is slow but locates every problem by line.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from sco_data import arrow_text, table_schema
from sco_data.findings import Finding
from sco_data.text_rules import NOT_UTF8

LAYER = "csv-file"
BOM = b"\xef\xbb\xbf"
# Every byte but the control characters (LF ends lines): deleting them leaves only those.
NOT_CONTROL = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100)) + b"\n"
SCAN_BLOCK = 1 << 24  # bytes read at a time: the scan never holds a large file whole
STALE = "The file changed after `bytes` and `hash` were recorded in datapackage.json: run `make build`."


@dataclass
class RawTable:
    """A table as text: every cell a string, rows numbered by their CSV line (header = 1)."""

    name: str
    file: str
    schema: dict
    frame: pd.DataFrame | None = None  # columns = the schema's fields, all str
    undecodable: bool = False  # bytes that are not UTF-8 are held as surrogates
    header: list[str] = field(default_factory=list)  # the columns the file really has
    may_hold_control: bool = (
        True  # False when the bytes hold no control character but LF
    )
    ascii_only: bool = False  # True when every byte is ASCII
    findings: list[Finding] = field(default_factory=list)
    rows: int | None = None  # rows read; None when the file could not be read

    def keep_only(self, columns: set[str]) -> None:
        """Let the other columns' text go once every rule that reads it has run: prose
        (summaries, notes) is most of a large table's memory."""
        if self.frame is not None:
            for column in self.frame.columns:
                if column not in columns:
                    arrow_text.forget(self.frame[column])
            self.frame = self.frame[[c for c in self.frame.columns if c in columns]]


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


@dataclass
class _Scan:
    size: int = 0
    digest: str | None = None
    newlines: int = 0
    quotes: int = 0
    carriage_return: bool = False
    control: bool = False
    ascii: bool = True
    first_byte: bytes = b""
    last_byte: bytes = b""

    def one_line_records(self) -> bool:
        """No BOM, LF endings only, a final newline and balanced quotes: if pyarrow then
        reads one record per remaining line, no record spans two lines."""
        return (
            self.first_byte != BOM[:1]
            and not self.carriage_return
            and self.last_byte == b"\n"
            and self.quotes % 2 == 0
        )


def _hash_algorithm(recorded) -> tuple[str, str] | None:
    """(algorithm, hex digest) of a descriptor `hash`; Data Package's default is MD5."""
    if not isinstance(recorded, str):
        return None
    algorithm, _, digest = recorded.rpartition(":")
    algorithm = algorithm or "md5"
    return (algorithm, digest) if algorithm in hashlib.algorithms_available else None


def scan_bytes(path: Path, algorithm: str | None) -> _Scan:
    scan = _Scan()
    hasher = hashlib.new(algorithm) if algorithm else None
    with path.open("rb") as handle:
        while block := handle.read(SCAN_BLOCK):
            if not scan.size:
                scan.first_byte = block[:1]
            scan.size += len(block)
            scan.newlines += block.count(b"\n")
            scan.quotes += block.count(b'"')
            scan.carriage_return |= b"\r" in block
            scan.control |= bool(block.translate(None, NOT_CONTROL))
            scan.ascii &= block.isascii()
            scan.last_byte = block[-1:]
            if hasher:
                hasher.update(block)
    scan.digest = hasher.hexdigest() if hasher else None
    return scan


def _integrity_findings(file: str, resource: dict, scan: _Scan) -> list[Finding]:
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
    expected = _hash_algorithm(resource.get("hash"))
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


def _read_fast(path: Path, header: list[str], scan: _Scan) -> pd.DataFrame | None:
    """Every cell as text, parsed by pyarrow; None when the file needs the exact reader."""
    if not scan.one_line_records() or len(set(header)) != len(header):
        return None
    text = pa.string()
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, text),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # ragged rows, bad quoting, bytes that are not UTF-8: located below
    if table.num_rows != scan.newlines - 1:
        return None  # blank lines or line breaks inside cells: line numbers would drift
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(2, table.num_rows + 2, name="line")
    return frame


def _read_exact(table: RawTable, path: Path, header: list[str]) -> pd.DataFrame:
    """The csv module's reading, which reports each broken line where it is."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Keep the bad bytes as surrogates, for the cell rules to report with their cell.
        text = data.decode("utf-8", "surrogateescape")
        table.undecodable = True
    text = text.removeprefix("\ufeff")
    table.findings += _byte_findings(table.file, data, header)
    rows, lines, parse_findings = _parse(table.file, text, len(header), header)
    table.findings += parse_findings
    # Undecodable bytes survive only in Python strings (Arrow-backed text cannot hold them).
    dtype = object if table.undecodable else "str"
    frame = pd.DataFrame(rows, columns=header, dtype=dtype)
    frame.index = pd.Index(lines, name="line")
    return frame


def _header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8", "surrogateescape")
    return next(csv.reader([first.removeprefix("\ufeff").rstrip("\r\n")]), [])


def read_table(root: Path, resource: dict, schema: dict) -> RawTable:
    name, file = resource["name"], resource["path"]
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
    recorded_hash = _hash_algorithm(resource.get("hash"))
    scan = scan_bytes(path, recorded_hash[0] if recorded_hash else None)
    table.findings += _integrity_findings(file, resource, scan)
    table.may_hold_control, table.ascii_only = scan.control, scan.ascii
    header = _header(path)
    table.header = header
    table.findings += _header_findings(file, header, expected)
    frame = _read_fast(path, header, scan)
    if frame is None:
        frame = _read_exact(table, path, header)
    # Later checks see the schema's columns; a missing column reads as empty.
    if list(frame.columns) != expected:
        frame = frame.reindex(columns=expected, fill_value="")
    table.frame, table.rows = frame, len(frame)
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
