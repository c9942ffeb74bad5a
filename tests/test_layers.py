"""The layers derive their rules from the Table Schemas, load typed tables, and report once."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from bad_inputs import CATALOGUE, edit_bytes, set_cell
from conftest import ROOT, VALIDATED, copy_package
from remembered_expectations import ExpectationMemory, RememberedExpectations
from sco_data.checks import report
from sco_data.checks.expectations import feed, suites
from sco_data.checks.expectations.session import Engine, Session
from sco_data.checks.expectations.worker import InProcess
from sco_data.package.descriptor import read
from sco_data.package.typed import iter_tables, load_package, typed_frame


def test_stored_suites_match_the_schemas():
    assert suites.drift(ROOT) == []


def test_suite_enum_follows_the_schema_it_is_derived_from(package):
    suite = suites.read_suite(package, "events")
    value_sets = {
        e["kwargs"]["column"]: e["kwargs"]["value_set"]
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
    }
    schema = json.loads((package / "schemas/events.schema.json").read_text("utf-8"))
    enum = next(f for f in schema["fields"] if f["name"] == "event_type")
    assert value_sets["event_type"] == enum["constraints"]["enum"]


def test_make_suites_repairs_drift(package):
    path = package / "schemas/events.schema.json"
    schema = json.loads(path.read_text("utf-8"))
    next(f for f in schema["fields"] if f["name"] == "event_type")["constraints"][
        "enum"
    ].append("reception")
    path.write_text(json.dumps(schema), "utf-8")
    assert suites.drift(package)
    assert suites.main([str(package)]) == 0
    assert suites.drift(package) == []
    authored = suites.authored(suites.read_suite(package, "events"))
    assert authored == suites.authored(suites.read_suite(ROOT, "events"))


def test_typed_tables_have_the_schema_types():
    tables = load_package(ROOT)
    events = tables["events"]
    assert pd.api.types.is_datetime64_any_dtype(events["start_date"])
    assert isinstance(events["event_type"].dtype, pd.CategoricalDtype)
    assert str(events["edition"].dtype) == "Int64"
    assert str(tables["quotes"]["is_translation"].dtype) == "boolean"
    assert str(tables["infrastructure_stats"]["value"].dtype) == "Float64"
    assert events.index.name == "line" and events.index[0] == 2


@VALIDATED
def test_html_report_is_written_for_reviewers(data_docs):
    index = data_docs / "index.html"
    assert index.is_file()
    assert "events" in index.read_text("utf-8")


# event_type repeats, so GX gets it as a categorical; every id differs, so GX gets the ids as
# Arrow strings (feed.frame): both forms must let GX find the same bad cell.
@pytest.mark.parametrize(("column", "value"), [("event_type", "x"), ("id", "Bad_Id")])
def test_report_lists_a_problem_once_and_names_every_layer_that_found_it(
    package, all_layers, column, value
):
    set_cell("events", "xi-proposes-silk-road-economic-belt-2013", column, value)(
        package
    )
    groups, tables = all_layers(package)
    assert groups
    out = report.as_text(groups, tables)
    assert out.count(f"data/events.csv, line 2, {column}") == 1
    assert f"[pandera] data/events.csv, line 2, {column}" in out
    entry = out.split(f"[pandera] data/events.csv, line 2, {column}")[1].split("\n[")[0]
    assert "also found by: great-expectations" in entry


def _events_fed(root):
    """The events table, and what a run hands GX of it."""
    table = next(t for t in iter_tables(root, read(root)) if t.name == "events")
    expectations = suites.read_suite(root, "events")["expectations"]
    return table, feed.frame(table, typed_frame(table), expectations)


def _events_through_gx(root, engine=None) -> list[dict]:
    table, fed = _events_fed(root)
    session = Session(root, data_docs=False, engine=engine)
    return [g.as_dict(examples=None) for g in session.run(table.name, table.file, fed)]


def test_runs_sharing_one_gx_engine_find_what_runs_of_their_own_find(
    package, tmp_path_factory
):
    """Runs without Data Docs may share one GX context (the tests' GX memory does): on a
    bad copy, the real package, then the bad copy again, each finds what a run with a
    context of its own finds."""
    real = copy_package(tmp_path_factory.mktemp("real"))
    for name in ("value outside its categories", "duplicate primary key"):
        next(c for c in CATALOGUE if c.name == name).apply(package)
    alone = {root: _events_through_gx(root) for root in (package, real)}
    assert alone[package] and not alone[real]
    engine = Engine()
    shared = [_events_through_gx(root, engine) for root in (package, real, package)]
    assert shared == [alone[package], alone[real], alone[package]]
    with pytest.raises(ValueError, match="no Data Docs"):
        Session(package, data_docs=True, engine=engine)
    assert not (package / "reports").exists()


def _through(quality, root) -> list[dict]:
    """The findings of `quality` (the GX layer as a run drives it) on the events table."""
    table, fed = _events_fed(root)
    quality.send(table.name, table.file, fed)
    quality.end(table.name, table.file)
    return [g.as_dict(examples=None) for g in quality.findings()]


def test_gx_remembered_answers_as_gx_afresh(package, tmp_path_factory):
    """The tests' GX memory (see remembered_expectations) answers as GX does afresh:
    after the real package, for a bad copy (again, from memory), its rows one line lower,
    and with every failing row listed (a table with no finding lists none)."""
    real = copy_package(tmp_path_factory.mktemp("real"))
    # GX finds the same event recorded twice, on many more rows than 5.
    next(
        c for c in CATALOGUE if c.name == "a whole date column in another format"
    ).apply(package)
    lower = copy_package(tmp_path_factory.mktemp("lower"))
    shutil.copy(package / "data" / "events.csv", lower / "data" / "events.csv")
    edit_bytes("events", lambda data: data.replace(b"\n", b"\n\n", 1))(lower)
    memory = ExpectationMemory()
    runs = [(real, 5), (package, 5), (package, 5), (lower, 5), (real, None)]
    runs += [(package, None), (lower, None)]
    for root, examples in runs:
        remembered = _through(RememberedExpectations(root, memory, examples), root)
        afresh = _through(InProcess(root, examples=examples), root)
        assert remembered == afresh, (root.name, examples)
    assert len(memory.findings) == 3, "the real package, the bad copy, one line lower"
