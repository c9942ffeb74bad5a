"""`dates.last_day` and `dates.off_first_day` compute in numpy's calendar units; they must
give what pandas gives (the offsets `MonthEnd(0)` and `YearEnd(0)`, the `.dt` day and month),
for every unit a date column may have, on leap years, missing dates and missing precisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sco_data.package.dates import last_day, off_first_day


def _random_dates(unit: str, rows: int = 4000) -> tuple[pd.Series, pd.Series]:
    """Dates over three centuries in `unit`, a tenth missing, with day, month, year or
    missing precisions, indexed by CSV line numbers out of order."""
    rng = np.random.default_rng(7)
    days = pd.to_datetime(rng.integers(-25_000, 50_000, rows), unit="D")
    lines = rng.permutation(rows) + 2
    dates = pd.Series(days.astype(f"datetime64[{unit}]"), index=lines)
    dates[rng.random(rows) < 0.1] = pd.NaT
    words = rng.choice(np.array(["day", "month", "year", None], dtype=object), rows)
    precision = pd.Series(
        pd.Categorical(words, categories=["day", "month", "year"]), index=lines
    )
    return dates, precision


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
    dates, precision = _random_dates(unit)
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


@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_off_first_day_is_a_coarse_date_not_on_day_one(unit):
    dates, precision = _random_dates(unit)
    month_off = (precision == "month") & (dates.dt.day != 1)
    year_off = (precision == "year") & ((dates.dt.day != 1) | (dates.dt.month != 1))
    expected = ((month_off | year_off) & dates.notna()).to_numpy(dtype=bool)
    assert (off_first_day(dates, precision) == expected).all()
    assert expected.any() and not expected.all()
