"""The retention rule, as pure functions: no database, no clock; every date written out by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest

from referrals import retention_rules as rr
from referrals.rules import age_on

SIX, TWENTY_FIVE = 6, 25


def test_six_years_after_the_last_activity_when_that_is_after_the_25th_birthday():
    # 25 on 10 March 2025; last referral closed 15 January 2020: due 15 January 2026.
    assert rr.retention_due_on(date(2000, 3, 10), date(2020, 1, 15), SIX, TWENTY_FIVE) == date(2026, 1, 15)


def test_the_25th_birthday_when_that_is_later():
    # Closed aged 13 (May 2019): six years on is May 2025, but the record is kept to the 25th birthday.
    assert rr.retention_due_on(date(2005, 9, 1), date(2019, 5, 1), SIX, TWENTY_FIVE) == date(2030, 9, 1)


def test_both_on_the_same_day():
    assert rr.retention_due_on(date(2001, 6, 30), date(2020, 6, 30), SIX, TWENTY_FIVE) == date(2026, 6, 30)


def test_the_day_before_is_not_due_and_the_day_itself_is():
    born, last = date(2000, 3, 10), date(2020, 1, 15)
    assert not rr.is_due(born, last, date(2026, 1, 14), open_work=False, years=SIX, min_age=TWENTY_FIVE)
    assert rr.is_due(born, last, date(2026, 1, 15), open_work=False, years=SIX, min_age=TWENTY_FIVE)


def test_open_work_is_never_due_however_old():
    assert not rr.is_due(date(1990, 1, 1), date(2000, 1, 1), date(2060, 1, 1), open_work=True, years=SIX,
                         min_age=TWENTY_FIVE)


def test_the_rule_follows_its_settings():
    # A force that keeps records 3 years, to the 21st birthday.
    assert rr.retention_due_on(date(2005, 9, 1), date(2019, 5, 1), 3, 21) == date(2026, 9, 1)
    assert rr.retention_due_on(date(2000, 3, 10), date(2020, 1, 15), 3, 21) == date(2023, 1, 15)


def test_a_29_february_birthday_falls_on_1_march_in_a_common_year():
    assert rr.retention_due_on(date(2004, 2, 29), date(2010, 1, 1), SIX, TWENTY_FIVE) == date(2029, 3, 1)
    # ...and on 29 February itself in a leap year.
    assert rr.retention_due_on(date(2004, 2, 29), date(2010, 1, 1), SIX, 24) == date(2028, 2, 29)
    # The same as how ages are counted elsewhere: 24 on 28 February 2029, 25 on 1 March.
    assert age_on(date(2004, 2, 29), date(2029, 2, 28)) == 24 and age_on(date(2004, 2, 29), date(2029, 3, 1)) == 25


def test_a_period_from_29_february_ends_on_1_march_never_a_day_early():
    assert rr.anniversary(date(2020, 2, 29), 6) == date(2026, 3, 1)
    assert rr.anniversary(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert rr.anniversary(date(2021, 2, 28), 6) == date(2027, 2, 28)


def test_a_negative_period_is_refused():
    with pytest.raises(ValueError):
        rr.retention_due_on(date(2000, 1, 1), date(2020, 1, 1), -1, TWENTY_FIVE)


def test_a_referral_counts_from_its_closure_else_its_decision_else_its_submission():
    created, received = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)
    decided, closed = datetime(2024, 1, 3, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC)
    assert rr.referral_activity_at(closed_at=closed, decided_at=decided, received_at=received, created_at=created) == closed
    assert rr.referral_activity_at(closed_at=None, decided_at=decided, received_at=received, created_at=created) == decided
    assert rr.referral_activity_at(closed_at=None, decided_at=None, received_at=received, created_at=created) == received
    assert rr.referral_activity_at(closed_at=None, decided_at=None, received_at=None, created_at=created) == created


def test_the_last_activity_is_the_latest_day_in_london_of_dates_and_instants():
    # 23:30 UTC on 30 June 2020 is already 1 July in London (summer time).
    late_evening = datetime(2020, 6, 30, 23, 30, tzinfo=UTC)
    assert rr.last_activity_on([date(2020, 6, 30), None, late_evening, date(2019, 1, 1)]) == date(2020, 7, 1)
    assert rr.last_activity_on([None, None]) is None


def test_only_live_referrals_count_as_open_work():
    assert set(rr.OPEN_REFERRAL_STATUSES) == {"submitted", "in_triage", "info_requested", "allocated"}


def test_an_anonymised_date_of_birth_is_1_july_and_keeps_every_age_within_a_year():
    assert rr.anonymised_date_of_birth(date(2004, 2, 29)) == date(2004, 7, 1)
    assert rr.anonymised_date_of_birth(date(2010, 12, 31)) == date(2010, 7, 1)
    referral_day = date(2026, 3, 14)
    for offset in range(366):
        born = date(2010, 1, 1) + timedelta(days=offset)
        true_age = age_on(born, referral_day)
        kept_age = age_on(rr.anonymised_date_of_birth(born), referral_day)
        assert abs(true_age - kept_age) <= 1
