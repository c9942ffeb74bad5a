"""Read each CSV once, byte-exactly, into a table of text.

What the reading itself meets (a missing file, ragged rows, broken quoting, blank lines) is
recorded on the table as it is found, since only the parser can locate it. Everything else about
the file (bytes, hash, header, line endings) is judged by `sco_data.checks.csv_file` from what
the scan recorded.

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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from sco_data.findings import Finding
from sco_data.package import arrow_text, table_schema

LAYER = (
    "csv-file"  # the reader reports what only parsing sees; the layer judges the rest
)
NOT_UTF8 = "[\udc80-\udcff]"  # how undecodable bytes survive reading (surrogateescape)
BOM = b"\xef\xbb\xbf"
# Every byte but the control characters (LF ends lines): deleting them leaves only those.
NOT_CONTROL = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100)) + b"\n"
SCAN_BLOCK = 1 << 24  # bytes read at a time: the scan never holds a large file whole


@dataclass
class RawTable:
    """A table as text: every cell a string, rows numbered by their CSV line (header = 1)."""

    name: str
    file: str
    schema: dict
    frame: pd.DataFrame | None = None  # columns = the schema's fields, all str
    undecodable: bool = False  # bytes that are not UTF-8 are held as surrogates
    header: list[str] = field(default_factory=list)  # the columns the file really has
    scan: ByteScan | None = None  # what the scan of its bytes found; None if no file
    findings: list[Finding] = field(default_factory=list)  # what reading met
    rows: int | None = None  # rows read; None when the file could not be read
    _distinct: dict[str, tuple[np.ndarray, pd.Series]] = field(
        default_factory=dict, repr=False
    )

    @property
    def may_hold_control(self) -> bool:
        """False when the scan saw no control character but LF in the bytes."""
        return self.scan is None or self.scan.control

    @property
    def ascii_only(self) -> bool:
        return self.scan is not None and self.scan.ascii

    def distinct(self, column: str) -> tuple[np.ndarray, pd.Series]:
        """(codes, distinct values) of a column, so that `values.iloc[codes]` is the column.

        Worked out once per column and kept with the table, for every rule that reads it:
        the contract tests each distinct value once, the typed loader parses each distinct
        date once, key checks find repeats from the codes, and GX gets categoricals built
        from it. A million rows of a real table name a few thousand events or dates."""
        if column not in self._distinct:
            self._distinct[column] = arrow_text.factorize(self.frame[column])
        return self._distinct[column]

    def replace_frame(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._distinct.clear()

    def keep_only(self, columns: set[str]) -> None:
        """Let the other columns' text go once every rule that reads it has run: prose
        (summaries, notes) is most of a large table's memory."""
        if self.frame is not None:
            for column in set(self._distinct) - columns:
                del self._distinct[column]
            self.frame = self.frame[[c for c in self.frame.columns if c in columns]]


def _finding(file, line, column, rule, value, message) -> Finding:
    return Finding(LAYER, file, line, column, rule, value, message)


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
class ByteScan:
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


def recorded_hash(recorded) -> tuple[str, str] | None:
    """(algorithm, hex digest) of a descriptor `hash`; Data Package's default is MD5."""
    if not isinstance(recorded, str):
        return None
    algorithm, _, digest = recorded.rpartition(":")
    algorithm = algorithm or "md5"
    return (algorithm, digest) if algorithm in hashlib.algorithms_available else None


def scan_bytes(path: Path, algorithm: str | None) -> ByteScan:
    scan = ByteScan()
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


def _read_fast(path: Path, header: list[str], scan: ByteScan) -> pd.DataFrame | None:
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
    rows, lines, parse_findings = _parse(table.file, text, len(header), header)
    table.findings += parse_findings
    # Undecodable bytes survive only in Python strings (Arrow-backed text cannot hold them).
    dtype = object if table.undecodable else "str"
    frame = pd.DataFrame(rows, columns=header, dtype=dtype)
    frame.index = pd.Index(lines, name="line")
    return frame


def header_of(path: Path) -> list[str]:
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
    algorithm = recorded_hash(resource.get("hash"))
    scan = scan_bytes(path, algorithm[0] if algorithm else None)
    header = header_of(path)
    table.scan, table.header = scan, header
    frame = _read_fast(path, header, scan)
    if frame is None:
        frame = _read_exact(table, path, header)
    # Later checks see the schema's columns; a missing column reads as empty.
    if list(frame.columns) != expected:
        frame = frame.reindex(columns=expected, fill_value="")
    table.frame, table.rows = frame, len(frame)
    return table
