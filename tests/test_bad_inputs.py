"""Every catalogued bad input makes validation fail with a finding at the right place."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from bad_inputs import CATALOGUE, ROOT, markdown
from conftest import BY_CASE, copy_tables, expanded
from sco_data.checks.report import ordered
from sco_data.validate import main, run_checks


@pytest.mark.parametrize("case", BY_CASE)
def test_bad_input_is_rejected_where_it_is(package, case, all_layers):
    case.apply(package)
    expected = case.expect(package)
    groups, _ = all_layers(package)
    if expected.count is not None:
        # A systematic mistake: one group, with every cell counted, its first example first.
        group = next(
            g
            for g in groups
            if (g.layer, g.file, g.column, g.rule)
            == (expected.layer, expected.file, expected.column, expected.rule)
        )
        assert group.count == expected.count
        assert group.examples(1)[0][0] == expected.line
    findings = expanded(groups)
    located = [(f.layer, f.file, f.line, f.column, f.rule) for f in findings] + [
        (layer, f.file, f.line, f.column, f.rule)
        for f in findings
        for layer in f.also_found_by
    ]
    wanted = (
        expected.layer,
        expected.file,
        expected.line,
        expected.column,
        expected.rule,
    )
    assert wanted in located, "\n".join(map(str, located))


def test_the_catalogue_page_is_up_to_date():
    page = (ROOT / "docs" / "bad-inputs.md").read_text("utf-8")
    assert page == markdown(), "docs/bad-inputs.md is stale: run `make docs`"


def test_the_command_exits_1_and_names_the_problem_without_traceback(events_package):
    case = next(c for c in CATALOGUE if c.name == "unbalanced quote")
    case.apply(events_package)
    result = subprocess.run(
        [sys.executable, "-m", "sco_data.validate", str(events_package)]
        + ["--no-data-docs"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "data/events.csv, line 3" in result.stdout
    assert result.stdout.rstrip().endswith("INVALID")


def test_json_report_lists_findings_for_machines(package, capsys, gx_in_process):
    case = next(c for c in CATALOGUE if c.name == "broken foreign key")
    case.apply(package)
    assert main([str(package), "--format", "json", "--no-data-docs"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    finding = next(f for f in report["findings"] if f["rule"] == "foreign-key")
    finding = {**finding, **finding["examples"][0]}
    assert finding["file"] == "data/event_participants.csv"
    assert finding["column"] == "person_id"
    assert finding["value"] == "nobody-known"
    assert finding["layer"] == "pandera"


def test_a_folder_without_descriptor_is_a_usage_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "No datapackage.json" in capsys.readouterr().err


def test_descriptor_that_is_not_json_is_reported(package, capsys, gx_in_process):
    (package / "datapackage.json").write_text('{"name": "broken",', "utf-8")
    assert main([str(package), "--no-data-docs"]) == 1
    out = capsys.readouterr().out
    assert "datapackage.json" in out and "unreadable-json" in out


def test_two_runs_in_one_process_find_the_same(tmp_path):
    # Nothing a run learns about the columns outlives it: a second run, on the same tables
    # or on changed ones, finds exactly what a first run in a fresh process would. The
    # package is cut to the tables the bad inputs change and those they point into.
    package = copy_tables(tmp_path, "events", "event_participants", "sources")
    for name in (
        "broken foreign key",
        "duplicate primary key",
        "value outside its categories",
    ):
        next(c for c in CATALOGUE if c.name == name).apply(package)
    first, _ = run_checks(package)
    second, _ = run_checks(package)
    assert [g.as_dict() for g in first] == [g.as_dict() for g in second]
    assert len(first) >= 3
    next(c for c in CATALOGUE if c.name == "malformed date").apply(package)
    third, _ = run_checks(package)
    fresh = subprocess.run(
        [sys.executable, "-m", "sco_data.validate", str(package), "--format", "json"]
        + ["--no-data-docs"],
        capture_output=True,
        text=True,
        check=False,
    )
    in_fresh_process = json.loads(fresh.stdout)["findings"]
    assert [g.as_dict() for g in ordered(third)] == in_fresh_process
