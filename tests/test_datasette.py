"""`make serve`: Datasette on the release's SQLite database, with metadata from the descriptor,
tested with Datasette's own client (no server, no port)."""

from __future__ import annotations

import asyncio
import html
import json
from collections import Counter

import pytest
from conftest import ROOT, read_rows
from datasette.app import Datasette
from sco_data.publish import datasette_metadata, release


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    release.build(ROOT, dist)
    database, settings = datasette_metadata.prepare(
        ROOT, dist, tmp_path_factory.mktemp("datasette")
    )
    metadata = json.loads(settings.read_text("utf-8"))
    app = Datasette([str(database)], metadata=metadata)
    return app, database.stem, metadata


def get(app: Datasette, path: str):
    return asyncio.run(app.client.get(path))


def test_the_database_is_named_without_the_version_dots(served):
    _, name, metadata = served
    package = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    assert name == package["name"] and "." not in name
    assert list(metadata["databases"]) == [name]
    assert package["version"] in metadata["title"]


def test_a_table_page_has_its_title_description_and_column_descriptions(served):
    app, name, _ = served
    response = get(app, f"/{name}/memberships")
    assert response.status_code == 200
    schema = json.loads(
        (ROOT / "schemas" / "memberships.schema.json").read_text("utf-8")
    )
    status = next(f for f in schema["fields"] if f["name"] == "status")
    assert "<h1" in response.text and "Memberships" in response.text
    assert status["description"] in html.unescape(response.text)
    assert "Creative Commons Attribution 4.0 International" in response.text


def test_a_facet_counts_the_rows_per_category(served):
    app, name, _ = served
    response = get(app, f"/{name}/memberships.json")  # the facets metadata asks for
    assert response.status_code == 200
    facets = response.json()["facet_results"]
    counted = {r["value"]: r["count"] for r in facets["status"]["results"]}
    _, rows = read_rows(ROOT / "data" / "memberships.csv")
    assert counted == dict(Counter(r["status"] for r in rows))


def test_a_foreign_key_links_to_the_row_it_names(served):
    app, name, _ = served
    page = get(app, f"/{name}/memberships?state_iso3=BLR").text
    link = f'<a href="/{name}/states/BLR">Belarus</a>'  # labelled by the states' name column
    assert link in page
    row = get(app, f"/{name}/states/BLR")
    assert row.status_code == 200 and "Belarus" in row.text


def test_the_source_link_reaches_the_sources_table(served):
    app, _, metadata = served
    response = get(app, metadata["source_url"])
    assert response.status_code == 200
    _, sources = read_rows(ROOT / "data" / "sources.csv")
    # Datasette lists rows by primary key: the first page begins with the smallest id.
    assert min(row["id"] for row in sources) in response.text


def test_every_table_and_column_is_described(served):
    _, name, metadata = served
    tables = metadata["databases"][name]["tables"]
    package = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    assert set(tables) == {r["name"] for r in package["resources"]}
    for resource in package["resources"]:
        schema = json.loads((ROOT / resource["schema"]).read_text("utf-8"))
        table = tables[resource["name"]]
        assert table["description"] == resource["description"]
        assert list(table["columns"]) == [f["name"] for f in schema["fields"]]
        assert all(table["columns"].values()), resource["name"]


def test_serving_without_a_release_says_to_build_one(tmp_path):
    with pytest.raises(SystemExit, match="make release"):
        datasette_metadata.prepare(ROOT, tmp_path / "dist", tmp_path / "out")
