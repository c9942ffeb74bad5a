"""The synthetic package for benchmarks: N rows in each large table, valid by construction.

A finding in it would make the benchmark time the wrong code path, so a small build goes
through every check; its bytes, descriptor and cache are checked directly.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ROOT, read_rows, rows_beyond_real_tables
from sco_data.bench import synthetic
from sco_data.package.descriptor import as_json_text
from sco_data.publish import integrity
from sco_data.validate import run_checks

ROWS = rows_beyond_real_tables()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    target = tmp_path_factory.mktemp("synthetic")
    return target, synthetic.build(ROOT, target, ROWS)


def _paths() -> dict[str, str]:
    package = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    return {r["name"]: r["path"] for r in package["resources"]}


def test_large_tables_have_n_rows_and_the_rest_are_copied(built):
    target, counts = built
    for table, path in _paths().items():
        _, rows = read_rows(target / path)
        assert counts[table] == len(rows)
        if table in synthetic.SCALED:
            assert len(rows) == ROWS
        else:
            assert (target / path).read_bytes() == (ROOT / path).read_bytes()


def test_real_rows_come_first_unchanged_then_copies(built):
    target, _ = built
    events = _paths()["events"]
    real_fields, real = read_rows(ROOT / events)
    fields, rows = read_rows(target / events)
    assert fields == real_fields
    assert rows[: len(real)] == real
    copy = rows[len(real)]
    assert copy["id"] == f"{real[0]['id']}-copy1"
    assert copy["title"] == f"{real[0]['title']} (copy 1)"
    assert {k: v for k, v in copy.items() if k not in ("id", "title")} == {
        k: v for k, v in real[0].items() if k not in ("id", "title")
    }


def test_files_are_exactly_what_csv_writer_writes(built):
    target, _ = built
    for table in synthetic.SCALED:
        data = (target / _paths()[table]).read_bytes()
        rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        rewritten = io.StringIO(newline="")
        csv.writer(rewritten, lineterminator="\n").writerows(rows)
        assert rewritten.getvalue().encode("utf-8") == data


def test_descriptor_records_every_file_as_make_build_would(built):
    target, _ = built
    text = (target / "datapackage.json").read_text("utf-8")
    assert text == as_json_text(integrity.recorded(json.loads(text), target))


def test_synthetic_package_passes_every_check(built):
    target, _ = built
    findings, tables = run_checks(target)
    assert findings == []
    assert all(tables[t]["rows"] == ROWS for t in synthetic.SCALED)


def test_fewer_rows_than_a_real_table_is_refused(tmp_path):
    largest = max(len(read_rows(ROOT / _paths()[t])[1]) for t in synthetic.SCALED)
    with pytest.raises(ValueError, match="fewer than"):
        synthetic.build(ROOT, tmp_path / "out", largest - 1)
    assert not (tmp_path / "out").exists()  # refused before writing anything


def test_same_build_again_is_a_cache_hit_that_touches_nothing(tmp_path, capsys):
    target = tmp_path / "out"
    rows = rows_beyond_real_tables(extra=1)
    assert synthetic.main(["--rows", str(rows), "--out", str(target), str(ROOT)]) == 0
    assert "built" in capsys.readouterr().out

    def files():
        return {
            p: (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(target.rglob("*"))
            if p.is_file()
        }

    before = files()
    assert synthetic.is_cached(ROOT, target, rows)
    assert not synthetic.is_cached(ROOT, target, rows + 1)
    assert synthetic.main(["--rows", str(rows), "--out", str(target), str(ROOT)]) == 0
    assert "already holds this build" in capsys.readouterr().out
    assert files() == before
