"""One shape for every problem any check finds, so the report can list them together."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

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


def merge_duplicates(findings: list[Finding]) -> list[Finding]:
    """One entry per problem: when several layers enforce the same Table Schema rule on the
    same cell, keep the first finding and name the other layers on it."""
    merged: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.file, finding.line, finding.column, finding.rule)
        if finding.line is None or key not in merged:
            merged.setdefault(
                key if finding.line is not None else (id(finding),), finding
            )
            continue
        first = merged[key]
        if finding.layer != first.layer and finding.layer not in first.also_found_by:
            merged[key] = replace(
                first, also_found_by=first.also_found_by + (finding.layer,)
            )
    return list(merged.values())


def cell_text(value) -> str:
    """A typed cell as a finding shows it: empty for missing, dates as YYYY-MM-DD."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)
