"""Read each CSV once, byte-exactly, into a table of text.

What the reading itself meets (a missing file, ragged rows, broken quoting, blank lines) is
recorded on the table as it is found, since only the parser can locate it. Everything else about
the file (bytes, hash, header, line endings) is judged by `sco_data.checks.csv_file` from what
the scan recorded.

Two readers give the same table, a batch of rows at a time (`batches`), so that a file of any
size is held a few tens of MB at a time. A scan of the bytes (size, hash, line and quote
counts) comes first. When it shows a clean file where every record is one line, pyarrow's
streaming reader parses it and the row at position i is line i + 2. Anything else goes to
Python's csv module, which is slow but locates every problem by line; so does a file the fast
reader gives up on midway (the caller starts it again).
"""

from __future__ import annotations

import csv
import hashlib
import re
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
UNDECODABLE = re.compile(NOT_UTF8)
BOM = b"\xef\xbb\xbf"
# Every byte but the control characters (LF ends lines): deleting them leaves only those.
NOT_CONTROL = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100)) + b"\n"
SCAN_BLOCK = 1 << 24  # bytes read at a time: the scan never holds a large file whole
# CSV bytes parsed at a time: a batch and what its checks build stay a few hundred MB,
# however large the file.
BATCH_BYTES = 1 << 25
# What pyarrow's streaming reader parses at a time: it holds about 17 times this in buffers
# of its own, so the batch above is gathered from several such blocks.
READ_BLOCK = 1 << 22


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

        Worked out once per column and kept with the table (or batch), for every rule that
        reads it: the contract tests each distinct value once, the typed loader parses each
        distinct date once, the kept hashes hash each distinct id once, and GX gets
        categoricals built from it. A million rows of a real table name a few thousand
        events or dates."""
        if column not in self._distinct:
            self._distinct[column] = arrow_text.factorize(self.frame[column])
        return self._distinct[column]

    def replace_frame(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._distinct.clear()

    def holding(self, frame: pd.DataFrame, undecodable: bool = False) -> RawTable:
        """The same file's table holding `frame`: one batch of its rows."""
        return RawTable(
            self.name,
            self.file,
            self.schema,
            frame,
            undecodable,
            self.header,
            self.scan,
            rows=len(frame),
        )


def _finding(file, line, column, rule, value, message) -> Finding:
    return Finding(LAYER, file, line, column, rule, value, message)


def _parsed_rows(file: str, handle, names: list[str], findings: list[Finding]):
    """(line, row) for each record after the header; ragged and quoting problems are
    appended to `findings` as they are met."""
    header_size = len(names)
    reader = csv.reader(handle, strict=True)
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
            yield line, row
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


class NeedsExactReader(Exception):
    """The fast reader met something only the exact reader can locate by line."""


def _frame(frame: pd.DataFrame, expected: list[str]) -> pd.DataFrame:
    # Later checks see the schema's columns; a missing column reads as empty.
    if list(frame.columns) != expected:
        frame = frame.reindex(columns=expected, fill_value="")
    return frame


def _gathered(reader, batch_bytes: int):
    """The reader's record batches, gathered into lists of about `batch_bytes`."""
    blocks, size = [], 0
    for block in reader:
        blocks.append(block)
        size += block.nbytes
        if size >= batch_bytes:
            yield blocks
            blocks, size = [], 0
    if blocks:
        yield blocks


def _fast_batches(path: Path, header: list[str], scan: ByteScan, batch_bytes: int):
    """Frames of every cell as text, parsed by pyarrow about `batch_bytes` of CSV at a
    time; the row at position i of the file is line i + 2.

    Raises NeedsExactReader, possibly after some batches, when the file turns out to
    need the exact reader: the caller then starts the file again with it."""
    if not scan.one_line_records() or len(set(header)) != len(header):
        raise NeedsExactReader
    text = pa.string()
    line = 2
    try:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(
                column_names=header,
                skip_rows=1,
                block_size=min(READ_BLOCK, batch_bytes),
                use_threads=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, text),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for blocks in _gathered(reader, batch_bytes):
            frame = pa.Table.from_batches(blocks).to_pandas()
            frame.index = pd.RangeIndex(line, line + len(frame), name="line")
            line += len(frame)
            yield frame
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        # ragged rows, bad quoting, bytes that are not UTF-8: located by the exact reader
        raise NeedsExactReader from error
    if line - 2 != scan.newlines - 1:
        raise NeedsExactReader  # blank lines or line breaks in cells: lines drifted
    if line == 2:
        yield pd.DataFrame(
            {name: pd.Series([], dtype="str") for name in header},
            index=pd.RangeIndex(2, 2, name="line"),
        )


def _exact_frame(
    rows: list, lines: list, header: list[str]
) -> tuple[pd.DataFrame, bool]:
    # Undecodable bytes survive only in Python strings (Arrow-backed text cannot hold them).
    undecodable = any(
        UNDECODABLE.search(cell) for row in rows for cell in row if not cell.isascii()
    )
    frame = pd.DataFrame(rows, columns=header, dtype=object if undecodable else "str")
    frame.index = pd.Index(lines, name="line")
    return frame, undecodable


def _exact_batches(table: RawTable, path: Path, header: list[str], batch_rows: int):
    """(frame, undecodable) batches by the csv module, which reports each broken line
    where it is, into `table.findings`."""
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        rows, lines, sent = [], [], False
        for line, row in _parsed_rows(table.file, handle, header, table.findings):
            rows.append(row)
            lines.append(line)
            if len(rows) == batch_rows:
                yield _exact_frame(rows, lines, header)
                rows, lines, sent = [], [], True
        if rows or not sent:
            yield _exact_frame(rows, lines, header)


def batches(
    root: Path, table: RawTable, batch_bytes: int = BATCH_BYTES, exact: bool = False
):
    """The rows of an opened table, as tables of the same file each holding one batch.

    The fast reader is tried unless `exact`; it raises NeedsExactReader when the file
    needs the exact reader, which the caller then asks for."""
    path = root / table.file
    expected = table_schema.field_names(table.schema)
    if not exact:
        for frame in _fast_batches(path, table.header, table.scan, batch_bytes):
            yield table.holding(_frame(frame, expected))
        return
    rows = max(batch_bytes // max(table.scan.size // max(table.scan.newlines, 1), 1), 1)
    for frame, undecodable in _exact_batches(table, path, table.header, rows):
        yield table.holding(_frame(frame, expected), undecodable)


def _read_fast(path: Path, header: list[str], scan: ByteScan) -> pd.DataFrame | None:
    """The whole file by the fast reader; None when it needs the exact reader."""
    try:
        return pd.concat(list(_fast_batches(path, header, scan, BATCH_BYTES)))
    except NeedsExactReader:
        return None


def _read_exact(table: RawTable, path: Path, header: list[str]) -> pd.DataFrame:
    parts = list(_exact_batches(table, path, header, batch_rows=1 << 62))
    table.undecodable = any(undecodable for _, undecodable in parts)
    if table.undecodable:
        return pd.concat([frame.astype(object) for frame, _ in parts])
    return pd.concat([frame for frame, _ in parts])


def header_of(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8", "surrogateescape")
    return next(csv.reader([first.removeprefix("\ufeff").rstrip("\r\n")]), [])


def open_table(root: Path, resource: dict, schema: dict) -> RawTable:
    """The table's file scanned and its header read; its rows come from `batches`."""
    name, file = resource["name"], resource["path"]
    table = RawTable(name, file, schema)
    path = root / file
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
    table.scan = scan_bytes(path, algorithm[0] if algorithm else None)
    table.header = header_of(path)
    return table


def read_table(root: Path, resource: dict, schema: dict) -> RawTable:
    """The whole table in memory, for callers that need all of it at once."""
    table = open_table(root, resource, schema)
    if table.scan is None:
        return table
    path = root / table.file
    frame = _read_fast(path, table.header, table.scan)
    if frame is None:
        frame = _read_exact(table, path, table.header)
    table.frame = _frame(frame, table_schema.field_names(schema))
    table.rows = len(table.frame)
    return table
