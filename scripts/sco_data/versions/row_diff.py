"""Row-level differences between two versions of each table, keyed by primary key (daff)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import daff

from sco_data.package import table_schema
from sco_data.package.descriptor import Descriptor

MARKERS = {"+++": "added", "---": "removed", "->": "changed"}


@dataclass
class TableDiff:
    table: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    columns_changed: bool = False
    rows: list[list[str]] = field(default_factory=list)  # daff's highlighter rows
    key: list[str] = field(default_factory=list)  # the primary key's columns

    def keys(self, marker: str) -> list[str]:
        """The primary key of each row marked `marker` (+++, --- or ->), as `a/b` text."""
        header = next((row for row in self.rows if row and row[0] == "@@"), None)
        if header is None:
            return []
        columns = [header.index(c) for c in self.key if c in header] or [1]
        return [
            "/".join(_new_side(row[i]) for i in columns)
            for row in self.rows
            if row and row[0] == marker
        ]

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.columns_changed)


def _read(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    return list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))


def diff_table(name: str, old: list[list[str]], new: list[list[str]], key: list[str]):
    result = TableDiff(name, key=list(key))
    if not old or not new:  # a table added or removed: every row counts
        rows = new or old
        count = max(len(rows) - 1, 0)
        result.added, result.removed = (count, 0) if new else (0, count)
        return result
    flags = daff.CompareFlags()
    for column in key:
        if column in old[0] and column in new[0]:
            flags.addPrimaryKey(column)
    flags.unchanged_context = 0
    alignment = daff.Coopy.compareTables(
        daff.PythonTableView(old), daff.PythonTableView(new), flags
    ).align()
    highlighter = daff.PythonTableView([])
    table_diff = daff.TableDiff(alignment, flags)
    table_diff.hilite(highlighter)
    summary = table_diff.getSummary()
    result.added, result.removed = summary.row_inserts, summary.row_deletes
    result.changed = summary.row_updates
    result.columns_changed = bool(
        summary.col_inserts or summary.col_deletes or summary.col_renames
    )
    result.rows = [list(map(_text, row)) for row in highlighter.data]
    return result


def _text(value) -> str:
    return "" if value is None else str(value)


def _new_side(cell: str) -> str:
    """A changed cell reads `old->new`; its key is the new value."""
    return cell.split("->")[-1]


def diff_packages(old_root: Path, old: Descriptor, new_root: Path, new: Descriptor):
    old_files, new_files = old.resource_files(), new.resource_files()
    new_schemas, old_schemas = new.table_schemas(), old.table_schemas()
    diffs = []
    for name in list(new_files) + [n for n in old_files if n not in new_files]:
        schema = new_schemas.get(name) or old_schemas.get(name) or {}
        old_rows = _read(old_root / old_files[name]) if name in old_files else []
        new_rows = _read(new_root / new_files[name]) if name in new_files else []
        diffs.append(
            diff_table(name, old_rows, new_rows, table_schema.primary_key(schema))
        )
    return diffs


def as_text(diffs: list[TableDiff], base: str) -> str:
    lines = [f"Row changes since {base}, keyed by each table's primary key:"]
    for diff in diffs:
        if not diff.any:
            continue
        lines.append(
            f"\n{diff.table}: {diff.added} added, {diff.removed} removed, "
            f"{diff.changed} changed"
            + (" (columns changed)" if diff.columns_changed else "")
        )
        for row in diff.rows:
            if row and row[0] in MARKERS or (row and row[0] == "@@"):
                lines.append("  " + " | ".join(row))
    if len(lines) == 1:
        lines.append("  none")
    return "\n".join(lines)


def as_markdown(diffs: list[TableDiff], base: str) -> str:
    lines = [
        f"Changes to the data since {base}:",
        "",
        "| table | rows added | rows removed | rows changed |",
        "|---|---:|---:|---:|",
    ]
    changed = [d for d in diffs if d.any]
    for diff in changed:
        lines.append(
            f"| `{diff.table}` | {diff.added} | {diff.removed} | {diff.changed} |"
        )
    if not changed:
        lines.append("| (none) | 0 | 0 | 0 |")
    return "\n".join(lines)
