"""One digest of a DataFrame as the checks and figures see it, for the tests' memories."""

from __future__ import annotations

import hashlib

import pandas as pd
import pyarrow as pa


def frame_digest(frame: pd.DataFrame) -> str:
    """The same for two frames only if they hold the same values, dtypes, column names,
    row labels (the CSV line numbers) and categories, used or not: the frame's Arrow
    stream writes each of them."""
    table = pa.Table.from_pandas(frame, preserve_index=True)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return hashlib.sha256(sink.getvalue()).hexdigest()
