"""A contribution needs only its rows: `make pr-check` regenerates what is derived, validates
and names the bump; `make prepare-release` computes the version and writes it everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, SITE_AND_FIGURES, committed_copy, git, read_rows
from remembered_expectations import RememberedExpectations
from sco_data.contribute import ci_scope, pr_check, pr_report, prepare_release
from sco_data.versions import changelog, version_check, version_files

# What a clone holds that pr-check and prepare-release read or write.
FILES = (
    "datapackage.json",
    "data",
    "schemas",
    "docs",
    "README.md",
    "CHANGELOG.md",
    "CITATION.cff",
    "pyproject.toml",
    ".zenodo.json",
)

# The released version the tests start from, and the versions a minor or a patch bump
# of it give: read from the package, so a release changes no test.
CURRENT = json.loads((ROOT / "datapackage.json").read_text("utf-8"))["version"]
_MAJOR, _MINOR, _PATCH = map(int, CURRENT.split("."))
NEXT_MINOR = f"{_MAJOR}.{_MINOR + 1}.0"
NEXT_PATCH = f"{_MAJOR}.{_MINOR}.{_PATCH + 1}"


# pr-check and prepare-release draw the figures: these tests run where the others that
# draw them do, and share what GX answered for each table as fed.
pytestmark = SITE_AND_FIGURES


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clone-like repository whose only commit, tagged `base`, is today's package."""
    return committed_copy(tmp_path, FILES)


def _unused(text: str, stem: str) -> str:
    """`stem-N` with the first N the text does not hold: the rows stay new, whatever the
    package already has."""
    number = 1
    while f"{stem}-{number}" in text:
        number += 1
    return f"{stem}-{number}"


def _contribute(repo: Path, period_start: str = "2025-01-01") -> str:
    """The two CSV lines of a one-row contribution, committed alone; the new row's id."""
    sources = repo / "data" / "sources.csv"
    trade = repo / "data" / "trade_stats.csv"
    source_id = _unused(sources.read_text("utf-8"), "src-test-contribution")
    row_id = _unused(trade.read_text("utf-8"), "tjk-total-2025-test-contribution")
    with sources.open("a", encoding="utf-8") as out:
        out.write(
            f"{source_id},news_article,A test report,Test Agency,"
            f"https://example.org/{source_id},2026-01-20,day,2026-12-04,en,\n"
        )
    with trade.open("a", encoding="utf-8") as out:
        out.write(
            f"{row_id},CHN,TJK,,total,{period_start},2025-12-31,"
            f"3100000000,USD,exact,CHN,{source_id},\n"
        )
    git(repo, "commit", "-qam", "China-Tajikistan trade in 2025")
    return row_id


def _line_of(repo: Path, table: str, key: str) -> int:
    lines = (repo / "data" / f"{table}.csv").read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(key + ","))


def _changed_files(repo: Path) -> list[str]:
    return sorted(git(repo, "diff", "--name-only").split())


def test_a_one_row_contribution_passes_and_names_a_minor_bump(repo, capsys):
    rows_before = len(read_rows(repo / "data" / "trade_stats.csv")[1])
    row_id = _contribute(repo)
    assert pr_check.main(["--base", "base", "--no-data-docs", str(repo)]) == 0
    out = capsys.readouterr().out
    assert out.count("VALID") == 1, out
    assert "trade_stats: 1 added, 0 removed, 0 changed" in out
    assert f"Version bump this change implies: minor ({CURRENT} → {NEXT_MINOR}" in out
    # The derived files are regenerated in the working tree, ready for the machine's commit.
    assert _changed_files(repo) == [
        "README.md",
        "datapackage.json",
        "docs/figures/trade-by-year.svg",
        "docs/figures/trade-by-year.vl.json",
    ]
    assert "Derived files that merging will refresh: `README.md`" in out
    readme = (repo / "README.md").read_text("utf-8")
    counted = rf"^\| `trade_stats` \| {rows_before + 1} \|"
    assert re.search(counted, readme, re.MULTILINE)
    # No changelog line came with it: one is proposed, naming the rows.
    assert f"`trade_stats`: 1 row(s) added (`{row_id}`)" in out


def _checked(repo: Path, expectation_memory):
    """pr-check with GX in this process (see remembered_expectations); the one-row test
    above runs the command itself, worker process included."""
    quality = RememberedExpectations(repo, expectation_memory)
    return pr_check.run(repo, "base", data_docs=False, quality=quality)


def test_a_wrong_date_fails_with_the_file_and_line_on_the_diff(
    repo, expectation_memory
):
    row_id = _contribute(repo, period_start="2025-13-01")
    outcome = _checked(repo, expectation_memory)
    out = pr_report.as_github(outcome)
    assert outcome.groups
    line = _line_of(repo, "trade_stats", row_id)
    assert re.search(
        rf"^::error file=data/trade_stats.csv,line={line},.*period_start_date",
        out,
        re.MULTILINE,
    ), out
    assert "::notice title=Version bump::" in out
    assert out.rstrip().splitlines()[-1].startswith("INVALID")
    assert "docs/figures/trade-by-year.svg" not in _changed_files(repo)


def test_a_derived_file_edited_by_hand_is_a_finding(repo, expectation_memory):
    dictionary = repo / "docs" / "data-dictionary.md"
    dictionary.write_text(dictionary.read_text("utf-8") + "\nA note.\n", "utf-8")
    descriptor = json.loads((repo / "datapackage.json").read_text("utf-8"))
    descriptor["description"] += " Edited by hand, which is allowed."
    (repo / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    git(repo, "commit", "-qam", "hand edits")
    outcome = _checked(repo, expectation_memory)
    out = pr_report.as_text(outcome)
    assert outcome.groups
    assert "docs/data-dictionary.md" in out and "derived-file-edited" in out
    assert "datapackage.json: " not in out.split("derived-file-edited")[0][-200:]
    assert out.count("derived-file-edited") == 1
    # The generated text is back in the working tree; the summary says what merging does.
    assert "A note." not in dictionary.read_text("utf-8")
    text = pr_report.summary(outcome)
    assert "## Rows changed" in text and "## Version" in text
    assert "`docs/data-dictionary.md`" in text
    assert "patch" in text  # the description changed


def test_prepare_release_writes_one_new_version_everywhere(repo, capsys, gx_in_process):
    _contribute(repo)
    fragment = repo / changelog.FRAGMENTS / "tajik-trade.added.md"
    fragment.parent.mkdir()
    fragment.write_text("China-Tajikistan trade in 2025.\n", "utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "fragment")
    assert prepare_release.main(["--date", "2026-12-05", str(repo)]) == 0, (
        capsys.readouterr()
    )
    assert set(version_files.versions(repo).values()) == {NEXT_MINOR}
    citation = (repo / "CITATION.cff").read_text("utf-8")
    assert "date-released: 2026-12-05" in citation
    log = (repo / "CHANGELOG.md").read_text("utf-8")
    entry = log.split(f"## [{NEXT_MINOR}] - 2026-12-05\n", 1)[1].split("\n## [", 1)[0]
    added = entry.split("### Added\n", 1)[1].split("\n### ", 1)[0]
    assert "- China-Tajikistan trade in 2025." in added.splitlines()
    assert changelog.unreleased_text(log) == ""
    assert not fragment.exists()
    capsys.readouterr()
    assert version_check.main(["--base", "base", str(repo)]) == 0, capsys.readouterr()
    # And the derived files are those of the new data.
    assert pr_check.edited_by_hand(repo, "base", {}, {}) == []
    from sco_data.publish import build, figure_files

    assert build.stale(repo) == [] and figure_files.stale(repo) == []


def test_without_a_tag_the_release_is_the_last_commit_that_wrote_its_entry(
    repo, capsys, gx_in_process
):
    # The release is finished after its heading was written: a row added, the entry
    # amended. Only what comes after belongs to the next release.
    first = _contribute(repo)
    log = repo / "CHANGELOG.md"
    text = log.read_text("utf-8")
    entry = changelog.entry_text(text, CURRENT)
    log.write_text(
        text.replace(entry, entry.rstrip() + "\n- One more row.\n\n"), "utf-8"
    )
    git(repo, "commit", "-qam", f"{CURRENT} finished")
    amended = git(repo, "rev-parse", "HEAD").strip()
    assert prepare_release.last_release(repo) == (amended, CURRENT)
    second = _contribute(repo)
    assert first != second
    assert prepare_release.main(["--date", "2026-12-05", str(repo)]) == 0
    out = capsys.readouterr().out
    assert f"(compared with {amended})" in out
    assert "trade_stats: 1 row(s) added" in out and "2 row(s)" not in out


def test_prepare_release_on_invalid_data_changes_nothing(repo, capsys, gx_in_process):
    _contribute(repo, period_start="2025-13-01")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert prepare_release.main(["--date", "2026-12-05", str(repo)]) == 1
    error = capsys.readouterr().err
    assert "data/trade_stats.csv" in error
    assert "prepare-release changed nothing" in error
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert after == before


def test_prepare_release_with_nothing_to_release_says_so(repo, capsys):
    assert prepare_release.main([str(repo)]) == 1
    assert "nothing to release" in capsys.readouterr().err
    assert _changed_files(repo) == []


def test_a_misnamed_fragment_stops_the_release(repo, capsys):
    _contribute(repo)
    (repo / changelog.FRAGMENTS).mkdir()
    (repo / changelog.FRAGMENTS / "note.md").write_text("- something\n", "utf-8")
    assert prepare_release.main([str(repo)]) == 1
    assert "changelog.d/note.md: name it <name>.<section>.md" in capsys.readouterr().err
    assert _changed_files(repo) == []


def test_a_release_commit_with_too_small_a_bump_fails_pr_check(repo, capsys):
    _contribute(repo)
    files = version_files.with_version(repo, NEXT_PATCH, "2026-12-05")
    for path, text in files.items():
        path.write_text(text, "utf-8")
    log = repo / "CHANGELOG.md"
    log.write_text(
        changelog.released(
            log.read_text("utf-8"), NEXT_PATCH, "2026-12-05", changelog.Entry()
        ),
        "utf-8",
    )
    code, lines = version_check.check(repo, "base")
    assert code is False
    assert any("need a minor bump" in line for line in lines)
    assert any("run `make prepare-release`" in line for line in lines)


def test_versions_that_disagree_fail_check_version(repo, capsys):
    citation = repo / "CITATION.cff"
    citation.write_text(
        citation.read_text("utf-8").replace(f"version: {CURRENT}", "version: 9.9.9"),
        "utf-8",
    )
    assert version_check.main(["--base", "base", str(repo)]) == 1
    assert "CITATION.cff says version '9.9.9'" in capsys.readouterr().out


def test_a_proposed_entry_names_rows_by_their_key():
    from sco_data.versions.row_diff import diff_table

    old = [["id", "value"], ["a", "1"], ["b", "2"]]
    new = [["id", "value"], ["a", "1"], ["b", "3"], ["c", "4"]]
    entry = changelog.proposed([], [diff_table("t", old, new, ["id"])])
    text = entry.markdown()
    assert "### Added\n- `t`: 1 row(s) added (`c`)." in text
    assert "### Changed\n- `t`: 1 row(s) corrected (`b`)." in text


@pytest.mark.parametrize(
    ("paths", "suite"),
    [
        (["data/trade_stats.csv", "data/sources.csv"], "data"),
        (["data/events.csv", "changelog.d/summit.added.md"], "data"),
        (["data/events.csv", "schemas/events.schema.json"], "full"),
        (["scripts/sco_data/validate.py"], "full"),
        (["tests/test_site.py"], "full"),
        ([".github/workflows/ci.yml"], "full"),
        (["constraints.txt"], "full"),
        (["pyproject.toml"], "full"),
        (["Makefile"], "full"),
        (["data-notes.txt"], "full"),  # not under data/
        ([], "full"),
    ],
)
def test_ci_runs_the_whole_suite_unless_only_the_data_changed(paths, suite):
    assert ci_scope.scope(paths) == suite


def test_ci_scope_reads_the_change_fromgit(repo, capsys, monkeypatch):
    _contribute(repo)
    monkeypatch.chdir(repo)
    assert ci_scope.main(["--base", "base"]) == 0
    assert capsys.readouterr().out == "suite=data\n"
    (repo / "schemas" / "notes.txt").write_text("x", "utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "schema folder")
    assert ci_scope.main(["--base", "base"]) == 0
    assert capsys.readouterr().out == "suite=full\n"
