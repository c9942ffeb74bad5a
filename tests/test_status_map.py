"""The status maps: each state's SCO status on a day, by the README's rule, on vendored boundaries."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import altair as alt
import pandas as pd
import pytest
import vl_convert
from conftest import ROOT, SITE_AND_FIGURES
from sco_data.package.typed import load_package
from sco_data.publish import figure_files, figures, status_map
from test_figures import marks
from test_memberships_over_time import members_on

# `make test-data` runs these for a change to data/
pytestmark = [pytest.mark.data, SITE_AND_FIGURES]

VENDOR = ROOT / "vendor"


@pytest.fixture(scope="module")
def tables() -> dict:
    return load_package(ROOT)


@pytest.fixture(scope="module")
def eras(tables):
    return status_map.eras(tables)


def era_of(eras, day: str) -> tuple[pd.DataFrame, pd.Series]:
    """The states and the words of the era that holds `day`, as the site's map picks it."""
    states, words = eras
    ms = (pd.Timestamp(day) - pd.Timestamp("1970-01-01")) // pd.Timedelta(
        milliseconds=1
    )
    held = states[(states.from_ms <= ms) & (ms < states.to_ms)]
    (row,) = words[(words.from_ms <= ms) & (ms < words.to_ms)].itertuples()
    return held, row


def test_the_vendored_files_are_the_pinned_packages_unchanged():
    sums = dict(
        reversed(line.split("  ", 1))
        for line in (VENDOR / "SHA256SUMS").read_text("utf-8").splitlines()
    )
    present = {
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.parent != VENDOR
    }
    assert set(sums) == present, "run `make vendor`"
    for file, digest in sums.items():
        assert hashlib.sha256((VENDOR / file).read_bytes()).hexdigest() == digest, file
    versions = json.loads((VENDOR / "versions.json").read_text("utf-8"))
    pins = json.loads((ROOT / "tools/vendor/package.json").read_text("utf-8"))
    assert versions == pins["dependencies"]
    lock = json.loads((ROOT / "tools/vendor/package-lock.json").read_text("utf-8"))
    for name, version in versions.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
        assert (VENDOR / name / "LICENSE").is_file()


def test_the_site_runs_the_vega_lite_and_vega_the_figures_are_drawn_with():
    versions = json.loads((VENDOR / "versions.json").read_text("utf-8"))
    assert versions["vega-lite"] == alt.SCHEMA_VERSION.lstrip("v")
    assert versions["vega"] == vl_convert.get_vega_version()
    assert versions["vega-embed"] == vl_convert.get_vega_embed_version()


def test_members_on_every_day_a_status_changes_are_the_readmes_members(tables):
    for day in status_map.change_days(tables):
        for shown in (day, day - pd.Timedelta(days=1)):
            states = status_map.statuses_on(tables, shown)
            members = states[(states.status == "member") & states.sure]
            assert set(members.iso3) == members_on(shown.date()), shown


def test_nine_members_on_3_july_2024_and_ten_on_the_4th(tables, eras):
    for day, count, belarus in (
        ("2024-07-03", 9, "Belarus: observer"),
        ("2024-07-04", 10, "Belarus: member"),
    ):
        states = status_map.statuses_on(tables, pd.Timestamp(day))
        assert status_map.day_words(states)["members"] == count
        held, words = era_of(eras, day)
        assert words.members == words.members_possible == count
        assert belarus in set(held.description)
        assert len(members_on(date.fromisoformat(day))) == count


def test_a_start_known_to_the_month_is_faded_on_the_days_it_may_not_have_held(tables):
    def mongolia(day: str) -> list[tuple[str, bool]]:
        states = status_map.statuses_on(tables, pd.Timestamp(day))
        rows = states[states.iso3 == "MNG"]
        return list(zip(rows.status, rows.sure))

    # Observer from some day of June 2004: maybe on the 1st to the 29th, surely from the 30th.
    assert mongolia("2004-05-31") == []
    assert mongolia("2004-06-01") == mongolia("2004-06-29") == [("observer", False)]
    assert mongolia("2004-06-30") == [("observer", True)]
    states = status_map.statuses_on(tables, pd.Timestamp("2004-06-15"))
    svg = figure_files.svg(figures.status_map_chart(tables, states).to_dict())
    shapes = {
        s.get("aria-label"): s.get("opacity") for s in marks(svg, "status_shapes")
    }
    assert shapes["Mongolia: maybe observer (start known only to 2004-06)"] == "0.3"
    assert shapes["China: member"] == "1"


def test_the_eras_follow_each_other_from_the_founding_to_the_latest_day(tables, eras):
    states, words = eras
    assert list(words.from_ms[1:]) == list(words.to_ms[:-1])
    first, last = (pd.Timestamp(ms, unit="ms") for ms in words.iloc[[0, -1]].from_ms)
    assert first == pd.Timestamp("2001-06-15")
    # The latest day is the newest start, or the day after the newest end, in the table.
    m = tables["memberships"]
    newest = max(m.start_date.max(), m.end_date.max() + pd.Timedelta(days=1))
    assert last == status_map.latest_day(tables) == newest
    assert words.iloc[-1].to_ms - words.iloc[-1].from_ms == status_map.MS_PER_DAY
    assert set(states.from_ms) == set(words.from_ms)


def test_every_state_is_drawn_but_those_too_small_for_the_scale(tables):
    drawn = status_map.drawn_ids()
    kept = {
        g.get("id") for g in status_map.world()["objects"]["countries"]["geometries"]
    }
    codes = {iso3: status_map.iso_numeric(iso3) for iso3 in tables["states"].iso3}
    assert all(codes.values())
    missing = {iso3 for iso3, code in codes.items() if code not in drawn}
    assert missing == {"BHR", "MDV"}
    assert {c for c in codes.values() if c in drawn} <= kept  # the crop keeps them all


def test_the_committed_maps_show_the_telling_days(tables):
    names = [f.name for f in figures.FIGURES if f.name.startswith("status-map-")]
    assert names == [f"status-map-{day}" for day in status_map.MAP_DAYS]
    readme = (ROOT / "README.md").read_text("utf-8")
    for name in names:
        assert f"docs/figures/{name}.svg" in readme, name
    svg = (ROOT / "docs/figures/status-map-2024-07-04.svg").read_text("utf-8")
    labels = {s.get("aria-label") for s in marks(svg, "status_shapes")}
    states = status_map.statuses_on(tables, pd.Timestamp("2024-07-04"))
    drawn = states[states.id.isin(status_map.drawn_ids())]
    assert labels == set(drawn.description) and "Belarus: member" in labels
    assert "10 member states" in svg
    latest = (ROOT / "docs/figures/status-map-latest.svg").read_text("utf-8")
    assert f"{status_map.latest_day(tables):%Y-%m-%d}" in latest


def test_a_clipped_map_draws_the_same_bytes_however_often_it_is_drawn(
    tables, remembered_figures
):
    # Vega counts clip paths per process; figure_files names them from the spec instead.
    # Rendered twice for real: the tests otherwise render a spec once.
    spec = figures.FIGURES[-1].draw(tables).to_dict()
    render = remembered_figures.render
    first = render(spec)
    assert first == render(spec) and 'id="clip-' in first
