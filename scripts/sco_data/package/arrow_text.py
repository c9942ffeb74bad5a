"""Vectorised tests on columns of text, run by Arrow's compute kernels.

The CSV layer reads every cell as Arrow-backed text; these helpers hand such a column to Arrow
directly (no copy) and return NumPy booleans for pandera. They exist because the pandas
spelling of the same tests is several times slower on a million rows, and because most columns
repeat a few values: each column is factorised once by its table (`RawTable.distinct`), and
tests of single values run on its distinct values only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(cells: pd.Series) -> pa.ChunkedArray:
    values = pa.array(cells.array)
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def factorize(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values) of a column, so that `distinct.iloc[codes]` is the column."""
    codes, distinct = pd.factorize(cells)
    return codes.astype(np.int32), pd.Series(distinct)


def per_distinct(test, distinct):
    """A per-value test run once per distinct value, its answer spread back over the rows.

    `distinct()` gives the column's (codes, distinct values), worked out once by its table."""

    def check(cells: pd.Series) -> pd.Series:
        codes, values = distinct()
        answer = np.asarray(test(values), dtype=bool)
        return pd.Series(answer[codes], index=cells.index)

    return check


def _numpy(mask) -> np.ndarray:
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def is_in(cells: pd.Series, values: list[str]) -> np.ndarray:
    text = arrow(cells)
    return _numpy(pc.is_in(text, value_set=pa.array(values, text.type)))


def fullmatch(cells: pd.Series, pattern: str) -> np.ndarray:
    return _numpy(pc.match_substring_regex(arrow(cells), f"^(?:{pattern})$"))


def contains(cells: pd.Series, pattern: str) -> np.ndarray:
    return _numpy(pc.match_substring_regex(arrow(cells), pattern))


def starts_with_any(cells: pd.Series, prefixes: str) -> np.ndarray:
    text = arrow(cells)
    found = np.zeros(len(cells), dtype=bool)
    for prefix in prefixes:
        found |= _numpy(pc.starts_with(text, prefix))
    return found


def has_surrounding_space(cells: pd.Series) -> np.ndarray:
    text = arrow(cells)
    return ~_numpy(pc.equal(pc.utf8_trim_whitespace(text), text))


def is_ascii(cells: pd.Series) -> np.ndarray:
    return _numpy(pc.string_is_ascii(arrow(cells)))
