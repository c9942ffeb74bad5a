"""What `make pr-check` prints and writes into a pull request's job summary."""

from __future__ import annotations

from sco_data.checks import report
from sco_data.versions import changelog, row_diff, version_files

BUMP_MEANING = {
    "major": "rows removed, or a field or constraint changed so that old uses may break",
    "minor": "rows, fields or tables added, or a constraint loosened",
    "patch": "values in existing rows corrected, or metadata changed",
    "none": "no change to the data or schemas",
}


def bump_sentence(outcome) -> str:
    level = outcome.bump
    if level == "none":
        return f"This change needs no version bump: {BUMP_MEANING[level]}."
    old = version_files.parse((outcome.comparison.old.package or {}).get("version"))
    where = ""
    if old is not None and level != "none":
        new = version_files.text(version_files.bumped(old, level))
        where = f" ({version_files.text(old)} → {new} at the next release)"
    return (
        f"Version bump this change implies: {level}{where}: {BUMP_MEANING[level]}. "
        "Nothing to bump by hand: `make prepare-release` applies it."
    )


def _refreshed_sentence(outcome) -> str:
    if not outcome.refreshed:
        return "Derived files: all up to date."
    return "Derived files that merging will refresh: " + ", ".join(
        f"`{file}`" for file in outcome.refreshed
    )


def _figures_note(outcome) -> list[str]:
    if not outcome.not_redrawn:
        return []
    return ["The figures were not redrawn: they are drawn once the data is valid."]


def _proposal(outcome) -> list[str]:
    if outcome.changelog_given or outcome.proposal.empty:
        return []
    advice = (
        "No changelog line was given; here is one made from the changes. Add it as a "
        f"file `{changelog.FRAGMENTS}/<short-name>.<section>.md`, or leave it: "
        "`make prepare-release` writes the release's entry."
    )
    return [
        advice,
        "",
        "```markdown",
        outcome.proposal.markdown(),
        "```",
    ]


def as_text(outcome, examples: int | None = 5) -> str:
    lines = [report.as_text(outcome.groups, outcome.tables, examples), ""]
    lines.append(row_diff.as_text(outcome.comparison.diffs, outcome.comparison.base))
    lines += ["", bump_sentence(outcome), _refreshed_sentence(outcome)]
    lines += _figures_note(outcome)
    proposal = _proposal(outcome)
    if proposal:
        lines += [""] + proposal
    return "\n".join(lines)


def as_github(outcome) -> str:
    """Annotations on the changed lines, a notice with the bump, then the verdict."""
    annotations = report.as_github(outcome.groups, outcome.tables).splitlines()
    verdict = annotations.pop()
    notice = bump_sentence(outcome).replace("%", "%25").replace("\n", "%0A")
    return "\n".join(annotations + [f"::notice title=Version bump::{notice}", verdict])


def summary(outcome, examples: int | None = 5) -> str:
    """The job summary: validation per table, rows changed, bump, derived files."""
    comparison = outcome.comparison
    lines = [
        report.as_markdown(outcome.groups, outcome.tables, examples),
        "",
        "## Rows changed",
        "",
        row_diff.as_markdown(comparison.diffs, comparison.base),
        "",
        "## Version",
        "",
        bump_sentence(outcome),
        "",
        "## Derived files",
        "",
        _refreshed_sentence(outcome),
        *_figures_note(outcome),
    ]
    proposal = _proposal(outcome)
    if proposal:
        lines += ["", "## Changelog", ""] + proposal
    return "\n".join(lines) + "\n"
