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
    # Compared as they are (categories compare by code), and shifted only where coarse.
    month = (precision == "month").to_numpy(dtype=bool, na_value=False)
    year = (precision == "year").to_numpy(dtype=bool, na_value=False)
    if not (month.any() or year.any()):
        return dates
    if dates.dtype.kind != "M":
        # As date arithmetic on text fails: a rule reading it has nothing sound to say.
        raise TypeError(f"dates expected, got {dates.dtype}")
    # Calendar arithmetic in numpy's units: the day before the next month or year begins.
    values = dates.to_numpy()
    unit = values.dtype
    month_end = (
        (values.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    ).astype(unit)
    year_end = (
        (values.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    ).astype(unit)
    latest = np.where(month, month_end, np.where(year, year_end, values))
    return pd.Series(latest, index=dates.index, name=dates.name)


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
