"""The office_terms table answers "who held the office on day D", as the README promises:
the term with the latest start on or before D, unless it had ended by then."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import ROOT, read_rows

pytestmark = pytest.mark.data  # `make test-data` runs these for a change to data/


def holder_on(day: date, office: str, organisation: str = "sco") -> str | None:
    _, rows = read_rows(ROOT / "data" / "office_terms.csv")
    started = [
        row
        for row in rows
        if row["organisation_id"] == organisation
        and row["office"] == office
        and date.fromisoformat(row["start_date"]) <= day
    ]
    if not started:
        return None
    term = max(started, key=lambda row: row["start_date"])
    if term["end_date"] and date.fromisoformat(term["end_date"]) < day:
        return None
    return term["person_id"] or term["state_iso3"]


def test_the_chair_passes_on_the_day_of_the_heads_of_state_meeting():
    assert holder_on(date(2024, 7, 3), "rotating_chair") == "KAZ"
    assert holder_on(date(2024, 7, 4), "rotating_chair") == "CHN"
    assert holder_on(date(2025, 9, 1), "rotating_chair") == "KGZ"


def test_some_state_chairs_every_day_since_2015():
    day, today = date(2015, 1, 1), date(2026, 11, 29)
    while day <= today:
        assert holder_on(day, "rotating_chair") is not None, day
        day += timedelta(days=1)


def test_secretaries_general_follow_each_other():
    assert holder_on(date(2018, 12, 31), "secretary_general") == "rashid-alimov"
    assert holder_on(date(2019, 1, 1), "secretary_general") == "vladimir-norov"
    assert holder_on(date(2025, 6, 1), "secretary_general") == "nurlan-yermekbayev"
    assert holder_on(date(2003, 12, 31), "secretary_general") is None
