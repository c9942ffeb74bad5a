"""One shape for every problem any check finds, so the report can list them together."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Finding:
    layer: str  # which check found it: descriptor, frictionless, csv-file, pandera, ...
    file: str  # path relative to the package root
    line: int | None  # CSV line number (header = 1); None for whole-file findings
    column: str | None  # field name(s), or a JSON path for descriptor findings
    rule: str  # short machine-readable name of the rule broken
    value: str | None  # the offending value, when there is one
    message: str  # a sentence a contributor understands
    also_found_by: tuple[str, ...] = ()  # other layers that found the same problem

    def as_dict(self) -> dict:
        found = asdict(self)
        found["also_found_by"] = list(self.also_found_by)
        return found

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", {self.column}"
        return where


def check_failed(layer: str, detail: str) -> Finding:
    """A layer that stopped on input nobody foresaw: said as a finding, never a traceback."""
    return Finding(
        layer,
        "datapackage.json",
        None,
        None,
        "check-failed",
        None,
        f"The {layer} check stopped on this input ({detail}). "
        "Fix the problems reported above first; if none are, please open an issue.",
    )


def cell_text(value) -> str:
    """A typed cell as a finding shows it: empty for missing, dates as YYYY-MM-DD."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


@dataclass(frozen=True, eq=False)
class Group:
    """Every finding of one rule in one column of one file, by one layer: the message once,
    how many cells or rows, and where. A whole column written wrong is one group, however
    long the table, so the report stays short and building it stays cheap."""

    layer: str
    file: str
    column: str | None
    rule: str
    message: str  # said once, for the first example
    count: int  # cells or rows found; 1 for a finding about a whole file
    lines: (
        np.ndarray
    )  # CSV lines, ascending: all of them, or the first ones (see `partial`)
    values: Sequence | None = None  # the offending value on each of `lines`, when any
    also_found_by: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        """True when only the first lines are known (GX lists only its examples)."""
        return len(self.lines) < self.count and len(self.lines) > 0

    def value_at(self, position: int) -> str | None:
        # Values may be kept for the first lines only (see `Gathered`).
        if self.values is None or position >= len(self.values):
            return None
        value = self.values[position]
        return None if value is None else str(value)

    def examples(self, limit: int | None = 5) -> list[tuple[int | None, str | None]]:
        shown = len(self.lines) if limit is None else min(limit, len(self.lines))
        if not len(self.lines):
            return [(None, self.value_at(0) if self.values is not None else None)]
        return [(int(self.lines[i]), self.value_at(i)) for i in range(shown)]

    def findings(self) -> Iterator[Finding]:
        """One Finding per known line, made only when asked for."""
        if not len(self.lines):
            value = self.value_at(0) if self.values is not None else None
            yield Finding(
                self.layer,
                self.file,
                None,
                self.column,
                self.rule,
                value,
                self.message,
                self.also_found_by,
            )
            return
        for position, line in enumerate(self.lines):
            yield Finding(
                self.layer,
                self.file,
                int(line),
                self.column,
                self.rule,
                self.value_at(position),
                self.message,
                self.also_found_by,
            )

    def as_dict(self, examples: int | None = 5) -> dict:
        return {
            "layer": self.layer,
            "file": self.file,
            "column": self.column,
            "rule": self.rule,
            "message": self.message,
            "count": self.count,
            "lines": line_ranges(self.lines),
            "lines_complete": not self.partial,
            "examples": [
                {"line": line, "value": value}
                for line, value in self.examples(examples)
            ],
            "also_found_by": list(self.also_found_by),
        }


def line_ranges(lines: np.ndarray) -> list[list[int]]:
    """Ascending lines as [first, last] runs of consecutive lines, found vectorised."""
    if not len(lines):
        return []
    lines = np.asarray(lines, dtype=np.int64)
    breaks = np.flatnonzero(np.diff(lines) != 1)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(lines) - 1]))
    return np.column_stack((lines[starts], lines[ends])).tolist()


def group_of(
    layer: str,
    file: str,
    column,
    rule: str,
    message: str,
    lines,
    values=None,
    count=None,
) -> Group:
    lines = np.asarray(lines, dtype=np.int64)
    return Group(
        layer,
        file,
        column,
        rule,
        message,
        max(len(lines), 1) if count is None else count,
        lines,
        values,
    )


def grouped(findings: list[Finding]) -> list[Group]:
    """Findings made one by one (the few of the descriptor, file and ISO layers, and the
    reader's ragged rows) as groups: one per (layer, file, column, rule); a finding that
    names no line stays a group of its own."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        key = (finding.layer, finding.file, finding.column, finding.rule)
        if finding.line is None:
            key += (id(finding),)
        groups.setdefault(key, []).append(finding)
    result = []
    for members in groups.values():
        members.sort(key=lambda f: f.line or 0)
        first = members[0]
        lines = [f.line for f in members if f.line is not None]
        group = group_of(
            first.layer,
            first.file,
            first.column,
            first.rule,
            first.message,
            lines,
            [f.value for f in members],
        )
        result.append(replace(group, also_found_by=first.also_found_by))
    return result


def merge_groups(groups: list[Group]) -> list[Group]:
    """One entry per problem: when another layer reports the same rule on the same column of
    the same file, on lines all already reported, it is named on the first group
    (`also_found_by`) instead of being listed again."""
    kept: list[Group] = []
    by_key: dict[tuple, list[int]] = {}
    for group in groups:
        key = (group.file, group.column, group.rule)
        for index in by_key.get(key, []) if len(group.lines) else []:
            first = kept[index]
            if first.layer != group.layer and _covers(first, group):
                if group.layer not in first.also_found_by:
                    kept[index] = replace(
                        first, also_found_by=first.also_found_by + (group.layer,)
                    )
                break
        else:
            by_key.setdefault(key, []).append(len(kept))
            kept.append(group)
    return kept


def _covers(first: Group, other: Group) -> bool:
    if other.count > first.count:
        return False
    return bool(np.isin(other.lines, first.lines, assume_unique=True).all())


def as_record(group: Group) -> dict:
    """A group as plain JSON data, every line and value kept (the GX worker's answer)."""
    values = group.values
    return {
        "layer": group.layer,
        "file": group.file,
        "column": group.column,
        "rule": group.rule,
        "message": group.message,
        "count": group.count,
        "lines": group.lines.tolist(),
        "values": None
        if values is None
        else [group.value_at(i) for i in range(len(values))],
        "also_found_by": list(group.also_found_by),
    }


def group_from_record(record: dict) -> Group:
    return Group(
        **{
            **record,
            "lines": np.asarray(record["lines"], dtype=np.int64),
            "also_found_by": tuple(record["also_found_by"]),
        }
    )


class ChainedValues:
    """The values of several groups' lines, end to end, without copying them."""

    def __init__(self, parts: list[Sequence]):
        self.parts = [part for part in parts if len(part)]

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)

    def __getitem__(self, position: int):
        for part in self.parts:
            if position < len(part):
                return part[position]
            position -= len(part)
        raise IndexError(position)


class ReadBack:
    """A group's values before they are read: found on compact columns (hashes of the
    text), only its lines are known, and its values and message are read back from its
    file before the report is made (`sco_data.checks.read_back`)."""

    def __init__(self, columns: list[str], message: Callable[[str], str]):
        self.columns, self.message = columns, message

    def __len__(self) -> int:
        return 0


class Gathered:
    """The groups one check finds batch by batch in a table, gathered into one group per
    check: lines end to end, counts added, the first batch's message.

    `values_kept` bounds the values held per group (None keeps them all): a whole column
    written wrong in ten million rows would otherwise hold all its text until the end."""

    def __init__(self, values_kept: int | None = None):
        self.values_kept = values_kept
        self.parts: dict[tuple, list[Group]] = {}

    def add(self, key: tuple, group: Group) -> None:
        parts = self.parts.setdefault(key, [])
        if parts and group.values is not None and self.values_kept is not None:
            room = self.values_kept - sum(len(p.values or ()) for p in parts)
            group = replace(group, values=_first(group.values, max(room, 0)))
        parts.append(group)

    def add_all(self, groups: list[Group], check: object = None) -> None:
        for group in groups:
            self.add((check, group.layer, group.file, group.column, group.rule), group)

    def groups(self) -> list[Group]:
        return [_joined(parts) for parts in self.parts.values()]


def _first(values: Sequence, count: int) -> Sequence:
    return values if len(values) <= count else [values[i] for i in range(count)]


def _joined(parts: list[Group]) -> Group:
    first = parts[0]
    if len(parts) == 1:
        return first
    if first.values is None or isinstance(first.values, ReadBack):
        values = first.values  # read back later, for the lines of all the parts
    else:
        values = ChainedValues([p.values for p in parts if p.values is not None])
    return replace(
        first,
        count=sum(p.count for p in parts),
        lines=np.concatenate([p.lines for p in parts]),
        values=values,
    )
