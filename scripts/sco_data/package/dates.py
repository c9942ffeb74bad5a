"""Dates known to a day, month or year, compared honestly.

A month-precision date stands for any day of that month. A comparison fails only when it
fails for every day the dates could stand for, so no day is invented in either direction.
"""

from __future__ import annotations

import pandas as pd


def last_day(dates: pd.Series, precision: pd.Series | None) -> pd.Series:
    """The latest day each date could be: end of its month or year for coarse precisions."""
    if precision is None:
        return dates
    latest = dates.copy()
    # Compared as they are (categories compare by code), and shifted only where coarse.
    for word, offset in (
        ("month", pd.offsets.MonthEnd(0)),
        ("year", pd.offsets.YearEnd(0)),
    ):
        coarse = (precision == word).to_numpy(dtype=bool, na_value=False)
        if coarse.any():
            latest[coarse] = dates[coarse] + offset
    return latest


def definitely_before(a, a_precision, b) -> pd.Series:
    """True where every day `a` could be is before the first day `b` could be; False if unknown."""
    return (last_day(a, a_precision) < b).fillna(False).astype(bool)
