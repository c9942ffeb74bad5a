"""`make check-version BASE=<git ref>`: is the descriptor's version bumped enough?

Compares the working tree with BASE: schema changes (see schema_changes) and row changes
(added rows: minor; removed rows: major, as a key users may rely on disappears; changed rows:
patch). Fails when `version` is not raised at least to the level required, or when CHANGELOG.md
has no dated entry `## [X.Y.Z] - YYYY-MM-DD` for the new version. No data or schema change
requires no bump.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from sco_data.package.descriptor import read as read_descriptor
from sco_data.versions import row_diff, schema_changes
from sco_data.versions.git_snapshot import SnapshotError, extract
from sco_data.versions.schema_changes import LEVELS, Change

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def _version(text) -> tuple[int, int, int] | None:
    match = SEMVER.match(str(text or ""))
    return tuple(int(part) for part in match.groups()) if match else None


def bump_level(old: tuple, new: tuple) -> str:
    """How much `new` raises `old`: none, patch, minor or major."""
    if new <= old:
        return "none"
    if new[0] > old[0]:
        return "major"
    if new[1] > old[1]:
        return "minor"
    return "patch"


def row_changes(diffs) -> list[Change]:
    changes = []
    for diff in diffs:
        if diff.removed:
            changes.append(
                Change("major", diff.table, f"{diff.removed} row(s) removed")
            )
        if diff.added:
            changes.append(Change("minor", diff.table, f"{diff.added} row(s) added"))
        if diff.changed:
            changes.append(
                Change("patch", diff.table, f"{diff.changed} row(s) changed")
            )
    return changes


def changelog_has_entry(root: Path, version: str) -> bool:
    path = root / "CHANGELOG.md"
    if not path.is_file():
        return False
    pattern = rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}\s*$"
    return re.search(pattern, path.read_text("utf-8"), re.MULTILINE) is not None


def check(root: Path, base: str) -> tuple[bool, list[str]]:
    """(passes, lines of explanation)."""
    with tempfile.TemporaryDirectory() as folder:
        old_root = extract(root, base, Path(folder))
        old, new = read_descriptor(old_root), read_descriptor(root)
        changes = schema_changes.classify(old, new)
        diffs = row_diff.diff_packages(old_root, old, root, new)
    changes += row_changes(diffs)
    required = schema_changes.highest(changes)
    old_version = _version((old.package or {}).get("version"))
    new_text = (new.package or {}).get("version")
    new_version = _version(new_text)
    lines = [f"Changes since {base}:"]
    lines += [f"  {c.level:<5}  {c.where}: {c.what}" for c in changes] or ["  none"]
    lines.append(f"Required bump: {required}.")
    if new_version is None or old_version is None:
        lines.append(f"version must be MAJOR.MINOR.PATCH; it is {new_text!r}.")
        return False, lines
    bumped = bump_level(old_version, new_version)
    old_text = ".".join(map(str, old_version))
    ok = True
    if new_version < old_version:
        lines.append(f"version went back from {old_text} to {new_text}.")
        ok = False
    elif LEVELS.index(bumped) < LEVELS.index(required):
        lines.append(
            f"version is {new_text} (was {old_text}), a {bumped} bump; these changes need "
            f"a {required} bump: set version in datapackage.json (and CITATION.cff, "
            "pyproject.toml) accordingly."
        )
        ok = False
    if bumped != "none" and not changelog_has_entry(root, new_text):
        lines.append(
            f"CHANGELOG.md has no entry '## [{new_text}] - YYYY-MM-DD' for the new version."
        )
        ok = False
    if ok:
        lines.append(f"version {new_text} (was {old_text}): ok.")
    return ok, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git ref to compare with")
    parser.add_argument("root", nargs="?", default=".")
    args = parser.parse_args(argv)
    try:
        ok, lines = check(Path(args.root), args.base)
    except SnapshotError as error:
        print(f"check-version: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
