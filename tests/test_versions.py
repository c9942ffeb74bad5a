"""`make check-version` demands the bump the changes need; `make diff` lists rows by key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bad_inputs import set_cell
from conftest import committed_copy, read_rows, write_rows
from sco_data.versions import diff, version_check

FILES = ("datapackage.json", "CHANGELOG.md", "schemas", "data")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose only commit, tagged `base`, is the current package."""
    return committed_copy(tmp_path, FILES)


def _version(repo: Path) -> str:
    return json.loads((repo / "datapackage.json").read_text("utf-8"))["version"]


def _bump(repo: Path, level: str, changelog: bool = True) -> str:
    major, minor, patch = map(int, _version(repo).split("."))
    new = {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }[level]
    path = repo / "datapackage.json"
    package = json.loads(path.read_text("utf-8"))
    package["version"] = new
    path.write_text(json.dumps(package, indent=2), "utf-8")
    if changelog:
        log = repo / "CHANGELOG.md"
        text = log.read_text("utf-8")
        first = text.index("\n## [")
        entry = f"\n## [{new}] - 2026-11-28\n\n### Changed\n- Test.\n"
        log.write_text(text[:first] + entry + text[first:], "utf-8")
    return new


def _check(repo: Path, capsys) -> tuple[int, str]:
    code = version_check.main(["--base", "base", str(repo)])
    return code, capsys.readouterr().out


def _add_state(repo: Path) -> None:
    fields, rows = read_rows(repo / "data" / "states.csv")
    row = dict(rows[0], iso3="GEO", iso2="GE", name="Georgia")
    write_rows(repo / "data" / "states.csv", fields, rows + [row])


def _remove_field(repo: Path, table: str, field: str) -> None:
    path = repo / "schemas" / f"{table}.schema.json"
    schema = json.loads(path.read_text("utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != field]
    path.write_text(json.dumps(schema, indent=2), "utf-8")
    fields, rows = read_rows(repo / "data" / f"{table}.csv")
    for row in rows:
        del row[field]
    write_rows(repo / "data" / f"{table}.csv", [f for f in fields if f != field], rows)


def test_no_change_needs_no_bump(repo, capsys):
    code, out = _check(repo, capsys)
    assert code == 0, out
    assert "Required bump: none." in out


def test_new_rows_without_a_bump_fail_naming_minor(repo, capsys):
    _add_state(repo)
    code, out = _check(repo, capsys)
    assert code == 1
    assert "states: 1 row(s) added" in out
    assert "need a minor bump" in out


def test_new_rows_with_a_minor_bump_and_changelog_entry_pass(repo, capsys):
    _add_state(repo)
    _bump(repo, "minor")
    code, out = _check(repo, capsys)
    assert code == 0, out


def test_a_bump_without_a_changelog_entry_fails(repo, capsys):
    _add_state(repo)
    new = _bump(repo, "minor", changelog=False)
    code, out = _check(repo, capsys)
    assert code == 1
    assert f"CHANGELOG.md has no entry '## [{new}] - YYYY-MM-DD'" in out


def test_removing_a_field_demands_a_major_bump(repo, capsys):
    _remove_field(repo, "people", "notes")
    _bump(repo, "minor")
    code, out = _check(repo, capsys)
    assert code == 1
    assert "people.notes: field removed or renamed" in out
    assert "need a major bump" in out
    _bump(repo, "major")
    code, out = _check(repo, capsys)
    assert code == 0, out


def test_a_corrected_value_needs_a_patch_bump(repo, capsys):
    set_cell("people", "xi-jinping", "notes", "Corrected.")(repo)
    code, out = _check(repo, capsys)
    assert code == 1 and "need a patch bump" in out
    _bump(repo, "patch")
    assert _check(repo, capsys)[0] == 0


def test_removing_rows_is_major(repo, capsys):
    fields, rows = read_rows(repo / "data" / "quotes.csv")
    write_rows(repo / "data" / "quotes.csv", fields, rows[1:])
    code, out = _check(repo, capsys)
    assert code == 1
    assert "quotes: 1 row(s) removed" in out
    assert "need a major bump" in out


@pytest.mark.parametrize(
    ("change", "level"),
    [
        (lambda enum: enum.append("reception"), "minor"),
        (lambda enum: enum.pop(), "major"),
    ],
    ids=["loosened enum", "tightened enum"],
)
def test_constraint_changes_are_classified(repo, capsys, change, level):
    path = repo / "schemas" / "events.schema.json"
    schema = json.loads(path.read_text("utf-8"))
    change(
        next(f for f in schema["fields"] if f["name"] == "event_type")["constraints"][
            "enum"
        ]
    )
    path.write_text(json.dumps(schema, indent=2), "utf-8")
    code, out = _check(repo, capsys)
    assert code == 1
    assert f"need a {level} bump" in out


def test_an_unknown_base_is_a_usage_error(repo, capsys):
    assert version_check.main(["--base", "no-such-ref", str(repo)]) == 2


def test_diff_lists_rows_added_removed_and_changed_by_key(repo, capsys):
    _add_state(repo)
    set_cell("people", "xi-jinping", "notes", "Corrected.")(repo)
    fields, rows = read_rows(repo / "data" / "quotes.csv")
    removed = rows[0]["id"]
    write_rows(repo / "data" / "quotes.csv", fields, rows[1:])
    assert diff.main(["--base", "base", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "states: 1 added, 0 removed, 0 changed" in out
    assert re.search(r"\+\+\+ \| GEO \| GE \| Georgia", out)
    assert "people: 0 added, 0 removed, 1 changed" in out
    assert f"--- | {removed}" in out
    assert "| `quotes` | 0 | 1 | 0 |" in out
    assert "| `events` |" not in out


def _with_key(schema: dict, field: str, new_field: bool) -> dict:
    schema = json.loads(json.dumps(schema))
    if new_field:
        schema["fields"].append({"name": field, "type": "string"})
    schema["foreignKeys"].append(
        {"fields": [field], "reference": {"resource": "documents", "fields": ["id"]}}
    )
    return schema


@pytest.mark.parametrize(
    ("field", "new_field", "level"),
    [("decision", True, "minor"), ("notes", False, "major")],
    ids=["on a field added with it", "on a field that held values"],
)
def test_a_new_foreign_key_is_minor_only_with_its_new_field(
    repo, capsys, field, new_field, level
):
    """A key on a new field constrains no value published before; on an existing field
    it may reject rows that were valid."""
    path = repo / "schemas" / "memberships.schema.json"
    schema = _with_key(json.loads(path.read_text("utf-8")), field, new_field)
    path.write_text(json.dumps(schema, indent=2), "utf-8")
    if new_field:
        fields, rows = read_rows(repo / "data" / "memberships.csv")
        write_rows(
            repo / "data" / "memberships.csv",
            [*fields, field],
            [{**row, field: ""} for row in rows],
        )
    code, out = _check(repo, capsys)
    assert code == 1
    assert f"need a {level} bump" in out
