"""What the Great Expectations layer is given: per table, only the columns its suite reads, in
the cheapest form that keeps every expectation's answer.

GX fingerprints the whole DataFrame on every run and copies all of its columns each time an
expectation filters rows, so the feed decides most of GX's cost on a large table:
- text columns whose values repeat go as categoricals (codes are cheap to hash, copy and
  compare); text that is nearly all distinct (ids) goes as Arrow strings, which the categorical
  would only duplicate and GX's regex expectations would cast back to text row by row;
- a column read only for being filled or empty goes as a present/absent marker, since a long
  free-text column would otherwise be hashed and copied for nothing;
- dates, numbers and booleans go with their schema types;
- columns no expectation reads are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sco_data.package import table_schema
from sco_data.package.csv_reader import RawTable

# Expectations that read their column only for whether each cell is filled.
NULLITY_ONLY = {
    "expect_column_values_to_not_be_null",
    "expect_column_proportion_of_non_null_values_to_be_between",
}
PRESENT = "present"


def _columns_read(expectation: dict) -> list[tuple[str, bool]]:
    """(column, read for its values rather than only for being filled)."""
    kwargs = expectation.get("kwargs", {})
    found = []
    for key in ("column", "column_A", "column_B"):
        if kwargs.get(key):
            found.append((kwargs[key], expectation["type"] not in NULLITY_ONLY))
    found += [(name, True) for name in kwargs.get("column_list") or []]
    condition = kwargs.get("row_condition")
    if isinstance(condition, dict):
        name = (condition.get("column") or {}).get("name")
        if name:
            found.append((name, condition.get("type") != "nullity"))
    return found


def columns_needed(expectations: list[dict]) -> dict[str, bool]:
    """{column: whether its values are read} over a whole suite."""
    needed: dict[str, bool] = {}
    for expectation in expectations:
        for column, values in _columns_read(expectation):
            needed[column] = needed.get(column, False) or values
    return needed


def _categorical(column: tuple, missing: list[str]) -> pd.Categorical:
    """The raw text, given as (codes, distinct values), as a categorical, missing values as
    nulls; values outside the schema's categories stay visible, for GX to report."""
    codes, values = column
    values = pd.Index(values)
    for gone in np.flatnonzero(values.isin(missing))[::-1]:
        codes = np.where(codes == gone, -1, np.where(codes > gone, codes - 1, codes))
        values = values.delete(gone)
    return pd.Categorical.from_codes(codes, categories=values, validate=False)


def _text(cells: pd.Series, missing: list[str]) -> pd.Series:
    """The raw text as pandas' own Arrow-backed `str` (the dtype GX's regex expectations
    cast to, so their cast copies nothing), missing values as nulls."""
    return cells.astype(str).mask(cells.isin(missing))


def _presence(cells: pd.Series, missing: list[str]) -> pd.Categorical:
    present = ~cells.isin(missing).to_numpy(dtype=bool, na_value=True)
    return pd.Categorical.from_codes(
        np.where(present, 0, -1), categories=[PRESENT], validate=False
    )


def _typed(values: pd.Series) -> pd.Series:
    """Numbers as NumPy floats (or integers when none is missing) and dates in nanoseconds:
    GX compares those vectorised, and other dtypes one Python value at a time."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    if pd.api.types.is_integer_dtype(values) and not values.isna().any():
        return values.astype("int64")
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    return values


def frame(
    table: RawTable, typed: pd.DataFrame, expectations: list[dict]
) -> pd.DataFrame:
    """The DataFrame GX validates for one table; its index holds the CSV line numbers."""
    raw, schema = table.frame, table.schema
    missing = table_schema.missing_values(schema)
    kinds = {f["name"]: f.get("type", "string") for f in table_schema.fields(schema)}
    columns = {}
    for column, values_read in columns_needed(expectations).items():
        if column not in raw.columns:
            continue  # GX reports the column as missing; the CSV layer says why
        if not values_read:
            columns[column] = _presence(raw[column], missing)
        elif kinds.get(column, "string") == "string":
            codes, values = table.distinct(column)
            if len(values) * 2 > len(codes):
                columns[column] = _text(raw[column], missing)
            else:
                columns[column] = _categorical((codes, values), missing)
        else:
            columns[column] = _typed(typed[column])
    return pd.DataFrame(columns, index=raw.index)
