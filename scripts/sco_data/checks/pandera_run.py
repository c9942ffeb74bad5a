"""Run the checks of a pandera schema and turn each failing check into one group of findings.

pandera evaluates every check (its backend applies `ignore_na` and the rest as `validate`
would), and each check's answer is a boolean mask. A failing check becomes one group: its
count and lines come from the mask, vectorised, and only the failing cells' values are kept.
`schema.validate(lazy=True)` would instead build one failure case per bad cell, which costs
seconds and a Python object per cell when a contributor gets a whole column wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from sco_data.findings import Group, ReadBack, cell_text, group_of

LAYER = "pandera"


@dataclass(frozen=True)
class Rule:
    """What a check means: its rule name, the column(s) a finding names, a message."""

    rule: str
    message: Callable[[str], str]  # the offending value -> a sentence
    columns: str | None = None  # for table-wide checks: the columns the finding names


def aligned(test):
    """A vectorised test as pandera wants it: a boolean Series aligned with the column."""
    return lambda cells: pd.Series(test(cells), index=cells.index)


class CellValues:
    """The offending cells of one group, as a finding shows them, kept as the failing rows
    of the column(s) the finding names rather than as one string per cell."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, position: int) -> str:
        return ",".join(cell_text(v) for v in self.rows.iloc[position])


def _failing(result) -> np.ndarray:
    """Positions of the rows a check failed on."""
    output = result.check_output
    if isinstance(output, pd.DataFrame):  # an element-wise check on a whole frame
        output = output.all(axis=1)
    if isinstance(output, (bool, np.bool_)):
        return np.empty(0, dtype=np.int64) if output else np.array([0])
    passed = np.asarray(output.to_numpy(dtype=bool, na_value=False))
    return np.flatnonzero(~passed)


def _group(
    frame: pd.DataFrame,
    file: str,
    rule: Rule,
    column: str,
    failing,
    values_kept: int | None,
    read_back: set[str],
) -> Group:
    names = [n for n in column.split(",") if n in frame.columns] if column else []
    lines = frame.index.to_numpy()[failing]
    if set(names) & read_back:
        values = ReadBack(names, rule.message)
        return group_of(LAYER, file, column, rule.rule, "", lines, values)
    shown = failing if values_kept is None else failing[:values_kept]
    values = CellValues(frame.iloc[shown][names]) if names else None
    first = values[0] if values is not None and len(values) else None
    return group_of(LAYER, file, column, rule.rule, rule.message(first), lines, values)


def run_keyed(
    schema: pa.DataFrameSchema,
    frame: pd.DataFrame,
    file: str,
    column_rules: dict[tuple[str, int], Rule],
    table_rules: dict[int, Rule],
    values_kept: int | None = None,
    read_back: set[str] = frozenset(),
) -> list[tuple[tuple, Group]]:
    """(which check, its group) for each failing check; the frame's index holds CSV line
    numbers. The key tells apart two checks of one column that break the same rule, so
    that a table read in batches gathers each check's groups into one.

    Each group keeps the values of its first `values_kept` lines (None: all of them);
    a group naming a column of `read_back` has its values read back from the file."""
    groups = []
    for name, column in schema.columns.items():
        for number, check in enumerate(column.checks):
            rule = column_rules.get((name, number))
            failing = _failing(check(frame[name]))
            if rule is not None and len(failing):
                group = _group(frame, file, rule, name, failing, values_kept, read_back)
                groups.append(((schema.name, name, number), group))
    for number, check in enumerate(schema.checks):
        rule = table_rules.get(number)
        failing = _failing(check(frame))
        if rule is not None and len(failing):
            group = _group(
                frame, file, rule, rule.columns, failing, values_kept, read_back
            )
            groups.append(((schema.name, None, number), group))
    return groups


def run(*args, **kwargs) -> list[Group]:
    """The groups of `run_keyed`, without their keys."""
    return [group for _, group in run_keyed(*args, **kwargs)]
