"""The real package passes every check, through our command and through frictionless itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, VALIDATED, read_rows
from sco_data.validate import run_checks

pytestmark = pytest.mark.data  # `make test-data` runs these for a change to data/


def test_the_package_passes_every_check():
    findings, tables = run_checks(ROOT)
    assert findings == []
    descriptor = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    assert set(tables) == {r["name"] for r in descriptor["resources"]}
    assert all(table["rows"] and table["rows"] > 0 for table in tables.values())


def test_frictionless_cli_validates_the_package():
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@VALIDATED
def test_validate_command_exits_0_and_says_valid(validated):
    assert validated.exit_code == 0, validated.output
    assert validated.output.rstrip().endswith("VALID")


def test_every_table_but_sources_cites_a_source():
    descriptor = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "sources":
            continue
        schema = json.loads((ROOT / resource["schema"]).read_text("utf-8"))
        source = next(f for f in schema["fields"] if f["name"] == "source_id")
        assert source["constraints"]["required"] is True, resource["name"]
        references = {
            (tuple(fk["fields"]), fk["reference"]["resource"])
            for fk in schema["foreignKeys"]
        }
        assert (("source_id",), "sources") in references, resource["name"]


def test_every_field_is_described_with_an_example():
    for path in sorted((ROOT / "schemas").glob("*.schema.json")):
        for field in json.loads(path.read_text("utf-8"))["fields"]:
            assert field.get("description"), (path.name, field["name"])
            assert "example" in field, (path.name, field["name"])


def test_readme_commands_are_make_targets():
    readme = (ROOT / "README.md").read_text("utf-8")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target in ("validate", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}: " in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_readme_row_counts_match_the_data():
    """The README's table of tables lists every table with its current row count."""
    readme = (ROOT / "README.md").read_text("utf-8")
    listed = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", readme, flags=re.MULTILINE))
    descriptor = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    actual = {
        r["name"]: str(len(read_rows(ROOT / r["path"])[1]))
        for r in descriptor["resources"]
    }
    assert listed == actual, "update the rows column of the README's table of tables"


def test_version_is_the_same_everywhere_and_in_the_changelog():
    version = json.loads((ROOT / "datapackage.json").read_text("utf-8"))["version"]
    citation = (ROOT / "CITATION.cff").read_text("utf-8")
    assert re.search(rf"^version: {re.escape(version)}$", citation, re.MULTILINE)
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert f'version = "{version}"' in pyproject
    changelog = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert re.search(
        rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$",
        changelog,
        re.MULTILINE,
    )
