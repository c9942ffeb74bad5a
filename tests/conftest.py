"""Fixtures: a fresh copy of the real package that a test may break."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from remembered_expectations import RememberedExpectations
from sco_data.checks import frictionless_metadata
from sco_data.checks.pipeline import run_checks
from sco_data.publish import site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the package (descriptor, schemas, data) in a temporary folder."""
    shutil.copy(ROOT / "datapackage.json", tmp_path / "datapackage.json")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


@pytest.fixture(scope="session")
def expectation_memory() -> dict:
    """What GX answered for each table as fed, shared by the tests of one process."""
    return {}


@pytest.fixture(scope="session")
def metadata_memory() -> dict:
    """frictionless's metadata findings for each descriptor and set of schemas met."""
    return {}


@pytest.fixture
def remembered_metadata(monkeypatch, metadata_memory):
    """Within the test, frictionless's metadata validation answers from memory for a
    descriptor, schemas and file list it has seen: it reads nothing else, and the
    catalogue changes the data far more often than the contract."""
    real = frictionless_metadata.check_metadata

    def check(root, descriptor):
        root = Path(root)
        descriptor_file = root / descriptor.file
        key = (
            descriptor_file.read_bytes() if descriptor_file.is_file() else None,
            json.dumps(descriptor.schemas, sort_keys=True),
            tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))),
        )
        if key not in metadata_memory:
            metadata_memory[key] = real(root, descriptor)
        return list(metadata_memory[key])

    monkeypatch.setattr(frictionless_metadata, "check_metadata", check)


@pytest.fixture
def all_layers(expectation_memory, remembered_metadata):
    """`run_checks` with GX in this process, remembering its answers for tables fed
    exactly as before (see remembered_expectations), and frictionless's metadata findings
    for a contract seen before."""

    def run(root: Path, **options):
        quality = RememberedExpectations(Path(root), expectation_memory)
        return run_checks(root, quality=quality, **options)

    return run


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def committed_copy(folder: Path, names: tuple[str, ...]) -> Path:
    """A git repository in `folder` whose only commit, tagged `base`, holds a copy of the
    named files and folders of the package."""
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "base")
    git(folder, "tag", "base")
    return folder


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def rows_beyond_real_tables(extra: int = 100) -> int:
    """A row count for a synthetic package: above the largest table it scales (plus `extra`) and
    a multiple of none of their counts, so copies are always needed and never line up with the
    real rows. Derived from the data, so adding rows never breaks the benchmark tests."""
    from sco_data.bench import synthetic

    package = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    paths = {r["name"]: r["path"] for r in package["resources"]}
    counts = [len(read_rows(ROOT / paths[t])[1]) for t in synthetic.SCALED]
    rows = max(counts) + extra
    while any(rows % count == 0 for count in counts):
        rows += 1
    return rows


def write_rows(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(root: Path, table: str, line: int, column: str, value: str) -> None:
    """Set one cell; `line` counts CSV lines with the header as line 1."""
    path = root / "data" / f"{table}.csv"
    fields, rows = read_rows(path)
    rows[line - 2][column] = value
    write_rows(path, fields, rows)


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2), "utf-8")


def expanded(groups) -> list:
    """Grouped findings, one Finding per cell or row again: what a test locates."""
    return [finding for group in groups for finding in group.findings()]


# A fixed repository for the built site's "report a problem" links, never the clone's remote.
SITE_REPOSITORY = "example-owner/sco-data"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site `make site` writes, built once for the tests that read it (no dist/ given),
    its rows linking to the issue form of SITE_REPOSITORY."""
    folder = tmp_path_factory.mktemp("site") / "site"
    site.build(
        ROOT, folder, tmp_path_factory.mktemp("no-dist"), repository=SITE_REPOSITORY
    )
    return folder
