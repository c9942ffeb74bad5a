"""`make prepare-release`: compute the next version from the changes, and write it.

1. Finds the last release: the newest tag `vX.Y.Z` reachable from HEAD, else the newest
   commit that wrote the newest dated entry of CHANGELOG.md.
2. Checks a copy of the package with its derived files regenerated: on invalid data it
   prints the report and changes nothing.
3. Computes the bump since that release from the data and schema diff (the rules of
   `make check-version`), and the new version from the release's version.
4. Writes the version in datapackage.json, CITATION.cff (with the release date) and
   pyproject.toml; moves the Unreleased section and every changelog fragment under a dated
   heading (an entry made from the changes when there are none), removes the fragments, and
   regenerates the derived files.

    python -m sco_data.contribute.prepare_release [--date YYYY-MM-DD] [ROOT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sco_data.contribute import derived
from sco_data.files import WriteFailed, write_changed
from sco_data.versions import changelog, version_files
from sco_data.versions.comparison import compare
from sco_data.versions.git_snapshot import SnapshotError

# What validation reads: a copy of these is checked before anything is written.
PACKAGE_FILES = ("datapackage.json", "data", "schemas", "README.md")


class ReleaseError(Exception):
    pass


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def last_release(root: Path) -> tuple[str, str]:
    """(git ref of the last release, its version)."""
    tags = _git(root, "tag", "--merged", "HEAD", "--list", "v*", "--sort=-v:refname")
    for tag in tags.splitlines():
        if version_files.parse(tag[1:]):
            return tag, tag[1:]
    version = changelog.last_release(derived.read_text(root / changelog.FILE) or "")
    if version is None:
        raise ReleaseError(
            "No release to compare with: no tag vX.Y.Z and no dated heading in "
            f"{changelog.FILE}."
        )
    return _last_entry_commit(root, version), version


def _last_entry_commit(root: Path, version: str) -> str:
    """The newest commit that wrote the changelog entry of `version`: what was released
    under it. An entry may be amended after its heading was added, as the release is
    finished; changes made after the last amendment belong to the next release."""
    for commit in _git(root, "log", "--format=%H", "--", changelog.FILE).split():
        now = _git(root, "show", f"{commit}:{changelog.FILE}")
        before = _git(root, "show", f"{commit}^:{changelog.FILE}")
        if changelog.entry_text(now, version) != changelog.entry_text(before, version):
            return commit
    raise ReleaseError(f"The entry of {version} in {changelog.FILE} is in no commit.")


def _copy(root: Path, folder: Path) -> Path:
    for name in PACKAGE_FILES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        elif source.is_file():
            shutil.copy2(source, folder / name)
    return folder


def check_copy(root: Path) -> tuple[list, dict]:
    """Validate a copy of the package with its derived files regenerated."""
    from sco_data.checks.pipeline import run_checks

    with tempfile.TemporaryDirectory() as folder:
        copy = _copy(root, Path(folder))
        try:
            derived.write(
                copy,
                derived.expected(
                    copy, [g for g in derived.GENERATORS if not g.needs_valid_data]
                ),
            )
        except (SystemExit, ValueError, OSError):
            pass  # an unreadable descriptor, schema or suite: validation says why
        return run_checks(copy)


def prepare(root: Path, day: str) -> list[str]:
    """Write the release; return what was done, as lines. Raises ReleaseError, with
    nothing written, when there is nothing to release or the package is invalid."""
    base, released = last_release(root)
    fragments = changelog.fragment_files(root)  # a misnamed one stops us here
    comparison = compare(root, base)
    level = comparison.required
    if level == "none":
        raise ReleaseError(
            f"No change to the data or schemas since {released} ({base}): "
            "nothing to release."
        )
    groups, tables = check_copy(root)
    if groups:
        from sco_data.checks import report

        raise ReleaseError(
            report.as_text(groups, tables)
            + "\n\nThe package is invalid: prepare-release changed nothing."
        )
    version = version_files.text(
        version_files.bumped(version_files.parse(released), level)
    )
    entry = changelog.pending(root)
    if entry.empty:
        entry = changelog.proposed(comparison.changes, comparison.diffs)
    log = root / changelog.FILE
    files = version_files.with_version(root, version, day)
    files[log] = changelog.released(log.read_text("utf-8"), version, day, entry)
    written = write_changed(files)
    for fragment in fragments:
        fragment.unlink()
    written += [root / f for f in derived.write(root, derived.expected(root))]
    lines = [
        f"Release {version}: a {level} bump from {released} (compared with {base}).",
        *(f"  {c.level:<5}  {c.where}: {c.what}" for c in comparison.changes),
        "Wrote " + ", ".join(sorted({p.relative_to(root).as_posix() for p in written})),
    ]
    if fragments:
        lines.append(
            "Removed the fragments "
            + ", ".join(f.relative_to(root).as_posix() for f in fragments)
        )
    lines.append(
        f"Next: review, commit, `make check-version BASE={base}`, merge, tag v{version}."
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--date",
        default=dt.datetime.now(dt.UTC).date().isoformat(),
        help="the release date (default: today, UTC)",
    )
    parser.add_argument("root", nargs="?", default=".")
    args = parser.parse_args(argv)
    try:
        dt.date.fromisoformat(args.date)
    except ValueError:
        print(f"prepare-release: --date must be YYYY-MM-DD, not {args.date!r}.")
        return 2
    try:
        lines = prepare(Path(args.root), args.date)
    except (ReleaseError, SnapshotError, changelog.ChangelogError) as error:
        print(f"prepare-release: {error}", file=sys.stderr)
        return 1
    except WriteFailed as error:
        print(error, file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
