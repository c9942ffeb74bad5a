"""The built site in a real browser: Debian's headless Chromium, driven by its chromedriver
through Selenium, loading the site from a loopback HTTP server.

Prerequisite: `chromium` and `chromium-driver` (`make test` installs them when missing and it
runs as root). Nothing is downloaded: the driver and browser paths are given, and Selenium
Manager is told to stay offline. Screenshots go to reports/.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, SITE_AND_FIGURES, category_counts, read_rows
from sco_data.publish.figures import FIGURES
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = SITE_AND_FIGURES

# Debian's paths; `make test CHROMIUM=... CHROMEDRIVER=...` names another matching pair.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
)
REPORTS = ROOT / "reports"
# chrome: and chrome-untrusted: are the browser's own bundled pages (Chromium 156 logs its
# start page's requests), which no web page can ask for and which never leave the machine.
LOCAL_SCHEMES = ("data", "about", "blob", "file", "chrome", "chrome-untrusted")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output for the tests
        pass


class Browser:
    """A driven Chromium that knows the site's address and what each visit requested."""

    def __init__(self, driver: webdriver.Chrome, base: str):
        self.driver, self.base = driver, base

    def visit(self, path: str) -> list[str]:
        """Load a page of the site; returns every URL the page requested."""
        self.requested()  # forget what earlier pages asked for
        self.driver.get(self.base + path)
        WebDriverWait(self.driver, 10).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        return self.requested()

    def requested(self) -> list[str]:
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def visible_rows(self) -> list[list[str]]:
        return self.js(
            "return Array.from(document.querySelectorAll('#rows tbody tr'))"
            ".filter(r => !r.hidden).map(r => Array.from(r.cells, c => c.textContent.trim()))"
        )

    def column(self, name: str) -> int:
        return self.js(
            "return Array.from(document.querySelectorAll('#rows thead button.sort'))"
            ".findIndex(b => b.textContent.trim() === arguments[0])",
            name,
        )

    def screenshot(self, name: str) -> Path:
        REPORTS.mkdir(exist_ok=True)
        path = REPORTS / f"site-{name}.png"
        self.driver.save_screenshot(str(path))
        return path


def offsite(urls: list[str]) -> list[str]:
    """The URLs that would leave this machine: anything but the loopback server or local data."""
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in LOCAL_SCHEMES
        and urlsplit(url).hostname != "127.0.0.1"
    ]


@pytest.fixture(scope="module")
def served(built_site):
    folder = built_site
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def chromium(profile: Path, *flags: str) -> webdriver.Chrome:
    """A driven Chromium with FLAGS and `flags`, its own profile, and logs of every request
    and of the console."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.fail(
            f"The browser tests need Chromium and its driver at {CHROMIUM} and "
            f"{CHROMEDRIVER}: `make test` installs Debian's as root, or run `sudo apt-get "
            "install chromium chromium-driver`."
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, *flags):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability(
        "goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"}
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "true")  # Selenium Manager must not fetch anything
        return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


@pytest.fixture(scope="module")
def browser(served, tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("profile"))
    try:
        yield Browser(driver, served[1])
    finally:
        driver.quit()


def sco_memberships() -> list[dict]:
    _, rows = read_rows(ROOT / "data" / "memberships.csv")
    return [r for r in rows if r["organisation_id"] == "sco"]


def test_home_shows_the_figures_as_svg_with_a_bar_per_status_period(browser):
    browser.visit("index.html")
    assert browser.js(
        "return document.querySelectorAll('figure.chart > svg').length"
    ) == len(FIGURES)
    bars = browser.js(
        "return document.querySelectorAll("
        "'#figure-status-timeline svg g.status_bars_marks > path').length"
    )
    assert bars == len(sco_memberships()) == 48
    # The figures are drawn, not empty boxes.
    width = browser.js(
        "return document.querySelector('#figure-status-timeline svg').getBoundingClientRect().width"
    )
    assert width > 400
    browser.screenshot("home")


def test_filtering_memberships_to_belarus_shows_exactly_its_rows(browser):
    browser.visit("tables/memberships.html")
    state = browser.column("state_iso3")
    assert len(browser.visible_rows()) == len(sco_memberships())
    box = browser.driver.find_element(By.CSS_SELECTOR, 'input[data-name="state_iso3"]')
    box.send_keys("Belarus")  # matches the name of the state the code links to
    rows = browser.visible_rows()
    belarus = [r for r in sco_memberships() if r["state_iso3"] == "BLR"]
    assert {r[state].split()[-1] for r in rows} == {"BLR"}  # "Belarus BLR"
    assert sorted(r[browser.column("start_date")] for r in rows) == sorted(
        r["start_date"] for r in belarus
    )
    assert len(rows) == len(belarus) == 3
    assert browser.js("return document.getElementById('row-count').textContent") == (
        f"3 of {len(sco_memberships())} rows"
    )
    browser.screenshot("memberships-belarus")
    # The filter is in the address: opening it again shows the same rows.
    assert "state_iso3=Belarus" in browser.driver.current_url
    browser.visit(browser.driver.current_url.removeprefix(browser.base))
    assert len(browser.visible_rows()) == 3


def test_sorting_events_by_date_orders_them(browser):
    browser.visit("tables/events.html")
    column = browser.column("start_date")
    button = browser.driver.find_elements(By.CSS_SELECTOR, "#rows thead button.sort")[
        column
    ]
    before = [r[column] for r in browser.visible_rows()]
    assert before != sorted(before)  # the file's order is not by date
    button.click()
    ascending = [r[column] for r in browser.visible_rows()]
    assert ascending == sorted(before)
    browser.screenshot("events-by-date")
    button.click()
    assert [r[column] for r in browser.visible_rows()] == sorted(before, reverse=True)


def test_a_source_id_link_reaches_its_source(browser):
    _, sources = read_rows(ROOT / "data" / "sources.csv")
    source = next(s for s in sources if s["id"] == "src-kazinform-belarus-member-2024")
    browser.visit("tables/memberships.html")
    row = browser.driver.find_element(By.ID, "sco/BLR/member/2024-07-04")
    row.find_element(By.CSS_SELECTOR, 'a[href^="sources.html#"]').click()
    WebDriverWait(browser.driver, 10).until(
        lambda d: d.current_url.endswith("/tables/sources.html#" + source["id"])
    )
    target = browser.js(
        "const row = document.querySelector('tr:target');"
        "return row && [row.id, Array.from(row.querySelectorAll('a'), a => a.href)];"
    )
    assert target and target[0] == source["id"]
    assert source["url"] in target[1]  # and on to the document's own address
    in_view = browser.js(
        "const r = document.querySelector('tr:target').getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight;"
    )
    assert in_view
    browser.screenshot("source-link")


def wait_until_filtered(browser, query: dict[str, str]) -> None:
    """Wait until the page at the address with `query` has filtered its rows (table.js
    marks the table ready once it has applied the address)."""
    WebDriverWait(browser.driver, 10).until(
        lambda d: (
            d.execute_script(
                "const t = document.getElementById('rows');"
                "return [Object.fromEntries(new URLSearchParams(location.search)),"
                " t && t.dataset.ready];"
            )
            == [query, "true"]
        )
    )


def test_a_foreign_key_cell_shows_its_rows_label_and_links_to_that_row(browser):
    _, people = read_rows(ROOT / "data" / "people.csv")
    _, states = read_rows(ROOT / "data" / "states.csv")
    _, participants = read_rows(ROOT / "data" / "event_participants.csv")
    name = {p["id"]: p["name"] for p in people}
    state_name = {s["iso3"]: s["name"] for s in states}
    row = next(p for p in participants if p["person_id"] == "xi-jinping")
    browser.visit("tables/event_participants.html")
    cells = browser.driver.find_element(By.ID, row["id"]).find_elements(
        By.TAG_NAME, "td"
    )
    person = cells[browser.column("person_id")]
    state = cells[browser.column("state_iso3")]
    assert state.find_element(By.TAG_NAME, "a").text == state_name[row["state_iso3"]]
    link = person.find_element(By.TAG_NAME, "a")
    assert link.text == name["xi-jinping"] == "Xi Jinping"
    assert person.find_element(By.CSS_SELECTOR, "small.key").text == "xi-jinping"
    browser.screenshot("labels-participants")
    link.click()
    WebDriverWait(browser.driver, 10).until(
        lambda d: d.current_url.endswith("/tables/people.html#xi-jinping")
    )
    target = browser.js(
        "const row = document.querySelector('tr:target');"
        "return row && [row.id, row.textContent];"
    )
    assert target[0] == "xi-jinping" and "Xi Jinping" in target[1]


def test_the_category_counts_are_the_csvs_and_each_filters_to_its_rows(browser):
    _, events = read_rows(ROOT / "data" / "events.csv")
    expected = category_counts("events")
    browser.visit("tables/events.html")
    shown = browser.js(
        "const counts = {};"
        "for (const p of document.querySelectorAll('#facets p.facet')) {"
        "  counts[p.dataset.field] = Object.fromEntries(Array.from("
        "    p.querySelectorAll('a[data-value]'),"
        "    a => [a.dataset.value, Number(a.querySelector('.count').textContent)]));"
        "}"
        "return counts;"
    )
    assert shown == expected and "event_type" in shown
    # A count is a link to the rows it counts: the page filtered on the whole cell.
    value, rows = min(expected["event_type"].items(), key=lambda item: item[1])
    browser.driver.find_element(
        By.CSS_SELECTOR, f'#facets a[data-value="{value}"]'
    ).click()
    wait_until_filtered(browser, {"event_type": f'"{value}"'})
    column = browser.column("event_type")
    assert [r[column] for r in browser.visible_rows()] == [value] * rows
    assert browser.js("return document.getElementById('row-count').textContent") == (
        f"{rows} of {len(events)} rows"
    )
    browser.screenshot("labels-events")


def test_no_request_leaves_the_machine_and_no_script_fails(browser, served):
    pages = ["index.html", "data-dictionary.html", "changelog.html"]
    pages += [f"tables/{p.name}" for p in sorted((served[0] / "tables").glob("*.html"))]
    requested = []
    for path in pages:
        requested += browser.visit(path)
    assert len(requested) >= len(pages)
    assert offsite(requested) == []
    errors = [e for e in browser.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_the_request_check_sees_a_request_to_another_host(browser, served):
    # 127.0.0.2 is loopback too (nothing leaves), but it is not the site's server.
    probe = served[0] / "probe.html"
    probe.write_text('<!doctype html><img src="http://127.0.0.2:9/x.png">', "utf-8")
    try:
        assert offsite(browser.visit("probe.html")) == ["http://127.0.0.2:9/x.png"]
    finally:
        probe.unlink()
        browser.driver.get_log("browser")  # the refused image is expected here
