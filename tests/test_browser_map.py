"""The site's map page in a real browser, as test_browser.py drives it (Debian's headless
Chromium, the site built once per session and served on 127.0.0.1): the day the slider names
draws its statuses and its member count, and every request stays on this machine."""

from __future__ import annotations

import pandas as pd
import test_browser
from conftest import ROOT, SITE_AND_FIGURES
from sco_data.package.typed import load_package
from sco_data.publish import status_map
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = SITE_AND_FIGURES

# The same fixtures as test_browser.py: this module gets its own browser and server.
served = test_browser.served
browser = test_browser.browser
SHAPES = "#map svg g.status_shapes_marks path"


def wait_for_day(browser, day: str) -> str:
    """Wait until the page says it shows `day` (it does once the map has been drawn for it),
    then return the member count it states."""
    WebDriverWait(browser.driver, 20).until(
        lambda d: d.find_element(By.ID, "map").get_attribute("data-day") == day
    )
    return browser.driver.find_element(By.ID, "member-count").text


def offsite(urls: list[str]) -> list[str]:
    """test_browser.offsite, leaving out Chrome's own pages: a browser just started loads its
    new-tab page from chrome://resources while the first page loads (a web page cannot ask
    for those)."""
    return test_browser.offsite(
        [url for url in urls if not url.startswith("chrome://")]
    )


def labels(browser) -> list[str]:
    return browser.js(
        f"return Array.from(document.querySelectorAll('{SHAPES}'), p => p.ariaLabel)"
    )


def test_the_map_answers_the_day_the_slider_names_with_its_member_count(browser):
    tables = load_package(ROOT)
    first = pd.Timestamp("2001-06-15")
    browser.visit("map.html")
    latest = f"{status_map.latest_day(tables):%Y-%m-%d}"
    assert wait_for_day(browser, latest).startswith(f"On {latest}: ")
    slider = browser.driver.find_element(By.ID, "map-day")
    assert slider.get_attribute("data-first") == f"{first:%Y-%m-%d}"
    # Drag-like: the slider set to 2 July 2024, as dragging leaves it, then a day at a time
    # with the keyboard.
    browser.js(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        slider,
        (pd.Timestamp("2024-07-02") - first).days,
    )
    wait_for_day(browser, "2024-07-02")
    for day, count, belarus in (
        ("2024-07-03", 9, "Belarus: observer"),
        ("2024-07-04", 10, "Belarus: member"),
    ):
        slider.send_keys(Keys.ARROW_RIGHT)
        assert wait_for_day(browser, day) == f"On {day}: {count} member states."
        assert browser.driver.find_element(By.ID, "map-date").text == day
        shown = labels(browser)
        assert belarus in shown
        assert sum(label.endswith(": member") for label in shown) == count
        assert browser.driver.current_url.endswith(f"map.html#{day}")
    path = browser.screenshot("map-2024-07-04")
    assert path.name == "site-map-2024-07-04.png" and path.stat().st_size > 0


def test_the_map_page_asks_nothing_of_another_host(browser):
    requested = browser.visit("map.html")
    assert offsite(requested) == []  # the page and what it loads
    WebDriverWait(browser.driver, 20).until(
        lambda d: d.find_element(By.ID, "map").get_attribute("data-state") == "ready"
    )
    requested += (
        browser.requested()
    )  # and whatever the scripts asked for after the load
    assert offsite(requested) == []
    for script in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "map.js"):
        assert any(url.endswith(f"/{script}") for url in requested), script
    assert len(labels(browser)) > 0  # the scripts ran and drew the map
    errors = [e for e in browser.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
