"""Fixtures: a fresh copy of the real package that a test may break."""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from bad_inputs import CATALOGUE
from remembered_cells import remembering
from remembered_expectations import ExpectationMemory, RememberedExpectations
from remembered_figures import RememberedFigures
from remembered_tables import remembering_tables
from sco_data.checks import contract, frictionless_metadata, pipeline, read_back
from sco_data.checks.expectations import worker
from sco_data.checks.pipeline import run_checks
from sco_data.findings import merge_groups
from sco_data.memory import keep_for_the_run
from sco_data.package import compact, table_schema
from sco_data.package.descriptor import read as read_descriptor
from sco_data.publish import figure_files, site

ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_finish(session) -> None:
    """Every test process imports GX sooner or later (the in-process layer), and the tests
    have imported the rest: importing it now, then freezing what is alive as the GX worker
    does (`keep_for_the_run`), keeps the objects of those modules out of every later full
    garbage collection, which would otherwise walk them all again, dozens of times a test
    process."""
    if session.config.pluginmanager.has_plugin("dsession"):
        return  # pytest-xdist's controller: it runs no test
    import sco_data.checks.expectations.session  # noqa: F401

    gc.collect()
    keep_for_the_run()
    # What the process then remembers (each table's pass, GX's findings, frictionless's
    # lookups) lives to the end and grows test by test, and each full collection walks it
    # all: run one after every 100 collections of the middle generation, not every 10.
    # Garbage in cycles is still freed, by the younger generations' collections or later.
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)


@pytest.fixture(scope="session", autouse=True)
def remembered_figures():
    """In every test, each figure is drawn once for the tables it reads and rendered once
    for its spec (see remembered_figures)."""
    figures = RememberedFigures(figure_files.svg)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(figure_files, "specs", figures.specs)
        patched.setattr(figure_files, "svg", figures.svg)
        yield figures


def copy_package(folder: Path) -> Path:
    """A copy of the package (descriptor, schemas, data) in `folder`."""
    shutil.copy(ROOT / "datapackage.json", folder / "datapackage.json")
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    shutil.copytree(ROOT / "data", folder / "data")
    return folder


def _with_their_targets(descriptor, names: set[str]) -> set[str]:
    """The tables named and every table their foreign keys point into, however far."""
    schemas, wanted, seen = descriptor.table_schemas(), list(names), set()
    while wanted:
        name = wanted.pop()
        if name not in seen:
            seen.add(name)
            keys = table_schema.foreign_keys(schemas.get(name) or {})
            wanted += [target for _, target, _ in keys if target]
    return seen


def copy_tables(folder: Path, *names: str) -> Path:
    """A copy of the package cut to the tables named and those their foreign keys point
    into: valid as the whole is, for the tests of the command as a process (killed, two at
    once, read-only, the benchmark), whose behaviour no table's rows change. Fewer tables
    to read and report on make each run cheaper."""
    descriptor = read_descriptor(ROOT)
    kept = _with_their_targets(descriptor, set(names))
    resources = [r for r in descriptor.resources() if r["name"] in kept]
    edited = {**descriptor.package, "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(edited, indent=2), "utf-8")
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    (folder / "data").mkdir()
    for name, file in descriptor.resource_files().items():
        if name in kept:
            shutil.copy(ROOT / file, folder / file)
    return folder


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the package in a temporary folder."""
    return copy_package(tmp_path)


@pytest.fixture
def events_package(tmp_path: Path) -> Path:
    """A copy of the package cut to `events` and the tables it points into (see
    copy_tables)."""
    return copy_tables(tmp_path, "events")


@pytest.fixture(scope="session")
def expectation_memory() -> ExpectationMemory:
    """What GX answered for each table as fed, shared by the tests of one process."""
    return ExpectationMemory()


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


def package_digest(root: Path) -> str:
    """The exact bytes of every file of a package, as one hash."""
    digest = hashlib.sha256()
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def run_memory() -> dict:
    """Each whole run of every layer, by the exact bytes of the package it read: the tests
    of one bad input (catalogue, contract, batches) ask for the same run."""
    return {}


class RememberedRun(NamedTuple):
    groups: list
    tables: dict
    without_expectations: list  # the same run's groups, had GX found nothing


def _run_split(root: Path, quality, monkeypatch, table_memory) -> RememberedRun:
    """One run of every layer, and what it gives with GX's answers left out: the data
    layers' findings are read back and merged again without them, as `run_checks` does
    (GX's answers come last and change no other layer's findings)."""
    real_resolve = read_back.resolve
    split = {}

    def resolve(root, findings, opened, values_kept):
        from_gx = {id(group) for group in quality.returned}
        own = [group for group in findings if id(group) not in from_gx]
        split["groups"] = merge_groups(real_resolve(root, own, opened, values_kept))
        return real_resolve(root, findings, opened, values_kept)

    with monkeypatch.context() as patched:
        patched.setattr(read_back, "resolve", resolve)
        patched.setattr(pipeline._Pass, "_batches", remembering_tables(table_memory))
        groups, tables = run_checks(root, quality=quality)
    return RememberedRun(groups, tables, split["groups"])


@pytest.fixture(scope="session")
def batch_memory() -> dict:
    """What the cell checks and the typed loading gave for each batch, shared by the tests
    of one process (see remembered_cells)."""
    return {}


@pytest.fixture
def remembered_cells(monkeypatch, batch_memory):
    """Within the test, the cell checks and the typed loading answer from memory for a
    batch they have taken before."""
    for module, step in ((contract, "check_cells"), (compact, "kept_part")):
        remembered = remembering(getattr(module, step), batch_memory)
        monkeypatch.setattr(module, step, remembered)


@pytest.fixture(scope="session")
def table_memory() -> dict:
    """Each table's pass, by the bytes it depends on, in runs that feed GX (see
    remembered_tables)."""
    return {}


@pytest.fixture
def layer_runs(
    expectation_memory,
    remembered_metadata,
    remembered_cells,
    run_memory,
    table_memory,
    monkeypatch,
):
    """The whole run of every layer on a package, made once for the package's bytes: GX
    in this process, remembering its answers for tables fed exactly as before (see
    remembered_expectations), frictionless's metadata findings for a contract seen before,
    and what the cell checks and the typed loading gave for a batch seen before (see
    remembered_cells)."""

    def remembered(root: Path) -> RememberedRun:
        key = package_digest(root)
        if key not in run_memory:
            quality = RememberedExpectations(Path(root), expectation_memory)
            run_memory[key] = _run_split(Path(root), quality, monkeypatch, table_memory)
        return run_memory[key]

    return remembered


@pytest.fixture
def gx_in_process(monkeypatch, expectation_memory) -> None:
    """Runs started within the test (the command's `main`, prepare-release) run GX in this
    process, answering from memory (see remembered_expectations). For tests of what the
    command does with findings; those of the worker itself start the command."""

    def command_worker(root, data_docs=False, examples=5):
        # The memory holds GX's findings, and no HTML report.
        assert not data_docs, "this test needs the real worker"
        return RememberedExpectations(Path(root), expectation_memory, examples)

    def start(root, data_docs, separate_process):
        return command_worker(root, data_docs)

    monkeypatch.setattr(worker, "Worker", command_worker)
    monkeypatch.setattr(worker, "start", start)


@pytest.fixture
def all_layers(expectation_memory, remembered_metadata, layer_runs):
    """`run_checks` with every layer, as `layer_runs` remembers it; with options, run
    afresh (GX's answers still remembered)."""

    def run(root: Path, **options):
        if options:
            quality = RememberedExpectations(Path(root), expectation_memory)
            return run_checks(root, quality=quality, **options)
        remembered = layer_runs(root)
        return remembered.groups, remembered.tables

    return run


# A bad input's tests (catalogue, contract, batches) run in one process, where its whole
# run is remembered.
BY_CASE = [
    pytest.param(c, id=c.name, marks=pytest.mark.xdist_group(c.name)) for c in CATALOGUE
]


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


def category_counts(table: str) -> dict[str, dict[str, int]]:
    """{field: {value: rows}} of a table's CSV, for each field of its Table Schema with an
    `enum` save a date's precision: what its site page counts, worked out here apart."""
    schema = json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text("utf-8"))
    _, rows = read_rows(ROOT / "data" / f"{table}.csv")
    return {
        f["name"]: dict(Counter(r[f["name"]] for r in rows if r[f["name"]]))
        for f in schema["fields"]
        if "enum" in f.get("constraints", {}) and not f["name"].endswith("_precision")
    }


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


# The tests that read what `validated` wrote run in one process, which validates once.
VALIDATED = pytest.mark.xdist_group("validated")

# The tests that read the built site or draw the figures (the site's, the figures', and
# pr-check's and prepare-release's) run in one process, which builds the site and draws
# each figure once (see built_site and remembered_figures).
SITE_AND_FIGURES = pytest.mark.xdist_group("site-and-figures")

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


class Validated(NamedTuple):
    root: Path  # a copy of the package
    exit_code: int
    output: str  # what the command printed


@pytest.fixture(scope="session")
def validated(tmp_path_factory) -> Validated:
    """`make validate` (its command, in this process) on a copy of the package, report
    and reports/data-docs included, once for the tests that read what it wrote."""
    from sco_data.validate import main

    root = copy_package(tmp_path_factory.mktemp("validated"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exit_code = main([str(root)])
    return Validated(root, exit_code, printed.getvalue())


@pytest.fixture(scope="session")
def data_docs(validated) -> Path:
    """reports/data-docs as `make validate` writes it for a copy of the package."""
    from sco_data.checks.expectations import DATA_DOCS

    assert validated.exit_code == 0, validated.output
    return validated.root / DATA_DOCS
