"""Vectorised tests on columns of text, run by Arrow's compute kernels.

The CSV layer reads every cell as Arrow-backed text; these helpers hand such a column to Arrow
directly (no copy) and return NumPy booleans for pandera. They exist because the pandas
spelling of the same tests is several times slower on a million rows, and because most columns
repeat a few values: each column is factorised once, and tests of single values run on its
distinct values only.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(cells: pd.Series) -> pa.ChunkedArray:
    values = pa.array(cells.array)
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


_factorized: dict[
    int, tuple
] = {}  # id of a column's array -> (weak ref, codes, distinct)


def factorized(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values) of a column, so that `distinct.iloc[codes]` is the column.

    Worked out once per column and shared: the contract tests each distinct value once, the
    typed loader parses each distinct date once, and GX gets categoricals built from it. A
    million rows of a real table name a few thousand events, sources or dates."""
    array = cells.array
    hit = _factorized.get(id(array))
    if hit is not None and hit[0]() is array:
        return hit[1], hit[2]
    codes, distinct = pd.factorize(cells)
    key = id(array)
    forget = weakref.ref(array, lambda _: _factorized.pop(key, None))
    _factorized[key] = (forget, codes, pd.Series(distinct))
    return codes, _factorized[key][2]


def per_distinct(test):
    """A per-value test run once per distinct value, its answer spread back over the rows."""

    def check(cells: pd.Series) -> pd.Series:
        codes, distinct = factorized(cells)
        answer = np.asarray(test(distinct), dtype=bool)
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


def duplicated(frame: pd.DataFrame | pd.Series) -> np.ndarray:
    """True for each row whose value (or values) appeared on an earlier row."""
    if isinstance(frame, pd.DataFrame):
        if frame.shape[1] != 1:
            return frame.duplicated(keep="first").to_numpy()
        frame = frame.iloc[:, 0]
    codes, distinct = factorized(frame)
    repeated = np.zeros(len(frame), dtype=bool)
    if len(distinct) < len(frame):
        repeated[:] = True
        repeated[np.unique(codes, return_index=True)[1]] = False
    return repeated


def resolves(cells: pd.Series, targets: pd.Series) -> np.ndarray:
    """True where the value is one of the target column's values."""
    codes, distinct = factorized(cells)
    _, keys = factorized(targets)
    text = arrow(distinct)
    found = _numpy(pc.is_in(text, value_set=arrow(keys).cast(text.type)))
    return found[codes]
