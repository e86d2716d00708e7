from datetime import date

import pytest

from cohorts import rules


def test_the_next_review_is_four_weeks_on_by_default_or_the_cohorts_cadence():
    assert rules.next_review_on(date(2026, 11, 2)) == date(2026, 11, 30)
    assert rules.next_review_on(date(2026, 12, 21), 2) == date(2027, 1, 4)


@pytest.mark.parametrize(("next_review", "state"), [
    (date(2026, 11, 23), rules.OVERDUE),
    (date(2026, 11, 24), rules.DUE),
    (date(2026, 11, 25), rules.SOON),
    (date(2026, 12, 1), rules.SOON),
    (date(2026, 12, 2), None),
    (None, None),
])
def test_a_review_is_overdue_after_its_date_due_on_it_and_soon_within_a_week(next_review, state):
    assert rules.review_state(next_review, date(2026, 11, 24)) == state


def test_the_daily_job_flags_reviews_due_today_or_overdue_and_nothing_earlier():
    today = date(2026, 11, 24)
    assert rules.review_is_due(date(2026, 11, 24), today)
    assert rules.review_is_due(date(2026, 10, 1), today)
    assert not rules.review_is_due(date(2026, 11, 25), today)
    assert not rules.review_is_due(None, today)


def test_each_tier_model_has_its_own_tiers_tier_one_the_highest_threat():
    assert [n for n, _ in rules.tier_choices(rules.PIP4)] == [1, 2, 3, 4, 5, 6]
    assert [n for n, _ in rules.tier_choices(rules.SCALED)] == [1, 2, 3, 4, 5]
    assert rules.tier_label(rules.PIP4, 1) == "Tier 1: ROCU"
    assert rules.tier_label(rules.SCALED, 5) == "Tier 5: Within the prison system"
    assert rules.is_valid_tier(rules.PIP4, 6)
    assert not rules.is_valid_tier(rules.SCALED, 6)
    assert not rules.is_valid_tier(rules.PIP4, 0)
    assert not rules.is_valid_tier(rules.PIP4, True)
    assert not rules.is_valid_tier("unknown", 1)


def test_an_open_action_past_its_due_date_is_overdue_a_done_one_never():
    today = date(2026, 11, 24)
    assert rules.action_is_overdue(rules.OPEN, date(2026, 11, 23), today)
    assert not rules.action_is_overdue(rules.OPEN, today, today)
    assert not rules.action_is_overdue(rules.DONE, date(2026, 11, 1), today)
    assert not rules.action_is_overdue(rules.DROPPED, date(2026, 11, 1), today)
