"""Dates known to a day, month or year, compared honestly.

A month-precision date stands for any day of that month. A comparison fails only when it
fails for every day the dates could stand for, so no day is invented in either direction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def last_day(dates: pd.Series, precision: pd.Series | None) -> pd.Series:
    """The latest day each date could be: end of its month or year for coarse precisions."""
    if precision is None:
        return dates
    precision = precision.astype("string").fillna("day")
    month_end = dates + pd.offsets.MonthEnd(0)
    year_end = dates + pd.offsets.YearEnd(0)
    return pd.Series(
        np.where(
            precision == "month",
            month_end,
            np.where(precision == "year", year_end, dates),
        ),
        index=dates.index,
    ).astype(dates.dtype)


def definitely_before(a, a_precision, b) -> pd.Series:
    """True where every day `a` could be is before the first day `b` could be; False if unknown."""
    return (last_day(a, a_precision) < b).fillna(False).astype(bool)
