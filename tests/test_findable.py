"""Found and cited: the site's home page carries a schema.org Dataset (JSON-LD) with what
Google Dataset Search requires and recommends, and `.zenodo.json` (made by `make build`) gives
Zenodo the same metadata."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from conftest import ROOT, SITE_AND_FIGURES, SITE_REPOSITORY
from sco_data.contribute import derived
from sco_data.files import stale_files
from sco_data.publish import dataset_metadata, zenodo

pytestmark = SITE_AND_FIGURES

ISO_DAY = r"\d{4}-\d{2}-\d{2}"


class JsonLd(HTMLParser):
    """The JSON of each <script type="application/ld+json"> of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.found: list = []
        self._inside = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.found.append(json.loads(data))


def descriptor() -> dict:
    return json.loads((ROOT / "datapackage.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def dataset(built_site) -> dict:
    (found,) = JsonLd((built_site / "index.html").read_text("utf-8")).found
    return found


def test_home_page_describes_the_dataset_as_search_engines_ask(dataset):
    package = descriptor()
    # Required by Google Dataset Search.
    assert dataset["@context"] == "https://schema.org/"
    assert dataset["@type"] == "Dataset"
    assert dataset["name"] == package["title"]
    assert 50 <= len(dataset["description"]) <= 5000
    # Recommended.
    owner, name = SITE_REPOSITORY.split("/")
    assert dataset["url"] == f"https://{owner}.github.io/{name}/"
    assert dataset["license"] == package["licenses"][0]["path"]
    assert dataset["version"] == package["version"]
    assert dataset["isAccessibleForFree"] is True
    assert set(package["keywords"]) <= set(dataset["keywords"])
    (creator,) = dataset["creator"]
    assert creator["@type"] == "Organization" and creator["name"]
    assert re.fullmatch(f"{ISO_DAY}/{ISO_DAY}", dataset["temporalCoverage"])
    start, end = dataset["temporalCoverage"].split("/")
    assert start <= "2001-06-15" and end >= "2024-07-04"
    places = {p["identifier"]: p["name"] for p in dataset["spatialCoverage"]}
    assert {"CHN", "KAZ", "KGZ", "TJK", "UZB"} <= set(places)
    assert all(p["@type"] == "Place" for p in dataset["spatialCoverage"])
    assert dataset["datePublished"] == package["created"][:10]
    citation = (ROOT / "CITATION.cff").read_text("utf-8")
    assert f"date-released: {dataset['dateModified']}" in citation


def test_every_download_is_a_data_download_with_its_checksum(dataset, built_site):
    downloads = {d["name"]: d for d in dataset["distribution"]}
    for resource in descriptor()["resources"]:
        download = downloads[resource["path"].rsplit("/", 1)[1]]
        assert download["@type"] == "DataDownload"
        assert download["encodingFormat"] == "text/csv"
        assert download["contentUrl"] == dataset["url"] + resource["path"]
        assert download["sha256"] == resource["hash"].removeprefix("sha256:")
        assert download["contentSize"] == f"{resource['bytes']} B"
        assert (built_site / resource["path"]).is_file()
    assert downloads["datapackage.json"]["encodingFormat"] == "application/json"


def test_the_release_artefacts_are_data_downloads_too():
    release = [
        SimpleNamespace(path=f"downloads/{name}", bytes=size, sha256="ab" * 32)
        for name, size in (
            ("sco-central-asia-relations-0.4.0.zip", 10),
            ("sco-central-asia-relations-0.4.0.sqlite", 20),
            ("parquet/events.parquet", 30),
        )
    ]
    found = dataset_metadata.distribution(release, "https://example.org/site/")
    assert [d["encodingFormat"] for d in found] == [
        "application/zip",
        "application/vnd.sqlite3",
        "application/vnd.apache.parquet",
    ]
    assert found[2]["contentUrl"] == (
        "https://example.org/site/downloads/parquet/events.parquet"
    )
    assert [d["contentSize"] for d in found] == ["10 B", "20 B", "30 B"]


def test_json_ld_cannot_end_its_script_element():
    text = dataset_metadata.script_text({"description": "a </script> & <b>"})
    assert "</" not in text and "&" not in text
    assert json.loads(text) == {"description": "a </script> & <b>"}


def test_zenodo_metadata_is_derived_and_up_to_date():
    assert zenodo.FILE in derived.expected(ROOT)  # written by `make build`
    assert stale_files(ROOT, zenodo.built(ROOT)) == [], "run `make build`"
    deposit = json.loads((ROOT / zenodo.FILE).read_text("utf-8"))
    package = descriptor()
    citation = (ROOT / "CITATION.cff").read_text("utf-8")
    assert deposit["upload_type"] == "dataset"
    assert f'title: "{deposit["title"]}"' in citation
    assert deposit["version"] == package["version"]
    assert f"date-released: {deposit['publication_date']}" in citation
    assert deposit["description"] == package["description"]
    assert deposit["creators"] and all(c["name"] for c in deposit["creators"])
    assert deposit["license"] == package["licenses"][0]["name"].lower()
    assert set(package["keywords"]) <= set(deposit["keywords"])


def test_zenodo_metadata_links_the_repository_citation_cff_names(tmp_path):
    for name in ("datapackage.json", "CITATION.cff"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    with (tmp_path / "CITATION.cff").open("a", encoding="utf-8") as citation:
        citation.write('repository-code: "https://github.com/example-owner/sco-data"\n')
    assert zenodo.metadata(tmp_path)["related_identifiers"] == [
        {
            "identifier": "https://github.com/example-owner/sco-data",
            "relation": "isSupplementTo",
            "scheme": "url",
        }
    ]
    # A changed version makes the committed file stale, as for every derived file.
    text = (tmp_path / "datapackage.json").read_text("utf-8")
    (tmp_path / "datapackage.json").write_text(text.replace('"0.', '"9.', 1), "utf-8")
    (tmp_path / zenodo.FILE).write_text((ROOT / zenodo.FILE).read_text("utf-8"))
    assert stale_files(tmp_path, zenodo.built(tmp_path)) == [zenodo.FILE]
