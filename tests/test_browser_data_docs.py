"""The HTML validation report in a real browser with the network blocked: opened from disk,
as a reviewer opens the report CI attaches, in a Chromium whose every request for an address
goes to a proxy on a closed port. It must still draw its table of validations, one entry per
table, with its icons' font: everything it loads is beside it.
"""

from __future__ import annotations

import json
import re
import socket
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, VALIDATED
from selenium.webdriver.support.ui import WebDriverWait
from test_browser import REPORTS, Browser, chromium

pytestmark = VALIDATED

NETWORK = ("http", "https", "ws", "wss", "ftp")


def leaving(urls: list[str]) -> list[str]:
    """The requests for an address: from a report opened from disk, all would leave."""
    return [url for url in urls if urlsplit(url).scheme in NETWORK]


ENTRIES = "table[data-toggle='table'] tbody tr[data-index]"


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """A driven Chromium with no network: a proxy address that refuses every connection
    (a port bound here but never listening), loopback included."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    driver = chromium(
        tmp_path_factory.mktemp("profile"),
        f"--proxy-server=http://127.0.0.1:{closed.getsockname()[1]}",
        "--proxy-bypass-list=<-loopback>",
    )
    try:
        yield Browser(driver, "")
    finally:
        driver.quit()
        closed.close()


def test_the_proxy_blocks_what_would_leave(offline, tmp_path):
    # The check itself: a page that asks a CDN for a script gets nothing (the proxy, not
    # this machine, would look the name up).
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!doctype html><script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>',
        "utf-8",
    )
    assert leaving(offline.visit(probe.as_uri())) == [
        "https://code.jquery.com/jquery-3.7.1.min.js"
    ]
    errors = [e for e in offline.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert any("ERR_PROXY_CONNECTION_FAILED" in e["message"] for e in errors), errors


def _page_info(driver) -> str:
    return driver.execute_script(
        "const info = document.querySelector('.pagination-info');"
        "return info ? info.textContent.trim() : '';"
    )


def test_data_docs_show_one_validation_per_table_with_no_network(offline, data_docs):
    tables = [
        r["name"]
        for r in json.loads((ROOT / "datapackage.json").read_text("utf-8"))["resources"]
    ]
    requested = offline.visit((data_docs / "index.html").as_uri())
    # bootstrap-table, on jQuery, draws the entries from the page's data, ten a page, once
    # both have loaded; the entries of every page are read in one script, turning the pages
    # with the table's own API, so that no redraw falls between reading and turning.
    info = WebDriverWait(offline.driver, 10).until(_page_info)
    total = int(re.findall(r"\d+", info)[-1])
    shown = offline.js(
        "const table = $(\"table[data-toggle='table']\"), shown = [];"
        "const pages = table.bootstrapTable('getOptions').totalPages;"
        "for (let page = 1; page <= pages; page++) {"
        "  table.bootstrapTable('selectPage', page);"
        f'  shown.push(...Array.from(document.querySelectorAll("{ENTRIES}"), r => r.innerText));'
        "}"
        "table.bootstrapTable('selectPage', 1);"
        "return shown;"
    )
    assert total == len(shown) == len(tables)
    named = [re.search(r"package-(\w+)", entry)[1] for entry in shown]
    assert sorted(named) == sorted(tables)
    # The status icons are Font Awesome's, drawn with its font from the local copy.
    WebDriverWait(offline.driver, 10).until(
        lambda d: d.execute_script(
            "return Array.from(document.fonts).some("
            "f => f.family.includes('Font Awesome') && f.status === 'loaded')"
        )
    )
    assert offline.js("return typeof vegaEmbed") == "function"
    assert requested and leaving(requested + offline.requested()) == []
    errors = [e for e in offline.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    REPORTS.mkdir(exist_ok=True)
    offline.driver.save_screenshot(str(REPORTS / "data-docs-offline.png"))
