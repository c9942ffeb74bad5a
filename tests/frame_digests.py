"""One digest of a DataFrame as the checks and figures see it, for the tests' memories."""

from __future__ import annotations

import hashlib

import pandas as pd


def frame_digest(frame: pd.DataFrame) -> str:
    """The same for two frames only if they hold the same values, dtypes, column names,
    row labels (the CSV line numbers) and categories, used or not."""
    hashed = hashlib.sha256()
    hashed.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    hashed.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    for column in frame.columns:  # categories unused by any row change nothing GX sees
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            hashed.update(repr(list(frame[column].cat.categories)).encode())
    return hashed.hexdigest()
