"""Dates known to a day, month or year, compared honestly.

A month-precision date stands for any day of that month. A comparison fails only when it
fails for every day the dates could stand for, so no day is invented in either direction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _coarse(precision: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(month, year): where a date is known only to its month, and only to its year.
    Compared as they are (categories compare by code)."""
    month = (precision == "month").to_numpy(dtype=bool, na_value=False)
    year = (precision == "year").to_numpy(dtype=bool, na_value=False)
    return month, year


def _datetimes(dates: pd.Series) -> np.ndarray:
    if dates.dtype.kind != "M":
        # As date arithmetic on text fails: a rule reading it has nothing sound to say.
        raise TypeError(f"dates expected, got {dates.dtype}")
    return dates.to_numpy()


def last_day(dates: pd.Series, precision: pd.Series | None) -> pd.Series:
    """The latest day each date could be: end of its month or year for coarse precisions."""
    if precision is None:
        return dates
    month, year = _coarse(precision)
    if not (month.any() or year.any()):
        return dates
    # Calendar arithmetic in numpy's units: the day before the next month or year begins.
    values = _datetimes(dates)
    unit = values.dtype
    month_end = (
        (values.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    ).astype(unit)
    year_end = (
        (values.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    ).astype(unit)
    latest = np.where(month, month_end, np.where(year, year_end, values))
    return pd.Series(latest, index=dates.index, name=dates.name)


def off_first_day(dates: pd.Series, precision: pd.Series) -> np.ndarray:
    """Where a date known only to its month or year is not that month's or year's first
    day, as the README asks it to be written; False where the date is missing."""
    month, year = _coarse(precision)
    values = _datetimes(dates)
    day = values.astype("datetime64[D]")
    month_off = month & (day != values.astype("datetime64[M]"))
    year_off = year & (day != values.astype("datetime64[Y]"))
    return (month_off | year_off) & ~np.isnat(values)


def definitely_before(a, a_precision, b) -> pd.Series:
    """True where every day `a` could be is before the first day `b` could be; False if unknown."""
    return (last_day(a, a_precision) < b).fillna(False).astype(bool)


def held_on(periods: pd.DataFrame, day) -> tuple[pd.Series, pd.Series]:
    """(surely, maybe) per row of `periods` (a table with start_date, start_precision, end_date,
    end_precision, as memberships and office_terms are): whether it held on `day` whichever
    days its dates stand for, and for at least one. `end_date` is its last day, missing while
    it runs.

    With dates known to the day both are the README's rule: `start_date <= day` and
    (`end_date` missing or `end_date >= day`). A start known to the month surely held only
    from the month's last day, and maybe from its first.
    """
    start, end = periods["start_date"], periods["end_date"]
    surely = (last_day(start, periods["start_precision"]) <= day) & (
        end.isna() | (end >= day)
    )
    end_last = last_day(end, periods["end_precision"])
    maybe = (start <= day) & (end_last.isna() | (end_last >= day))
    return surely.fillna(False).astype(bool), maybe.fillna(False).astype(bool)
