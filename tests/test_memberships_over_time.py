"""The memberships table answers "who was a member on day D", as the README promises."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import ROOT, read_rows

pytestmark = pytest.mark.data  # `make test-data` runs these for a change to data/


def members_on(day: date, organisation: str = "sco") -> set[str]:
    _, rows = read_rows(ROOT / "data" / "memberships.csv")
    return {
        row["state_iso3"]
        for row in rows
        if row["organisation_id"] == organisation
        and row["status"] == "member"
        and date.fromisoformat(row["start_date"]) <= day
        and (not row["end_date"] or day <= date.fromisoformat(row["end_date"]))
    }


FOUNDERS = {"CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"}


def test_the_founders_were_the_only_members_on_the_founding_day():
    assert members_on(date(2001, 6, 15)) == FOUNDERS
    assert members_on(date(2001, 6, 14)) == set()


def test_nine_members_on_the_summits_first_day_and_belarus_the_tenth_on_its_second():
    on_first_day = members_on(date(2024, 7, 3))
    assert on_first_day == FOUNDERS | {"IND", "PAK", "IRN"}
    assert members_on(date(2024, 7, 4)) == on_first_day | {"BLR"}


def test_the_articles_member_count_matches_the_day_before_belarus_joined():
    _, stats = read_rows(ROOT / "data" / "organisation_stats.csv")
    stated = next(s for s in stats if s["metric"] == "member_states")
    assert float(stated["value"]) == len(members_on(date(2024, 7, 3)))


def test_every_state_the_article_names_as_member_was_one_at_the_summit():
    _, states = read_rows(ROOT / "data" / "states.csv")
    named = {s["iso3"] for s in states if "SCO member state" in s["notes"]}
    assert named == {"KAZ", "CHN", "RUS", "IND", "PAK", "IRN"}
    assert named <= members_on(date(2024, 7, 3))
