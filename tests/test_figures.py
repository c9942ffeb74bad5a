"""`make figures`: the committed figures are what the data draws, and they draw it honestly."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from conftest import ROOT, SITE_AND_FIGURES, read_rows, set_cell
from sco_data.package.typed import load_package
from sco_data.publish import figure_files, figures

# `make test-data` runs these for a change to data/
pytestmark = [pytest.mark.data, SITE_AND_FIGURES]

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return figure_files.rendered(ROOT)


@pytest.fixture(scope="module")
def tables() -> dict:
    return load_package(ROOT)


def marks(svg: str, name: str) -> list[ET.Element]:
    """The items of the mark called `name`: Vega gives its group the class <name>_marks, or
    <name>_<n>_marks when Altair numbers the copies of a mark in concatenated charts."""
    pattern = re.compile(rf"{name}(_\d+)?_marks")
    groups = [
        g
        for g in ET.fromstring(svg).iter(f"{SVG}g")
        if any(pattern.fullmatch(c) for c in g.get("class", "").split())
    ]
    return [item for g in groups for item in g if item.tag != f"{SVG}title"]


def sco_memberships() -> list[dict]:
    _, rows = read_rows(ROOT / "data" / "memberships.csv")
    return [r for r in rows if r["organisation_id"] == "sco"]


def heads_of_state_summits() -> list[dict]:
    _, events = read_rows(ROOT / "data" / "events.csv")
    return [
        e
        for e in events
        if e["event_type"] == "summit"
        and e["organisation_id"] == "sco-heads-of-state-council"
    ]


def summit_document_counts() -> list[dict]:
    """The event_stats rows counting the documents a heads-of-state summit signed or adopted."""
    summits = {e["id"] for e in heads_of_state_summits()}
    _, stats = read_rows(ROOT / "data" / "event_stats.csv")
    return [
        s
        for s in stats
        if s["event_id"] in summits
        and s["metric"] in ("documents_signed", "documents_adopted", "documents")
    ]


def first_line(package, table: str, **cells: str) -> int:
    """The CSV line (the header is line 1) of the first row of `table` holding `cells`."""
    return next(
        n
        for n, row in enumerate(read_rows(package / "data" / f"{table}.csv")[1], 2)
        if all(row[column] == value for column, value in cells.items())
    )


def test_the_committed_figures_are_what_the_data_draws(rendered):
    # Specs first: they hold the data, so a mismatch names what changed.
    for file, text in sorted(
        rendered.items(), key=lambda item: not item[0].endswith(".json")
    ):
        committed = ROOT / file
        assert committed.is_file(), f"{file} is missing: run `make figures`"
        if file.endswith(".json"):
            assert json.loads(committed.read_text("utf-8")) == json.loads(text), (
                f"{file} no longer matches the data: run `make figures`"
            )
        # vl-convert's SVG is deterministic (fonts bundled, days in UTC): compare bytes.
        assert committed.read_text("utf-8") == text, f"{file}: run `make figures`"


def test_every_figure_has_its_two_files_and_nothing_else_is_there(rendered):
    expected = {
        f"{figure_files.FOLDER}/{f.name}.{ext}"
        for f in figures.FIGURES
        for ext in ("svg", "vl.json")
    }
    assert set(rendered) == expected
    present = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / figure_files.FOLDER).iterdir()
    }
    assert present == expected


def test_a_changed_row_makes_the_committed_figure_stale(package, capsys):
    # Unchanged data draws the committed figures: the test above, on the repository itself.
    shutil.copytree(ROOT / figure_files.FOLDER, package / figure_files.FOLDER)
    line = first_line(package, "memberships", state_iso3="IRN", status="member")
    # Iran joins a day later: its bar moves, and the 2023 summit had eight members.
    set_cell(package, "memberships", line, "start_date", "2023-07-05")
    assert figure_files.main([str(package), "--check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"docs/figures/{file} no longer matches the data: run `make figures`."
        for file in (
            "status-timeline.vl.json",
            "status-timeline.svg",
            "summits.vl.json",
            "summits.svg",
        )
    ]


def test_one_status_bar_per_sco_membership_row(rendered):
    svg = rendered["docs/figures/status-timeline.svg"]
    bars = marks(svg, "status_bars")
    rows = sco_memberships()
    assert len(bars) == len(rows) == 48
    labels = [bar.get("aria-label") for bar in bars]
    assert (
        "Belarus: member from 2024-07-04, still held (source src-kazinform-belarus-member-2024)"
        in labels
    )


def test_a_start_known_to_the_month_is_drawn_over_the_month_not_on_a_day(tables):
    periods, edges, _ = figures.status_periods(tables)
    mongolia = periods[(periods.state == "Mongolia") & (periods.status == "observer")]
    # Surely held only from the month's last day; June 1st is not claimed.
    assert mongolia.surely_from.tolist() == ["2004-06-30"]
    assert mongolia.start.tolist() == ["2004-06"]
    edge = edges[(edges.state == "Mongolia") & (edges.edge == "start")]
    assert edge[["from", "to", "known"]].values.tolist() == [
        ["2004-06-01", "2004-06-30", "2004-06"]
    ]
    # Day-precision rows get no uncertain edge.
    assert len(edges) == sum(
        (r["start_precision"] != "day") + (r["end_precision"] not in ("day", ""))
        for r in sco_memberships()
    )


def test_an_end_known_to_the_year_spans_the_whole_year(package):
    line = first_line(
        package, "memberships", state_iso3="LKA", status="dialogue_partner"
    )
    set_cell(package, "memberships", line, "end_date", "2025-01-01")
    set_cell(package, "memberships", line, "end_precision", "year")
    periods, edges, _ = figures.status_periods(load_package(package))
    sri_lanka = periods[
        (periods.state == "Sri Lanka") & (periods.status == "dialogue_partner")
    ]
    # Its last day is some day of 2025: surely held through 1 January, maybe to 31 December.
    assert sri_lanka.surely_to.tolist() == ["2025-01-02"]
    assert sri_lanka.end.tolist() == ["2025"]
    edge = edges[(edges.state == "Sri Lanka") & (edges.edge == "end")]
    assert edge[["from", "to"]].values.tolist() == [["2025-01-02", "2026-01-01"]]


def test_every_heads_of_state_summit_with_its_members_from_memberships(
    tables, rendered
):
    summits = heads_of_state_summits()
    rows = figures.summit_rows(tables)
    assert sorted(rows.id) == sorted(e["id"] for e in summits) and len(rows) == 25
    members = dict(zip(rows.id, rows.members, strict=True))
    # Six founders until India and Pakistan joined on the Astana summit's second day (2017);
    # Iran joined on the day of the 2023 summit; Belarus on the 2024 summit's second day.
    assert members["sco-summit-2001-shanghai"] == 6
    assert members["sco-summit-2017-astana"] == 6
    assert members["sco-summit-2018-qingdao"] == 8
    assert members["sco-summit-2023-india-virtual"] == 9
    assert members["sco-summit-2024-astana"] == 9
    assert members["sco-summit-2025-tianjin"] == 10
    assert (rows.members == rows.members_possible).all()  # every member date is a day
    hosts = dict(zip(rows.id, rows.host, strict=True))
    assert hosts["sco-summit-2020-videoconference"] == "Russian Federation"
    assert len(marks(rendered["docs/figures/summits.svg"], "summit_bars")) == 25


def test_every_summit_with_the_documents_this_package_records_for_it(tables, rendered):
    summits = {e["id"] for e in heads_of_state_summits()}
    _, documents = read_rows(ROOT / "data" / "documents.csv")
    recorded = Counter(d["event_id"] for d in documents)
    rows, _ = figures.summit_document_rows(tables)
    assert sorted(rows.id) == sorted(summits)
    assert dict(zip(rows.id, rows.recorded, strict=True)) == {
        s: recorded[s] for s in summits
    }
    bars = marks(rendered["docs/figures/summit-documents.svg"], "recorded_bars")
    assert len(bars) == len(summits)
    # A summit no source counts is drawn too: its bar, with no mark over it.
    labels = dict(zip(rows.id, rows.label, strict=True))
    uncounted = summits - {s["event_id"] for s in summit_document_counts()}
    assert uncounted
    drawn = {bar.get("aria-label") for bar in bars}
    for summit in uncounted:
        n = recorded[summit]
        assert (
            f"{labels[summit]}: {n} document{'s' * (n != 1)} recorded in this package"
            in drawn
        )


def test_each_sources_count_of_a_summits_documents_is_its_own_mark(tables, rendered):
    stats = summit_document_counts()
    _, rows = figures.summit_document_rows(tables)
    assert sorted(
        zip(
            rows.id,
            rows.summit_id,
            rows.value,
            rows.counted,
            rows.qualifier,
            rows.source_id,
        )
    ) == sorted(
        (
            s["id"],
            s["event_id"],
            int(s["value"]),
            figures.DOCUMENT_COUNTS[s["metric"]],
            figures.QUALIFIER_SHAPES[s["qualifier"]][0],
            s["source_id"],
        )
        for s in stats
    )
    # Never merged: each summit's marks stand side by side, even two from one source.
    assert not rows.duplicated(["summit_id", "offset"]).any()
    per_source = Counter((s["event_id"], s["source_id"]) for s in stats)
    assert max(per_source.values()) > 1
    assert Counter(zip(rows.summit_id, rows.source_id)) == per_source
    # "Over 40" is drawn at 40 and says so.
    signs = {"exact": "", "at_least": "≥ ", "at_most": "≤ ", "approximately": "≈ "}
    assert dict(zip(rows.id, rows.says, strict=True)) == {
        s["id"]: signs[s["qualifier"]] + s["value"] for s in stats
    }
    points = marks(rendered["docs/figures/summit-documents.svg"], "source_counts")
    assert len(points) == len(stats) > 0
    assert sorted(
        p.get("aria-label").rsplit("(source ", 1)[1][:-1] for p in points
    ) == sorted(s["source_id"] for s in stats)
    spec = json.loads(rendered["docs/figures/summit-documents.vl.json"])
    tooltips = [
        [t if isinstance(t, str) else t["field"] for t in layer["encoding"]["tooltip"]]
        for layer in spec["layer"]
    ]
    assert "source_id" in tooltips[1] and "recorded" in tooltips[0]


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        # One source counts one document more at Samarkand...
        (
            "event_stats",
            {"event_id": "sco-summit-2022-samarkand", "metric": "documents_adopted"},
            "value",
            "45",
        ),
        # ...or a document recorded for Tianjin belongs to Astana.
        (
            "documents",
            {"event_id": "sco-summit-2025-tianjin"},
            "event_id",
            "sco-summit-2024-astana",
        ),
    ],
)
def test_a_changed_count_or_document_makes_the_summit_documents_figure_stale(
    package, capsys, table, row, column, value
):
    shutil.copytree(ROOT / figure_files.FOLDER, package / figure_files.FOLDER)
    set_cell(package, table, first_line(package, table, **row), column, value)
    assert figure_files.main([str(package), "--check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"docs/figures/summit-documents.{ext} no longer matches the data: run `make figures`."
        for ext in ("vl.json", "svg")
    ]


def test_one_corridor_mark_per_figure_shaped_by_its_qualifier(tables, rendered):
    _, stats = read_rows(ROOT / "data" / "infrastructure_stats.csv")
    points = marks(rendered["docs/figures/corridor-figures.svg"], "observations")
    assert len(points) == len(stats) > 0
    rows = figures.corridor_rows(tables)
    capacity = rows[
        rows.panel.str.startswith("China-Kazakhstan (Xi'an)")
        & rows.panel.str.contains("annual capacity")
    ]
    # The conflict the issue names: 66,000, 66,500 and 133,000 TEU a year, each with its source.
    assert sorted(capacity.value) == [66000, 66500, 133000, 133000]
    assert set(capacity.qualifier) == {"over (at least)", "about", "exact"}
    assert set(capacity.source_id) == {
        s["source_id"]
        for s in stats
        if s["project_id"] == "xian-kazakhstan-terminal"
        and s["metric"] == "annual_capacity"
    }
    spec = json.loads(rendered["docs/figures/corridor-figures.vl.json"])
    shapes = {
        tuple(layer["encoding"]["shape"]["scale"]["domain"])
        for panel in spec["concat"]
        for layer in panel["layer"]
        if "shape" in layer.get("encoding", {})
    }
    assert shapes == {("exact", "over (at least)", "under (at most)", "about")}


def test_figures_render_with_no_network():
    spec = {
        "data": {"url": "http://127.0.0.2:9/data.csv"},
        "mark": "point",
        "encoding": {"x": {"field": "a", "type": "quantitative"}},
    }
    with pytest.raises(ValueError, match="url not allowed"):
        figure_files.svg(spec)


def test_a_remembered_drawing_is_the_drawing_afresh(tables, remembered_figures):
    """The tests draw each figure once for the tables it reads (see remembered_figures).
    With one table changed, the figures that read it are drawn again, the others come from
    memory, and every spec is the one drawing afresh gives."""
    changed = {**tables, "trade_stats": tables["trade_stats"].iloc[:-1]}
    remembered_figures.specs(tables)
    drawn = remembered_figures.drawn
    remembered = remembered_figures.specs(changed)
    assert 0 < remembered_figures.drawn - drawn < len(figures.FIGURES)
    assert remembered == {f.name: f.draw(changed).to_dict() for f in figures.FIGURES}
