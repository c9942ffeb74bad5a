"""The two CSV readers agree: pyarrow's fast path, taken for clean files, gives exactly the
table the csv module's exact reader gives, cell for cell and line for line."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT
from sco_data.package import csv_reader
from sco_data.package.descriptor import read as read_descriptor

DESCRIPTOR = read_descriptor(ROOT)


@pytest.mark.parametrize("resource", DESCRIPTOR.resources(), ids=lambda r: r["name"])
def test_the_fast_reader_reads_what_the_exact_reader_reads(resource):
    path = ROOT / resource["path"]
    header = csv_reader.header_of(path)
    scan = csv_reader.scan_bytes(path, "sha256")
    fast = csv_reader._read_fast(path, header, scan)
    assert fast is not None, "a clean file should take the fast path"
    table = csv_reader.RawTable(resource["name"], resource["path"], {})
    exact = csv_reader._read_exact(table, path, header)
    pd.testing.assert_frame_equal(fast, exact, check_index_type=False)
    assert list(fast.index) == list(exact.index)


def test_a_cell_spanning_two_lines_sends_the_file_to_the_exact_reader(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\na,"two\nlines"\nb,one\n', "utf-8")
    scan = csv_reader.scan_bytes(path, None)
    assert csv_reader._read_fast(path, ["id", "text"], scan) is None
