"""`make build` and `make release`: integrity, generated docs, reproducible artefacts."""

from __future__ import annotations

import sqlite3

import pyarrow.parquet as pq
import pytest
from bad_inputs import edit_bytes
from conftest import ROOT, expanded
from frictionless import Package
from sco_data.publish import build, release


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dist")
    release.build(ROOT, folder)
    return folder


def _version() -> str:
    return Package(str(ROOT / "datapackage.json")).version


def test_generated_files_are_up_to_date():
    assert build.stale(ROOT) == [], "run `make build`"


def test_a_changed_file_with_stale_hash_is_reported_with_the_fix(package, all_layers):
    edit_bytes(
        "people", lambda data: data + b"zz-person,Z,CHN,,,src-iso-3166-pycountry,\n"
    )(package)
    findings = expanded(all_layers(package)[0])
    stale = [f for f in findings if f.rule in ("hash-count", "byte-count")]
    assert stale and all(f.file == "data/people.csv" for f in stale)
    assert "run `make build`" in stale[0].message


def test_release_is_byte_for_byte_reproducible(dist, tmp_path):
    again = tmp_path / "again"
    release.build(ROOT, again)
    first = sorted(p.relative_to(dist) for p in dist.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    for path in first:
        assert (dist / path).read_bytes() == (again / path).read_bytes(), path


def test_checksums_cover_every_artefact(dist):
    listed = {
        line.split("  ", 1)[1]
        for line in (dist / "SHA256SUMS").read_text("utf-8").splitlines()
    }
    files = {
        p.relative_to(dist).as_posix()
        for p in dist.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    }
    assert listed == files


def test_the_release_zip_loads_as_a_package_with_every_row(dist):
    local = Package(str(ROOT / "datapackage.json"))
    zipped = Package(str(dist / f"sco-central-asia-relations-{_version()}.zip"))
    assert zipped.resource_names == local.resource_names
    for name in local.resource_names:
        assert len(zipped.get_resource(name).read_rows()) == len(
            local.get_resource(name).read_rows()
        ), name


def test_sqlite_keeps_keys_as_constraints(dist):
    connection = sqlite3.connect(
        dist / f"sco-central-asia-relations-{_version()}.sqlite"
    )
    connection.execute("PRAGMA foreign_keys = ON")
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        connection.execute(
            "INSERT INTO people (id, name, state_iso3, source_id) "
            "VALUES ('x', 'X', 'ZZZ', 'src-iso-3166-pycountry')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        connection.execute(
            "INSERT INTO states (iso3, iso2, name, region, source_id) "
            "VALUES ('CHN', 'CN', 'China', 'Eastern Asia', 'src-iso-3166-pycountry')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        connection.execute("UPDATE events SET event_type = 'party' WHERE rowid = 1")
    count = connection.execute("SELECT count(*) FROM memberships").fetchone()[0]
    assert count == len(
        Package(str(ROOT / "datapackage.json")).get_resource("memberships").read_rows()
    )


def test_parquet_keeps_the_schema_types(dist):
    events = pq.read_table(dist / "parquet" / "events.parquet")
    assert str(events.schema.field("start_date").type) == "date32[day]"
    assert str(events.schema.field("edition").type) == "int64"
    stats = pq.read_table(dist / "parquet" / "infrastructure_stats.parquet")
    assert str(stats.schema.field("value").type) == "double"
    quotes = pq.read_table(dist / "parquet" / "quotes.parquet")
    assert str(quotes.schema.field("is_translation").type) == "bool"
