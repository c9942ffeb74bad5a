"""`make site`: built from the descriptor and data, every row on its table's page, keys as
links that land, downloads with the recorded checksums, nothing from another host."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import (
    ROOT,
    SITE_AND_FIGURES,
    category_counts,
    edit_json,
    read_rows,
    write_rows,
)
from markupsafe import escape
from sco_data.publish import site, site_map
from sco_data.publish.figures import FIGURES

pytestmark = SITE_AND_FIGURES


class Page(HTMLParser):
    """What the tests read from a page: element ids, links, resources, rows of its table."""

    def __init__(self, text: str):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []  # what the browser fetches on its own
        self.rows = 0
        self.svgs = 0
        self._in_body = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe", "source") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.resources.append(attrs["href"])
        if tag == "tbody":
            self._in_body = True
        if tag == "tr" and self._in_body:
            self.rows += 1
        if tag == "svg":
            self.svgs += 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False


@pytest.fixture(scope="module")
def built(built_site) -> Path:
    return built_site


def page(built: Path, relative: str) -> Page:
    return Page((built / relative).read_text("utf-8"))


def resources() -> list[dict]:
    return json.loads((ROOT / "datapackage.json").read_text("utf-8"))["resources"]


def test_one_page_per_table_with_every_row(built):
    for resource in resources():
        _, rows = read_rows(ROOT / resource["path"])
        assert page(built, f"tables/{resource['name']}.html").rows == len(rows), (
            resource["name"]
        )


def test_every_internal_link_lands_on_a_page_and_row_that_exist(built):
    ids = {
        html.resolve(): Page(html.read_text("utf-8")).ids
        for html in built.rglob("*.html")
    }
    checked = 0
    for html in sorted(ids):
        for link in Page(html.read_text("utf-8")).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = (
                (html.parent / unquote(parts.path)).resolve() if parts.path else html
            )
            assert target.is_file(), f"{html.name}: {link}"
            if parts.fragment and target.suffix == ".html":
                assert unquote(parts.fragment) in ids[target], f"{html.name}: {link}"
                checked += 1
    assert checked > 1000  # every source_id and foreign key cell of every table


def test_a_source_id_links_to_its_row_and_to_its_address(built):
    _, sources = read_rows(ROOT / "data" / "sources.csv")
    url = {s["id"]: s["url"] for s in sources}["src-kazinform-belarus-member-2024"]
    links = page(built, "tables/memberships.html").links
    assert "sources.html#src-kazinform-belarus-member-2024" in links
    assert url and url in links


def test_a_foreign_key_links_to_the_row_it_names(built):
    text = (built / "tables" / "memberships.html").read_text("utf-8")
    # The state's cell links to its row by its name, the code beside it; the filter
    # matches both.
    assert re.search(
        r'<td data-filter="BLR Belarus" data-value="BLR"[^>]*>'
        r'<a href="states.html#BLR">Belarus</a> <small class="key">BLR</small></td>',
        text,
    )
    assert "BLR" in page(built, "tables/states.html").ids
    assert (
        "events.html#sco-summit-2024-astana"
        in page(built, "tables/event_participants.html").links
    )


def labelled_link(target: str, key: str, label: str) -> str:
    """A foreign key's link as a page writes it: the label, then the key in small type."""
    return f'<a href="{target}.html#{key}">{escape(label)}</a>'


def test_a_source_is_labelled_by_its_title_or_else_its_publisher(built):
    _, sources = read_rows(ROOT / "data" / "sources.csv")
    _, quotes = read_rows(ROOT / "data" / "quotes.csv")
    cited = {q["source_id"] for q in quotes}
    text = (built / "tables" / "quotes.html").read_text("utf-8")
    titled = next(s for s in sources if s["id"] in cited and s["title"])
    untitled = next(s for s in sources if s["id"] in cited and not s["title"])
    for source, label in ((titled, titled["title"]), (untitled, untitled["publisher"])):
        assert labelled_link("sources", source["id"], label) in text, source["id"]
        assert f'<small class="key">{source["id"]}</small>' in text


def facet_counts(text: str) -> dict[str, dict[str, int]]:
    """The counts above a table page's rows: {field: {value: rows}}."""
    counts = {}
    for field, body in re.findall(
        r'<p class="facet" data-field="([^"]+)">(.*?)</p>', text, re.DOTALL
    ):
        counts[field] = {
            value: int(rows)
            for value, rows in re.findall(
                r'data-value="([^"]+)">[^<]*<span class="count">(\d+)</span>', body
            )
        }
    return counts


def test_each_table_counts_its_rows_by_category(built):
    pages_with_facets = 0
    for resource in resources():
        shown = facet_counts(
            (built / "tables" / f"{resource['name']}.html").read_text("utf-8")
        )
        assert shown == category_counts(resource["name"]), resource["name"]
        pages_with_facets += bool(shown)
    assert pages_with_facets > 10


def test_composite_keys_are_row_anchors(built):
    ids = page(built, "tables/memberships.html").ids
    assert "sco/BLR/member/2024-07-04" in ids


def test_nothing_is_fetched_from_another_host(built):
    for html in sorted(built.rglob("*.html")):
        for resource in Page(html.read_text("utf-8")).resources:
            assert resource.startswith("data:") or not urlsplit(resource).scheme, (
                resource
            )
            assert not resource.startswith("//"), resource
    for css in built.rglob("*.css"):
        text = css.read_text("utf-8")
        assert "@import" not in text and "url(" not in text, css
    for script in built.rglob("*.js"):
        relative = script.relative_to(built).as_posix()
        if relative.startswith(site_map.ASSETS + "/"):
            # Vega's own loader can fetch: the page runs the pinned copies of vendor/
            # unchanged, and tests/test_browser_map.py watches what they ask for.
            vendored = ROOT / "vendor" / relative.removeprefix(site_map.ASSETS + "/")
            assert script.read_bytes() == vendored.read_bytes(), relative
            continue
        text = script.read_text("utf-8")
        assert not re.search(r"https?://", text), script
        assert "fetch(" not in text and "XMLHttpRequest" not in text, script


def test_home_shows_the_figures_the_downloads_loading_and_citation(built):
    home = (built / "index.html").read_text("utf-8")
    assert Page(home).svgs >= len(FIGURES)
    for figure in FIGURES:
        assert f'id="figure-{figure.name}"' in home
        assert (built / "figures" / f"{figure.name}.svg").is_file()
        assert (built / "figures" / f"{figure.name}.vl.json").is_file()
    for resource in resources():
        assert resource["hash"].removeprefix("sha256:") in home
        assert (built / resource["path"]).read_bytes() == (
            ROOT / resource["path"]
        ).read_bytes()
    for words in (
        "read_package(",
        "from frictionless import Package",
        "csvParse(",
        "CITATION.cff",
    ):
        assert words in home
    assert "make release" in home  # no dist/: says how to get the release artefacts


def test_the_release_artefacts_are_offered_with_their_checksums(tmp_path):
    dist = tmp_path / "dist"
    (dist / "parquet").mkdir(parents=True)
    (dist / "x.sqlite").write_bytes(b"database")
    (dist / "parquet" / "t.parquet").write_bytes(b"table")
    (dist / "SHA256SUMS").write_text("aaa  x.sqlite\nbbb  parquet/t.parquet\n", "utf-8")
    site.build(ROOT, tmp_path / "site", dist, figures=())
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert 'href="downloads/x.sqlite"' in home and "aaa" in home
    assert 'href="downloads/parquet/t.parquet"' in home and "bbb" in home
    assert (
        tmp_path / "site" / "downloads" / "parquet" / "t.parquet"
    ).read_bytes() == b"table"


def test_the_data_dictionary_and_changelog_pages(built):
    dictionary = (built / "data-dictionary.html").read_text("utf-8")
    assert "<table>" in dictionary and 'id="memberships"' in dictionary
    assert "do not edit" not in dictionary  # the generated-file notice is not shown
    changelog = (built / "changelog.html").read_text("utf-8")
    version = json.loads((ROOT / "datapackage.json").read_text("utf-8"))["version"]
    assert version in changelog and "<h2" in changelog


def test_a_new_table_gets_its_page_with_no_code(package, tmp_path):
    # Tables another branch may add: their pages, rows, links, labels and counts come
    # from their schemas.
    ports = {
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "name", "type": "string"},
            {"name": "code", "type": "string"},
            {"name": "kind", "type": "string", "constraints": {"enum": ["sea", "dry"]}},
        ],
        "primaryKey": ["id"],
        "labelFields": ["name", "code"],
    }
    schema = {
        "fields": [
            {"name": "id", "type": "string", "constraints": {"required": True}},
            {"name": "state_iso3", "type": "string"},
            {"name": "port_id", "type": "string"},
            {
                "name": "flow",
                "type": "string",
                "constraints": {"enum": ["export", "import", "total"]},
            },
            {"name": "value", "type": "number"},
            {"name": "source_id", "type": "string"},
        ],
        "primaryKey": ["id"],
        "foreignKeys": [
            {
                "fields": ["port_id"],
                "reference": {"resource": "ports", "fields": ["id"]},
            },
            {
                "fields": ["state_iso3"],
                "reference": {"resource": "states", "fields": ["iso3"]},
            },
            {
                "fields": ["source_id"],
                "reference": {"resource": "sources", "fields": ["id"]},
            },
        ],
    }
    for name, table_schema in (("trade_stats", schema), ("ports", ports)):
        (package / "schemas" / f"{name}.schema.json").write_text(
            json.dumps(table_schema), "utf-8"
        )
    write_rows(
        package / "data" / "ports.csv",
        ["id", "name", "code", "kind"],
        [
            {"id": "aktau", "name": "Port of Aktau", "code": "KZAAU", "kind": "sea"},
            {"id": "khorgos", "name": "", "code": "KZKHG", "kind": "dry"},
        ],
    )
    trade = [
        {"id": "kaz-2024", "port_id": "aktau", "flow": "export", "value": "43.8"},
        {"id": "kaz-2023", "port_id": "khorgos", "flow": "export", "value": "40.1"},
        {"id": "kaz-2022", "port_id": "", "flow": "total", "value": "38"},
    ]
    write_rows(
        package / "data" / "trade_stats.csv",
        ["id", "state_iso3", "port_id", "flow", "value", "source_id"],
        [{**r, "state_iso3": "KAZ", "source_id": "src-sco-about"} for r in trade],
    )

    def add_tables(package):
        package["resources"] = [
            r for r in package["resources"] if r["name"] != "trade_stats"
        ]
        for name in ("trade_stats", "ports"):
            package["resources"].append(
                {
                    "name": name,
                    "title": name,
                    "path": f"data/{name}.csv",
                    "schema": f"schemas/{name}.schema.json",
                }
            )

    edit_json(package / "datapackage.json", add_tables)
    site.build(package, tmp_path / "site", tmp_path / "no-dist", figures=())
    text = (tmp_path / "site" / "tables" / "trade_stats.html").read_text("utf-8")
    new = Page(text)
    assert new.rows == 3 and "kaz-2024" in new.ids
    assert "states.html#KAZ" in new.links and "sources.html#src-sco-about" in new.links
    # Labelled by its schema's labelFields: the first that is not empty.
    assert labelled_link("ports", "aktau", "Port of Aktau") in text
    assert labelled_link("ports", "khorgos", "KZKHG") in text
    assert labelled_link("states", "KAZ", "Kazakhstan") in text
    assert facet_counts(text) == {"flow": {"export": 2, "total": 1}}
    ports_page = (tmp_path / "site" / "tables" / "ports.html").read_text("utf-8")
    assert facet_counts(ports_page) == {"kind": {"sea": 1, "dry": 1}}
    assert "tables/trade_stats.html" in page(tmp_path / "site", "index.html").links


def test_the_build_replaces_only_a_folder_it_wrote(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine", "utf-8")
    with pytest.raises(SystemExit, match="not written by `make site`"):
        site.build(ROOT, mine, tmp_path / "no-dist", figures=())
    assert (mine / "keep.txt").read_text("utf-8") == "mine"
