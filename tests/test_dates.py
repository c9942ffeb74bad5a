"""`dates.last_day` computes month and year ends in numpy's calendar units; it must give
what pandas' offsets give (`MonthEnd(0)`, `YearEnd(0)`), for every unit a date column may
have, on leap years, missing dates and missing precisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sco_data.package.dates import last_day


def _by_offsets(dates: pd.Series, precision: pd.Series) -> pd.Series:
    latest = dates.copy()
    for word, offset in (
        ("month", pd.offsets.MonthEnd(0)),
        ("year", pd.offsets.YearEnd(0)),
    ):
        coarse = (precision == word).to_numpy(dtype=bool, na_value=False)
        latest[coarse] = dates[coarse] + offset
    return latest


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_last_day_is_pandas_month_and_year_end(unit):
    rng = np.random.default_rng(7)
    rows = 4000
    days = pd.to_datetime(rng.integers(-25_000, 50_000, rows), unit="D")
    lines = rng.permutation(rows) + 2  # CSV line numbers, not in order
    dates = pd.Series(days.astype(f"datetime64[{unit}]"), index=lines)
    dates[rng.random(rows) < 0.1] = pd.NaT
    words = rng.choice(np.array(["day", "month", "year", None], dtype=object), rows)
    precision = pd.Series(
        pd.Categorical(words, categories=["day", "month", "year"]), index=lines
    )
    pd.testing.assert_series_equal(
        last_day(dates, precision), _by_offsets(dates, precision)
    )
    assert last_day(dates, None) is dates


def test_last_day_of_february_and_december():
    dates = pd.Series(pd.to_datetime(["2024-02-01", "2023-02-10", "2024-12-31"]))
    precision = pd.Series(["month", "month", "year"], dtype="category")
    assert [str(d.date()) for d in last_day(dates, precision)] == [
        "2024-02-29",
        "2023-02-28",
        "2024-12-31",
    ]


def test_last_day_of_text_is_a_type_error():
    """As pandas' offsets on text were: the semantic rules read that as a table too broken
    to compare, which the contract reports."""
    with pytest.raises(TypeError):
        last_day(pd.Series(["2024-02"]), pd.Series(["month"], dtype="category"))
