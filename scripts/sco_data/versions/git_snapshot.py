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
