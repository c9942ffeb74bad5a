"""One digest of a DataFrame as the checks and figures see it, for the tests' memories."""

from __future__ import annotations

import hashlib

import pandas as pd
import pyarrow as pa


def frame_digest(frame: pd.DataFrame) -> str:
    """The same for two frames only if they hold the same values, dtypes, column names,
    row labels (the CSV line numbers) and categories, used or not: the Arrow stream of the
    frame, which writes each of them. A frame Arrow cannot take (mixed Python objects in a
    column) is hashed by pandas, a few times slower."""
    hashed = hashlib.sha256()
    try:
        table = pa.Table.from_pandas(frame, preserve_index=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return _pandas_digest(frame)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    hashed.update(sink.getvalue())
    return hashed.hexdigest()


def _pandas_digest(frame: pd.DataFrame) -> str:
    hashed = hashlib.sha256()
    hashed.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    hashed.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    for column in frame.columns:  # categories unused by any row change nothing GX sees
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            hashed.update(repr(list(frame[column].cat.categories)).encode())
    return hashed.hexdigest()
