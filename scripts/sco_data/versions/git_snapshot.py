"""The package as it was at a git ref, extracted to a folder, for comparing versions."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

PACKAGE_PATHS = ("datapackage.json", "schemas", "data", "CHANGELOG.md")


class SnapshotError(Exception):
    pass


def extract(root: Path, ref: str, destination: Path) -> Path:
    """Write the package files of `ref` (a commit, branch or tag) under `destination`."""
    present = [
        path
        for path in PACKAGE_PATHS
        if subprocess.run(
            ["git", "cat-file", "-e", f"{ref}:{path}"],
            cwd=root,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    ]
    if "datapackage.json" not in present:
        raise SnapshotError(f"'{ref}' is not a git ref holding datapackage.json.")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, "--", *present],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise SnapshotError(archive.stderr.decode(errors="replace").strip())
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def file_at(root: Path, ref: str, path: str) -> bytes | None:
    """One file's bytes at `ref`, or None where it did not exist."""
    shown = subprocess.run(
        ["git", "show", f"{ref}:{path}"], cwd=root, capture_output=True, check=False
    )
    return shown.stdout if shown.returncode == 0 else None


def changed_paths(root: Path, ref: str) -> list[str]:
    """The files that differ between `ref` and the working tree, untracked ones included."""
    listed = subprocess.run(
        ["git", "diff", "-z", "--name-only", "--no-renames", ref, "--"],
        cwd=root,
        capture_output=True,
        check=False,
        text=True,
    )
    if listed.returncode != 0:
        raise SnapshotError(listed.stderr.strip())
    untracked = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
        text=True,
    )
    paths = listed.stdout.split("\0") + untracked.stdout.split("\0")
    return sorted({path for path in paths if path})
