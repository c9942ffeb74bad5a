"""The HTML validation report (reports/data-docs) loads nothing from another host: GX's CDN
links point at local copies of the pinned npm packages (offline_docs), written beside it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, VALIDATED
from sco_data.checks.expectations import offline_docs

pytestmark = VALIDATED

# Addresses that are in the written files but that no browser requests. XML namespace names
# are identifiers (inline SVG, and SVG in data: URIs of Bootstrap's CSS). The copies are the
# npm packages' files unchanged, so their licence banners stay, with their authors' addresses;
# Vega-Lite names its output's `$schema` and links an issue in an error message; vega-embed's
# "Open in Vega Editor" action is off (GX embeds with `actions: false`).
NAMESPACES = ("http://www.w3.org/",)
NOT_REQUESTED = {
    "jquery/dist/jquery.min.js": set(),
    "popper.js/dist/umd/popper.min.js": {"http://opensource.org/licenses/MIT"},
    "bootstrap/dist/js/bootstrap.min.js": {
        "https://getbootstrap.com/",
        "https://github.com/twbs/bootstrap/blob/master/LICENSE",
        "https://github.com/twbs/bootstrap/graphs/contributors",
        "https://popper.js.org/",
    },
    "bootstrap/dist/css/bootstrap.min.css": {
        "https://getbootstrap.com/",
        "https://github.com/twbs/bootstrap/blob/master/LICENSE",
    },
    "bootstrap-table/dist/bootstrap-table.min.js": {
        "http://wenzhixin.net.cn/",
        "https://bootstrap-table.com",
    },
    "bootstrap-table/dist/bootstrap-table.min.css": {
        "http://wenzhixin.net.cn/",
        "https://bootstrap-table.com",
    },
    "bootstrap-table/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": {
        "http://wenzhixin.net.cn/",
        "https://bootstrap-table.com",
    },
    "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css": {
        "http://djhvscf.github.io/Blog"
    },
    "bootstrap-table/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": {
        "http://wenzhixin.net.cn/",
        "https://bootstrap-table.com",
    },
    "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js": {
        "http://www.apache.org/licenses/LICENSE-2.0",
        "https://github.com/uxsolutions/bootstrap-datepicker",
    },
    "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css": {
        "http://www.apache.org/licenses/LICENSE-2.0",
        "https://github.com/uxsolutions/bootstrap-datepicker",
    },
    "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css": set(),
    "@fortawesome/fontawesome-free/css/all.min.css": {
        "https://fontawesome.com",
        "https://fontawesome.com/license/free",
    },
    "vega/build/vega.min.js": set(),
    "vega-lite/build/vega-lite.min.js": {
        "https://vega.github.io/schema/vega/v5.json",
        "https://github.com/vega/vega-lite/issues/2415",
    },
    "vega-embed/build/vega-embed.min.js": {
        "https://vega.github.io/editor/",
        "https://github.com/Starcounter-Jack/JSON-Patch",
    },
}
ADDRESS = re.compile(r"https?://[^\s\"'`<>()\\]+")


def addresses(text: str) -> set[str]:
    return {
        found.rstrip(".,;")
        for found in ADDRESS.findall(text)
        if not found.startswith(NAMESPACES)
    }


def written(docs: Path) -> list[Path]:
    return sorted(
        p
        for p in docs.rglob("*")
        if p.suffix in (".html", ".js", ".css") and p.is_file()
    )


def test_every_page_script_and_style_names_no_other_host(data_docs):
    vendor = data_docs / offline_docs.VENDOR
    files = written(data_docs)
    pages = [f for f in files if f.suffix == ".html"]
    assert len(pages) > len(
        json.loads((ROOT / "datapackage.json").read_text())["resources"]
    )
    for file in files:
        found = addresses(file.read_text("utf-8"))
        if vendor in file.parents:
            allowed = NOT_REQUESTED[file.relative_to(vendor).as_posix()]
        else:  # GX's pages and style sheets: nothing at all
            allowed = set()
        assert found <= allowed, (file.relative_to(data_docs), found - allowed)
    # Every copy GX's pages load is there, and nothing the pages do not load.
    copied = {f.relative_to(vendor).as_posix() for f in files if vendor in f.parents}
    assert copied == set(offline_docs.COPIES.values()) == set(NOT_REQUESTED)


def test_the_copies_are_the_pinned_npm_files_and_fonts_the_css_names(data_docs):
    installed = offline_docs.assets_folder()
    vendor = data_docs / offline_docs.VENDOR
    for relative in offline_docs.COPIES.values():
        assert (vendor / relative).read_bytes() == (installed / relative).read_bytes()
    for package in offline_docs.packages():
        manifest = json.loads((vendor / package / "package.json").read_text("utf-8"))
        assert manifest["name"] == package and manifest["license"], package
        for notice in offline_docs.licences(installed / package):
            assert (vendor / package / notice.name).read_bytes() == notice.read_bytes()
    assert (vendor / "jquery" / "LICENSE.txt").is_file()
    css = (vendor / "@fortawesome/fontawesome-free/css/all.min.css").read_text("utf-8")
    fonts = re.findall(r"url\(([^)]+)\)", css)
    assert fonts
    for font in fonts:
        assert (vendor / "@fortawesome/fontawesome-free/css" / font).resolve().is_file()
    lock = json.loads(
        (ROOT / "tools" / "data-docs-assets" / "package-lock.json").read_text("utf-8")
    )
    versions = {
        name.removeprefix("node_modules/"): entry["version"]
        for name, entry in lock["packages"].items()
        if name
    }
    # The versions GX's pages name, where they name one.
    for address in offline_docs.COPIES:
        named = re.search(r"(?:/|@)(\d+\.\d+\.\d+)/", address)
        package = offline_docs.COPIES[address].split("/dist/")[0].split("/css/")[0]
        if named and "bootstrap-table@1.19.0" not in address:
            assert versions[package] == named[1], address


def test_a_page_that_still_loads_from_a_cdn_is_not_written(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'
        '<script src="https://cdn.example.org/new.js"></script>',
        "utf-8",
    )
    with pytest.raises(offline_docs.OutsideReference, match="cdn.example.org"):
        offline_docs.localise(tmp_path)
    assert "code.jquery.com" in page.read_text("utf-8")  # left as it was


def test_missing_copies_say_which_command_installs_them(tmp_path):
    with pytest.raises(offline_docs.MissingAssets, match="make data-docs-assets"):
        offline_docs.copy_assets(tmp_path, tmp_path / "nothing")
