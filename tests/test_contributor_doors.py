"""Doors for people who do not code: the issue form a reader reports a problem in, the site's
link to it on every row (filled in with the row's table and key), and the pull-request
template and walk-through a browser-only contributor follows."""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import ROOT, SITE_AND_FIGURES, SITE_REPOSITORY, read_rows
from sco_data.publish import site
from sco_data.publish.site_tables import ISSUE_FORM

pytestmark = SITE_AND_FIGURES

FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / ISSUE_FORM
FIELDS = ("table", "row_id", "problem", "right_value", "source_url")


class ReportLinks(HTMLParser):
    """Each body row's id and the address of its "report a problem" link."""

    def __init__(self, text: str):
        super().__init__()
        self.rows: dict[str, str] = {}
        self._row = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._row = attrs.get("id") or ""
        if tag == "a" and "report-link" in (attrs.get("class") or "").split():
            self.rows[self._row] = attrs["href"]


def form_fields() -> dict[str, dict]:
    form = yaml.safe_load(FORM.read_text("utf-8"))
    return {element["id"]: element for element in form["body"] if "id" in element}


def resources() -> list[dict]:
    return json.loads((ROOT / "datapackage.json").read_text("utf-8"))["resources"]


def test_the_issue_form_asks_for_the_row_the_problem_and_a_source():
    fields = form_fields()
    assert set(FIELDS) <= set(fields)
    assert fields["problem"]["type"] == "textarea"
    assert fields["problem"]["validations"]["required"] is True
    # A new table needs no edit of the form: the table is typed, not chosen from a list.
    assert fields["table"]["type"] == "input"
    form = yaml.safe_load(FORM.read_text("utf-8"))
    assert form["labels"] == ["data"]
    config = yaml.safe_load((FORM.parent / "config.yml").read_text("utf-8"))
    assert config == {"blank_issues_enabled": True}


def test_every_row_links_to_the_form_with_its_table_and_key(built_site):
    form = f"https://github.com/{SITE_REPOSITORY}/issues/new?template={ISSUE_FORM}"
    states = ReportLinks((built_site / "tables" / "states.html").read_text("utf-8"))
    assert states.rows["KAZ"] == f"{form}&table=states&row_id=KAZ"
    # A composite key, joined as the row's anchor joins it, and encoded.
    memberships = ReportLinks(
        (built_site / "tables" / "memberships.html").read_text("utf-8")
    )
    assert memberships.rows["sco/BLR/member/2024-07-04"] == (
        f"{form}&table=memberships&row_id=sco%2FBLR%2Fmember%2F2024-07-04"
    )
    for resource in resources():
        _, rows = read_rows(ROOT / resource["path"])
        page = built_site / "tables" / f"{resource['name']}.html"
        links = ReportLinks(page.read_text("utf-8")).rows
        assert len(links) == len(rows), resource["name"]
        for anchor, href in links.items():
            query = parse_qs(urlsplit(href).query)
            assert query["table"] == [resource["name"]]
            assert query["row_id"] == [anchor]


def test_the_site_fills_in_only_fields_the_form_has(built_site):
    # The form and the site's links cannot drift apart: every field a link fills in is there.
    filled = set()
    for page in (built_site / "tables").glob("*.html"):
        for href in ReportLinks(page.read_text("utf-8")).rows.values():
            query = parse_qs(urlsplit(href).query)
            assert query.pop("template") == [ISSUE_FORM]
            filled |= set(query)
    assert filled == {"table", "row_id"}
    assert filled <= set(form_fields())


def test_without_a_repository_no_row_links_and_home_says_where_to_report(tmp_path):
    site.build(
        ROOT, tmp_path / "site", tmp_path / "no-dist", figures=(), repository=None
    )
    for page in (tmp_path / "site").rglob("*.html"):
        assert "report-link" not in page.read_text("utf-8"), page.name
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    form = yaml.safe_load(FORM.read_text("utf-8"))
    assert "New issue → " + form["name"] in " ".join(home.split())
    assert "issues/new" not in home  # no address is invented


@pytest.mark.parametrize(
    ("remote", "repository"),
    [
        ("https://github.com/owner/name.git", "owner/name"),
        ("https://github.com/owner/name", "owner/name"),
        ("git@github.com:owner/name.git", "owner/name"),
        ("ssh://git@github.com/owner/name.git", "owner/name"),
        ("https://github.com/owner/name.github.io.git\n", "owner/name.github.io"),
        ("https://gitlab.com/owner/name.git", None),
        ("https://github.com.example.org/owner/name.git", None),
        ("/home/someone/sco-data", None),
    ],
)
def test_the_repository_is_read_from_a_github_remote(remote, repository):
    assert site.repository_of_remote(remote) == repository


def test_the_repository_comes_from_github_actions_then_from_origin(tmp_path):
    def clone_with_origin(url: str) -> Path:
        folder = tmp_path / url.replace("/", "_").replace(":", "_")
        subprocess.run(["git", "init", "-q", str(folder)], check=True)
        subprocess.run(
            ["git", "-C", str(folder), "remote", "add", "origin", url], check=True
        )
        return folder

    github = clone_with_origin("git@github.com:owner/name.git")
    assert site.github_repository(github, {}) == "owner/name"
    actions = {"GITHUB_REPOSITORY": "actions-owner/actions-name"}
    assert site.github_repository(github, actions) == "actions-owner/actions-name"
    elsewhere = clone_with_origin("https://gitlab.com/owner/name.git")
    assert site.github_repository(elsewhere, {}) is None


def test_a_browser_only_contributor_is_walked_through_and_checked():
    contributing = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    walk = contributing.index("## Fix a row in your browser")
    assert walk < contributing.index("## Adding a row")
    form = yaml.safe_load(FORM.read_text("utf-8"))
    assert "New issue → " + form["name"] in " ".join(contributing[walk:].split())
    template = (ROOT / ".github" / "pull_request_template.md").read_text("utf-8")
    for words in ("data/sources.csv", "docs/sourcing-gaps.md", "make pr-check"):
        assert words in template
    assert template.count("- [ ]") >= 5  # the sourcing rules, as a checklist
