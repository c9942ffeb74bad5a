"""What changed in the data and schemas since a git ref, and the version bump it needs.

Schema changes are classified by `schema_changes`; rows, keyed by primary key, by
`row_diff`: added rows need a minor bump, removed rows a major one (a key users may rely on
disappears), changed rows a patch.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sco_data.package.descriptor import Descriptor
from sco_data.package.descriptor import read as read_descriptor
from sco_data.versions import row_diff, schema_changes
from sco_data.versions.git_snapshot import extract
from sco_data.versions.schema_changes import Change


@dataclass
class Comparison:
    base: str
    old: Descriptor
    new: Descriptor
    changes: list[Change]  # schema and row changes, each with the level it needs
    diffs: list[row_diff.TableDiff]

    @property
    def required(self) -> str:
        """none, patch, minor or major."""
        return schema_changes.highest(self.changes)


def row_changes(diffs: list[row_diff.TableDiff]) -> list[Change]:
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


def compare(root: Path, base: str) -> Comparison:
    """The working tree at `root` against the package files of `base` (raises
    git_snapshot.SnapshotError when `base` is no ref holding a package)."""
    with tempfile.TemporaryDirectory() as folder:
        old_root = extract(root, base, Path(folder))
        old, new = read_descriptor(old_root), read_descriptor(root)
        changes = schema_changes.classify(old, new)
        diffs = row_diff.diff_packages(old_root, old, root, new)
    return Comparison(base, old, new, changes + row_changes(diffs), diffs)
