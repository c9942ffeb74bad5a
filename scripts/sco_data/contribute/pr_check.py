"""`make pr-check BASE=<git ref>`: everything a pull request needs, in one command.

1. Regenerates every derived file in the working tree (sizes and hashes, the data
   dictionary, the README's row counts, the derived expectations; the figures once the data
   is valid), so that a pull request that touches only `data/*.csv` needs nothing else.
2. Validates the package with every layer, as `make validate` does.
3. Finds a derived file that the change edited by hand (its derived part differs from both
   BASE and what the machine writes): a finding, since merging would overwrite the edit.
4. Lists the rows changed since BASE and names the version bump the change implies (see
   CONTRIBUTING.md); a change that sets a version itself must pass `make check-version`.
5. Proposes a changelog entry when the change brings none.

`--format github` (the default inside GitHub Actions) prints the findings as annotations on
the changed lines, and `--summary PATH` (default: $GITHUB_STEP_SUMMARY) appends the rows
changed, the bump and the derived files that merging will refresh. Exit 1 on any finding.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sco_data.checks.expectations import DATA_DOCS, worker
from sco_data.contribute import derived
from sco_data.files import WriteFailed
from sco_data.findings import Finding, Group, grouped
from sco_data.versions import changelog, version_check, version_files
from sco_data.versions.comparison import Comparison, compare
from sco_data.versions.git_snapshot import SnapshotError, changed_paths, file_at

LAYER = "pr-check"


@dataclass
class Outcome:
    groups: list[Group]  # every finding, validation's included
    tables: dict[str, dict]  # per table: its file and rows read
    comparison: Comparison
    refreshed: list[str]  # derived files whose committed text the machine replaces
    not_redrawn: bool  # the figures could not be drawn from invalid data
    changelog_given: bool  # the change brings its own changelog line or fragment
    proposal: changelog.Entry
    notes: list[str] = field(default_factory=list)

    @property
    def bump(self) -> str:
        return self.comparison.required


def _text_at(root: Path, base: str, file: str) -> str | None:
    content = file_at(root, base, file)
    try:
        return None if content is None else content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def edited_by_hand(
    root: Path, base: str, committed: dict[str, str | None], expected: dict[str, str]
) -> list[Finding]:
    """A finding for each derived file whose derived part the change altered to something
    other than what its generator writes."""
    found = []
    for file, text in expected.items():
        mine = derived.derived_part(file, committed.get(file))
        if mine == derived.derived_part(file, text):
            continue
        if mine == derived.derived_part(file, _text_at(root, base, file)):
            continue  # untouched, merely stale: the machine refreshes it
        found.append(
            Finding(
                LAYER,
                file,
                None,
                None,
                "derived-file-edited",
                None,
                f"{file} is generated from the data and schemas, and this change edits "
                "what the generator writes. Merging would replace the edit: make the change "
                "in data/ or schemas/ instead, and leave this file as it was.",
            )
        )
    return found


def _version_findings(root: Path, comparison: Comparison) -> list[Finding]:
    """A change that sets a version (a release) must set the one its changes need."""
    old = (comparison.old.package or {}).get("version")
    new = (comparison.new.package or {}).get("version")
    if old == new:
        return []
    ok, sentences = version_check.verdict(root, comparison)
    if ok:
        return []
    return [
        Finding(
            LAYER, version_files.DESCRIPTOR, None, "version", "version-bump", new, s
        )
        for s in sentences
    ]


def _changelog_given(root: Path, base: str, paths: list[str]) -> bool:
    if any(path.startswith(changelog.FRAGMENTS + "/") for path in paths):
        return True
    now, before = (
        derived.read_text(root / changelog.FILE),
        _text_at(root, base, changelog.FILE),
    )
    try:
        return changelog.unreleased_text(now or "") != changelog.unreleased_text(
            before or ""
        )
    except changelog.ChangelogError:
        return now != before


def run(root: Path, base: str, data_docs: bool = True, quality=None) -> Outcome:
    """Regenerate, validate and compare; raises SnapshotError for an unknown base.
    `quality` runs the GX layer: by default a worker process, as `make validate` starts."""
    # GX's import overlaps the regeneration and the other layers, as in `make validate`.
    quality = quality or worker.Worker(root, data_docs=data_docs)
    try:
        paths = changed_paths(root, base)
        expected = {}
        try:
            expected = derived.expected(
                root, [g for g in derived.GENERATORS if not g.needs_valid_data]
            )
        except (SystemExit, ValueError, OSError):
            pass  # an unreadable descriptor, schema or suite: validation says why
        before = {file: derived.read_text(root / file) for file in expected}
        derived.write(root, expected)
        from sco_data.checks.pipeline import run_checks

        groups, tables = run_checks(root, quality=quality)
    finally:
        quality.stop()
    not_redrawn = bool(groups)
    if not groups:
        drawn = derived.expected(
            root, [g for g in derived.GENERATORS if g.needs_valid_data]
        )
        before.update({file: derived.read_text(root / file) for file in drawn})
        derived.write(root, drawn)
        expected.update(drawn)
    findings = edited_by_hand(root, base, before, expected)
    comparison = compare(root, base)
    findings += _version_findings(root, comparison)
    refreshed = sorted(file for file, text in expected.items() if before[file] != text)
    given = _changelog_given(root, base, paths)
    proposal = changelog.proposed(comparison.changes, comparison.diffs)
    return Outcome(
        groups + grouped(findings),
        tables,
        comparison,
        refreshed,
        not_redrawn,
        given,
        proposal,
        quality.notes,
    )


def main(argv: list[str] | None = None) -> int:
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git ref the change is made on")
    parser.add_argument(
        "--format",
        choices=["text", "github"],
        default="github" if in_actions else "text",
        help="github: findings as annotations on the pull request's lines",
    )
    parser.add_argument(
        "--summary",
        metavar="PATH",
        default=os.environ.get("GITHUB_STEP_SUMMARY"),
        help="append the Markdown summary to PATH (default: $GITHUB_STEP_SUMMARY)",
    )
    parser.add_argument(
        "--no-data-docs",
        action="store_true",
        help=f"skip writing the HTML report to {DATA_DOCS}/",
    )
    parser.add_argument("root", nargs="?", default=".")
    args = parser.parse_args(argv)
    root = Path(args.root)
    from sco_data.contribute import pr_report

    try:
        outcome = run(root, args.base, data_docs=not args.no_data_docs)
    except SnapshotError as error:
        print(f"pr-check: {error}", file=sys.stderr)
        return 2
    except (WriteFailed, changelog.ChangelogError) as error:
        print(f"pr-check: {error}", file=sys.stderr)
        return 1
    if args.format == "github":
        print(pr_report.as_github(outcome))
    else:
        print(pr_report.as_text(outcome))
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as out:
            out.write(pr_report.summary(outcome))
    for note in outcome.notes:
        print(f"Note: {note}", file=sys.stderr)
    return 1 if outcome.groups else 0


if __name__ == "__main__":
    sys.exit(main())
