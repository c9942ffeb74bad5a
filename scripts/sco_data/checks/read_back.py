"""Read back from the files the values of findings made on hashes.

Keys and the rules across tables compare what each table kept once its batches were gone:
hashes of the text of its ids and codes (`sco_data.package.compact`). A finding made there
knows its lines, not its text. Before the report is made, each file holding such findings is
read once more, keeping only the cells the report shows: the first `values_kept` lines of
each group (all of them when every finding is asked for). A valid package has nothing to read
back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from sco_data.findings import Group, ReadBack
from sco_data.package import csv_reader
from sco_data.package.csv_reader import NOT_UTF8, NeedsExactReader, RawTable


def _cells_at(root: Path, table: RawTable, lines: np.ndarray, columns: list[str]):
    """The text of `columns` on `lines` of a table already opened, indexed by line."""

    def wanted(exact: bool):
        # A copy, since the exact reader notes again on the table what its reading meets.
        reading = replace(table, findings=[])
        for batch in csv_reader.batches(root, reading, exact=exact):
            frame = batch.frame
            chosen = frame.loc[np.isin(frame.index.to_numpy(), lines), columns]
            if len(chosen):
                yield chosen.astype(object).replace(NOT_UTF8, "\ufffd", regex=True)

    try:
        found = list(wanted(exact=False))
    except NeedsExactReader:
        found = list(wanted(exact=True))
    if not found:
        return pd.DataFrame(columns=columns)
    return pd.concat(found)


def _shown(group: Group, values_kept: int | None) -> np.ndarray:
    return group.lines if values_kept is None else group.lines[:values_kept]


def resolve(
    root: Path,
    groups: list[Group],
    tables: dict[str, RawTable],
    values_kept,
) -> list[Group]:
    """The groups, those waiting for their values given them. `tables` maps each file to
    its table as opened for the checks (its scan and header)."""
    waiting: dict[str, list[int]] = {}
    for position, group in enumerate(groups):
        if isinstance(group.values, ReadBack):
            waiting.setdefault(group.file, []).append(position)
    resolved = list(groups)
    for file, positions in waiting.items():
        lines = np.unique(
            np.concatenate([_shown(groups[p], values_kept) for p in positions])
        )
        columns = sorted({c for p in positions for c in groups[p].values.columns})
        cells = _cells_at(root, tables[file], lines, columns)
        for position in positions:
            group = groups[position]
            wanted = group.values
            rows = cells.reindex(_shown(group, values_kept))[wanted.columns]
            values = [
                ",".join("" if pd.isna(cell) else str(cell) for cell in row)
                for row in rows.itertuples(index=False)
            ]
            message = wanted.message(values[0] if values else None)
            resolved[position] = replace(group, message=message, values=values)
    return resolved
