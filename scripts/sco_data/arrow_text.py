"""Vectorised tests on columns of text, run by Arrow's compute kernels.

The CSV layer reads every cell as Arrow-backed text; these helpers hand such a column to Arrow
directly (no copy) and return NumPy booleans for pandera. They exist because the pandas
spelling of the same tests is several times slower on a million rows, and because most columns
repeat a few values: each column is factorised once, and tests of single values run on its
distinct values only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(cells: pd.Series) -> pa.ChunkedArray:
    values = pa.array(cells.array)
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


_factorized: dict[
    tuple, tuple
] = {}  # a column's Arrow buffers -> (data, codes, distinct)


def _identity(cells: pd.Series) -> tuple[tuple, pa.ChunkedArray]:
    """Where a column's text lives: pandas hands the same Arrow buffers over in new
    wrappers (pandera, column selection), so the buffers, not the objects, identify it."""
    data = arrow(cells)
    key = tuple(
        (chunk.offset, len(chunk), *(b.address if b else 0 for b in chunk.buffers()))
        for chunk in data.chunks
    )
    return key, data


def factorized(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values) of a column, so that `distinct.iloc[codes]` is the column.

    Worked out once per column and shared: the contract tests each distinct value once, the
    typed loader parses each distinct date once, key checks find repeats from the codes, and
    GX gets categoricals built from it. A million rows of a real table name a few thousand
    events, sources or dates. The cache holds the column's data, so that its buffers cannot
    be reused for other text while cached; `forget` and `clear` let it go."""
    key, data = _identity(cells)
    if key not in _factorized:
        codes, distinct = pd.factorize(cells)
        _factorized[key] = (data, codes.astype(np.int32), pd.Series(distinct))
    return _factorized[key][1], _factorized[key][2]


def forget(cells: pd.Series) -> None:
    _factorized.pop(_identity(cells)[0], None)


def clear() -> None:
    _factorized.clear()


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
