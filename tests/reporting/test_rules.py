"""The figures' arithmetic, as pure functions: periods, ages, groups, relative rates, percentiles, deadlines, suppression."""

import datetime

import pytest

from reporting import rules
from reporting.rules import Period

d = datetime.date
UTC = datetime.UTC


# --- Periods ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset, expected", [
    ("last_month", Period(d(2025, 3, 1), d(2025, 4, 1))),
    ("last_quarter", Period(d(2025, 1, 1), d(2025, 4, 1))),
    ("last_12_months", Period(d(2024, 4, 1), d(2025, 4, 1))),
])
def test_presets_are_the_whole_months_before_this_one(preset, expected):
    assert rules.preset_period(preset, d(2025, 4, 15)) == expected


def test_last_quarter_in_january_is_the_last_quarter_of_the_year_before():
    assert rules.preset_period("last_quarter", d(2026, 1, 2)) == Period(d(2025, 10, 1), d(2026, 1, 1))


def test_a_month_is_compared_with_the_month_before_and_the_same_month_a_year_earlier():
    march = Period(d(2025, 3, 1), d(2025, 4, 1))
    assert rules.previous_period(march) == Period(d(2025, 2, 1), d(2025, 3, 1))  # all of February, not 31 days
    assert rules.year_earlier(march) == Period(d(2024, 3, 1), d(2024, 4, 1))


def test_a_quarter_is_compared_with_the_quarter_before():
    q1 = Period(d(2025, 1, 1), d(2025, 4, 1))
    assert rules.previous_period(q1) == Period(d(2024, 10, 1), d(2025, 1, 1))


def test_chosen_dates_are_compared_with_as_many_days_before():
    ten_days = Period(d(2025, 3, 10), d(2025, 3, 20))
    assert rules.previous_period(ten_days) == Period(d(2025, 2, 28), d(2025, 3, 10))
    assert rules.year_earlier(ten_days) == Period(d(2024, 3, 10), d(2024, 3, 20))


def test_twelve_months_are_compared_once_with_the_twelve_before_which_are_also_a_year_earlier():
    year = Period(datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))
    before = Period(datetime.date(2024, 1, 1), datetime.date(2025, 1, 1))
    assert rules.shown_comparisons(year) == [(rules.CURRENT, "This period", year),
                                             (rules.YEAR_AGO, "Previous period and a year earlier", before)]


def test_a_quarter_shows_three_periods_each_named():
    quarter = Period(datetime.date(2025, 1, 1), datetime.date(2025, 4, 1))
    assert [label for _, label, _ in rules.shown_comparisons(quarter)] == [
        "This period", "Previous period", "A year earlier"]


def test_a_year_before_29_february_is_28_february():
    assert rules.year_earlier(Period(d(2024, 2, 29), d(2024, 3, 1))) == Period(d(2023, 2, 28), d(2023, 3, 1))


def test_a_period_must_end_after_it_starts():
    with pytest.raises(ValueError):
        Period(d(2025, 3, 1), d(2025, 3, 1))


def test_a_period_starts_and_ends_at_midnight_in_england():
    # 1 March is in GMT; 1 July in BST, so its midnight is 23:00 UTC the day before.
    assert Period(d(2025, 3, 1), d(2025, 7, 1)).instants() == (
        datetime.datetime(2025, 3, 1, 0, tzinfo=UTC), datetime.datetime(2025, 6, 30, 23, tzinfo=UTC))


def test_the_trend_shows_at_least_18_months_up_to_the_end_of_the_period():
    assert rules.trend_start(Period(d(2025, 3, 1), d(2025, 4, 1))) == d(2023, 10, 1)
    assert len(rules.month_starts(d(2023, 10, 1), d(2025, 4, 1))) == 18
    assert rules.trend_start(Period(d(2022, 1, 1), d(2025, 4, 1))) == d(2022, 1, 1)  # a longer period: all of it


# --- Ages and groups -------------------------------------------------------------------------------------


@pytest.mark.parametrize("age, band", [
    (9, "under_10"), (10, "10_13"), (13, "10_13"), (14, "14_15"), (15, "14_15"), (16, "16_17"), (17, "16_17"),
    (18, "18_20"), (20, "18_20"), (21, "21_24"), (24, "21_24"), (25, "25_plus"),
])
def test_age_bands(age, band):
    assert rules.age_band(age) == band


@pytest.mark.parametrize("ethnicity, group", [
    ("black_caribbean", "black"), ("mixed_white_black_caribbean", "mixed"), ("white_roma", "white"),
    ("asian_chinese", "asian"), ("other_arab", "other"), ("not_stated", None), ("", None),
])
def test_each_ons_group_belongs_to_one_broad_group(ethnicity, group):
    assert rules.broad_group(ethnicity) == group


# --- Relative rates ----------------------------------------------------------------------------------------


def test_relative_rate_and_its_95_percent_interval_by_the_log_method():
    # Worked by hand: 30 events in 1,000 against 60 in 4,000. Rates 0.03 and 0.015, RR = 2.
    # Var(ln RR) = 1/30 - 1/1000 + 1/60 - 1/4000 = 0.048750; SE = 0.220794;
    # ln 2 = 0.693147; 1.96 x 0.220794 = 0.432756; exp(0.260391) = 1.2974, exp(1.125903) = 3.0829.
    rr = rules.relative_rate(30, 1000, 60, 4000)
    assert rr.rate == pytest.approx(2.0)
    assert rr.low == pytest.approx(1.2974, abs=1e-3)
    assert rr.high == pytest.approx(3.0829, abs=1e-3)


def test_a_lower_rate_gives_an_interval_below_one():
    # 10 in 10,000 against 50 in 10,000: RR 0.2; Var = 0.1 - 0.0001 + 0.02 - 0.0001 = 0.1198; SE 0.346121;
    # ln 0.2 = -1.609438; +-0.678397: exp(-2.287835) = 0.1015, exp(-0.931041) = 0.3941.
    rr = rules.relative_rate(10, 10_000, 50, 10_000)
    assert rr.rate == pytest.approx(0.2)
    assert (round(rr.low, 4), round(rr.high, 4)) == (0.1015, 0.3941)


def test_no_relative_rate_without_events_in_both_groups():
    assert rules.relative_rate(0, 100, 5, 100) is None
    assert rules.relative_rate(5, 100, 0, 100) is None
    assert rules.relative_rate(5, 0, 5, 100) is None


def test_more_events_than_people_is_an_error():
    with pytest.raises(ValueError):
        rules.relative_rate(11, 10, 1, 10)


def test_rate_per_1000():
    assert rules.rate_per_1000(3, 1500) == 2.0
    assert rules.rate_per_1000(3, 0) is None


# --- Percentiles (SQLite has no percentile_cont) -------------------------------------------------------------


def test_percentile_interpolates_between_ranks_as_postgresql_does():
    values = [96, 2, 50, 6, 2]
    assert rules.percentile_cont(values, 0.5) == 6
    assert rules.percentile_cont(values, 0.9) == pytest.approx(77.6)  # 50 + 0.6 x (96 - 50)
    assert rules.percentile_cont([3, 24], 0.5) == 13.5
    assert rules.percentile_cont([], 0.5) is None


# --- The deadline on arrival ---------------------------------------------------------------------------------


def test_deadline_boundaries_are_17_00_on_working_days_only():
    # Friday 18 April 2025 is Good Friday and Monday 21 April Easter Monday.
    found = rules.deadline_boundaries(d(2025, 4, 17), d(2025, 4, 22))
    assert found == [datetime.datetime(2025, 4, 17, 16, tzinfo=UTC), datetime.datetime(2025, 4, 22, 16, tzinfo=UTC)]


# --- Suppression -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, shown", [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (1234, 1234), (None, None)])
def test_numbers_from_1_to_4_are_suppressed(n, shown):
    assert rules.suppressed(n) == shown
