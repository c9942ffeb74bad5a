"""The report's renderers, against golden files, and its bounds.

The golden files in tests/golden/ are what each renderer writes for one fixed set of groups
(a whole column gone wrong, a whole-file problem, one bad cell, a GX group that lists only its
first rows, scattered lines). After an intended change, rewrite them with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report.py` and review the diff.
"""

from __future__ import annotations

import io
import json
import os

import numpy as np
import pytest
from conftest import ROOT
from sco_data.checks import report
from sco_data.findings import group_of, merge_groups
from sco_data.validate import main

GOLDEN = ROOT / "tests" / "golden"
TABLES = {
    "events": {"file": "data/events.csv", "rows": 100_070},
    "sources": {"file": "data/sources.csv", "rows": 165},
}


def fixed_groups():
    whole_column = np.arange(72, 100_072)
    scattered = np.concatenate(([2, 5], np.arange(9, 41), np.arange(100, 3_212, 2)))
    return [
        group_of(
            "pandera",
            "data/events.csv",
            "source_id",
            "foreign-key",
            "'src-nowhere' is not a id of 'sources'; add that row first or fix the "
            "reference.",
            [6],
            ["src-nowhere"],
        ),
        group_of(
            "pandera",
            "data/events.csv",
            "start_date",
            "type-error",
            "'01/07/2024' is not a real date written YYYY-MM-DD, as 'start_date' requires.",
            whole_column,
            [f"{d % 28 + 1:02d}/07/2024" for d in range(len(whole_column))],
        ),
        group_of(
            "csv-file",
            "data/sources.csv",
            None,
            "hash-count",
            "The file's sha256 hash is not the one datapackage.json records.",
            [],
            ["sha256:0123"],
        ),
        group_of(
            "great-expectations",
            "data/events.csv",
            "title,start_date",
            "expect_compound_columns_to_be_unique",
            "An event's title and start date appear together only once.",
            [72, 73, 74, 75, 76],
            [f"Summit (copy {k}),2024-07-03" for k in range(5)],
            count=3_112,
        ),
        group_of(
            "pandera",
            "data/events.csv",
            "summary",
            "surrounding-space",
            "'summary' starts or ends with a space; remove it.",
            scattered,
            [" x "] * len(scattered),
        ),
    ]


RENDERED = {
    "report.txt": lambda groups: report.as_text(groups, TABLES) + "\n",
    "report.json": lambda groups: report.as_json(groups, TABLES) + "\n",
    "report.github": lambda groups: report.as_github(groups, TABLES) + "\n",
    "report.md": lambda groups: report.as_markdown(groups, TABLES),
}


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_each_renderer_writes_its_golden_file(name):
    text = RENDERED[name](fixed_groups())
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8"), f"{name} changed: see the module docstring"


def test_whole_file_problems_come_first_then_the_largest_groups():
    order = [(g.rule, g.count) for g in report.ordered(fixed_groups())]
    assert order[0] == ("hash-count", 1)
    assert [count for _, count in order[1:]] == sorted(
        (count for _, count in order[1:]), reverse=True
    )


def test_lines_read_as_ranges_with_what_is_left_out():
    scattered = fixed_groups()[4]
    assert report.lines_text(scattered).startswith("2, 5, 9–40, 100, 102, ")
    assert report.lines_text(scattered).endswith(f"and {scattered.count - 39:,} more")
    assert report.lines_text(fixed_groups()[1]) == "72–100,071"


def test_the_text_report_stays_bounded_and_says_what_it_left_out():
    many = [
        group_of(
            "pandera", "data/events.csv", f"c{n}", "type-error", "x" * 300, [n + 2]
        )
        for n in range(5_000)
    ]
    text = report.as_text(many, TABLES)
    assert len(text) <= report.TEXT_LIMIT + 2_000
    assert "more problem(s)" in text and "--findings-file" in text
    assert len(report.as_text(many, TABLES, examples=None)) > report.TEXT_LIMIT


def test_findings_file_holds_every_single_finding():
    out = io.StringIO()
    groups = fixed_groups()
    written = report.write_findings(groups, out)
    lines = out.getvalue().splitlines()
    known = sum(len(g.lines) or 1 for g in groups)
    assert written == len(lines) == known
    first = json.loads(lines[0])
    assert (first["line"], first["value"], first["rule"]) == (
        6,
        "src-nowhere",
        "foreign-key",
    )


def test_another_layer_on_the_same_cells_is_named_not_repeated():
    contract = fixed_groups()[1]
    gx = group_of(
        "great-expectations",
        contract.file,
        contract.column,
        contract.rule,
        "x",
        contract.lines[:5],
        count=contract.count,
    )
    merged = merge_groups([contract, gx])
    assert len(merged) == 1 and merged[0].also_found_by == ("great-expectations",)


def test_the_command_writes_annotations_and_every_finding(
    package, tmp_path, capsys, gx_in_process
):
    path = package / "data" / "events.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    header = lines[0].split(",")
    column = header.index("date_precision")
    for number in range(1, len(lines)):
        cells = lines[number].split(",")
        if len(cells) == len(header):  # rows whose prose holds no comma
            cells[column] = "decade"
            lines[number] = ",".join(cells)
    path.write_text("".join(lines), "utf-8")
    every = tmp_path / "findings.ndjson"
    code = main(
        [str(package), "--format", "github", "--no-data-docs"]
        + ["--findings-file", str(every)]
    )
    out = capsys.readouterr().out
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert errors and "file=data/events.csv,line=" in "\n".join(errors)
    found = [json.loads(line) for line in every.read_text("utf-8").splitlines()]
    decades = [f for f in found if f["value"] == "decade" and f["layer"] == "pandera"]
    assert len(decades) == sum(1 for line in lines[1:] if ",decade," in line)
