"""Run a pandera schema and turn its failure cases into findings, one per failing cell or row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from sco_data.findings import Finding, cell_text

LAYER = "pandera"


@dataclass(frozen=True)
class Rule:
    """What a check means: its rule name, the column(s) a finding names, a message."""

    rule: str
    message: Callable[[str], str]  # the offending value -> a sentence
    columns: str | None = None  # for table-wide checks: the columns the finding names


def run(
    schema: pa.DataFrameSchema,
    frame: pd.DataFrame,
    file: str,
    column_rules: dict[tuple[str, int], Rule],
    table_rules: dict[int, Rule],
) -> list[Finding]:
    """Validate lazily; the frame's index holds CSV line numbers."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _findings(errors.failure_cases, frame, file, column_rules, table_rules)
    return []


def _findings(cases, frame, file, column_rules, table_rules) -> list[Finding]:
    findings = []
    seen = set()
    for case in cases.itertuples(index=False):
        table_wide = case.schema_context == "DataFrameSchema"
        rule = (
            table_rules.get(case.check_number)
            if table_wide
            else column_rules.get((case.column, case.check_number))
        )
        if rule is None:  # pandera's own dtype or column-presence checks
            continue
        line = None if pd.isna(case.index) else int(case.index)
        column = rule.columns if table_wide else case.column
        key = (line, column, rule.rule, rule.message)
        if key in seen:  # a table-wide check lists each column of a failing row
            continue
        seen.add(key)
        value = _value(frame, line, column, case.failure_case)
        findings.append(
            Finding(LAYER, file, line, column, rule.rule, value, rule.message(value))
        )
    return findings


def _value(frame, line, column, failure_case) -> str | None:
    if line is None or column is None:
        return None if pd.isna(failure_case) else str(failure_case)
    names = column.split(",")
    if not all(name in frame.columns for name in names):
        return str(failure_case)
    return ",".join(cell_text(frame.at[line, name]) for name in names)
