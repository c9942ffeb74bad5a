"""`make check-version BASE=<git ref>`: does a release commit carry the version its changes
need?

Compares the working tree with BASE (see `comparison`). Fails when `version` is not raised at
least to the level required, when CITATION.cff or pyproject.toml state another version than
datapackage.json, or when CHANGELOG.md has no dated entry `## [X.Y.Z] - YYYY-MM-DD` for the
new version. No data or schema change requires no bump. `make prepare-release` writes what
this checks; pull requests leave the version alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sco_data.versions import changelog, version_files
from sco_data.versions.comparison import Comparison, compare
from sco_data.versions.git_snapshot import SnapshotError
from sco_data.versions.schema_changes import LEVELS


def bump_level(old: tuple, new: tuple) -> str:
    """How much `new` raises `old`: none, patch, minor or major."""
    if new <= old:
        return "none"
    if new[0] > old[0]:
        return "major"
    if new[1] > old[1]:
        return "minor"
    return "patch"


def changes_text(comparison: Comparison) -> list[str]:
    lines = [f"Changes since {comparison.base}:"]
    lines += [f"  {c.level:<5}  {c.where}: {c.what}" for c in comparison.changes] or [
        "  none"
    ]
    lines.append(f"Required bump: {comparison.required}.")
    return lines


def verdict(root: Path, comparison: Comparison) -> tuple[bool, list[str]]:
    """(passes, sentences) for the version the working tree states."""
    required = comparison.required
    old_version = version_files.parse((comparison.old.package or {}).get("version"))
    new_text = (comparison.new.package or {}).get("version")
    new_version = version_files.parse(new_text)
    if new_version is None or old_version is None:
        return False, [f"version must be MAJOR.MINOR.PATCH; it is {new_text!r}."]
    bumped = bump_level(old_version, new_version)
    old_text = version_files.text(old_version)
    lines, ok = [], True
    if new_version < old_version:
        lines.append(f"version went back from {old_text} to {new_text}.")
        ok = False
    elif LEVELS.index(bumped) < LEVELS.index(required):
        lines.append(
            f"version is {new_text} (was {old_text}), a {bumped} bump; these changes need "
            f"a {required} bump: run `make prepare-release`, which writes it everywhere."
        )
        ok = False
    for disagreement in version_files.disagreements(root):
        lines.append(disagreement)
        ok = False
    log = root / changelog.FILE
    if bumped != "none" and not (
        log.is_file() and changelog.has_entry(log.read_text("utf-8"), new_text)
    ):
        lines.append(
            f"CHANGELOG.md has no entry '## [{new_text}] - YYYY-MM-DD' for the new version."
        )
        ok = False
    if ok:
        lines.append(f"version {new_text} (was {old_text}): ok.")
    return ok, lines


def check(root: Path, base: str) -> tuple[bool, list[str]]:
    """(passes, lines of explanation)."""
    comparison = compare(root, base)
    ok, lines = verdict(root, comparison)
    return ok, changes_text(comparison) + lines


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
