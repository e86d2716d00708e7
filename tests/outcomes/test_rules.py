"""The outcomes app's pure rules: dates and deadlines, eligibility, conditions and the case workflow."""

import calendar
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes import rules as r
from outcomes.reference import OFFENCES, OUTCOME_CODES, offence_by_code
from partners.workdays import is_working_day, working_days_between

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
MONTHS = st.integers(min_value=-240, max_value=240)

BLADE = offence_by_code("CJA1988-S139")
WEAPON = offence_by_code("PCA1953-S1")
COMMON_ASSAULT = offence_by_code("CJA1988-S39")
S20 = offence_by_code("OAPA1861-S20")
S18 = offence_by_code("OAPA1861-S18")
ROBBERY = offence_by_code("TA1968-S8")


# ---------------------------------------------------------------------------------------------
# add_months, contract_end


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # into a leap February
        (date(2022, 8, 31), 6, date(2023, 2, 28)),  # into a common February
        (date(2024, 10, 31), 4, date(2025, 2, 28)),
        (date(2023, 10, 31), 4, date(2024, 2, 29)),
        (date(2024, 10, 31), 6, date(2025, 4, 30)),  # 31 -> a 30-day month
        (date(2024, 11, 30), 6, date(2025, 5, 30)),  # 30 -> a 31-day month: no clamp, no overflow
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 1, 15), 4, date(2025, 5, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # across a year end
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert r.add_months(day, months) == expected


def test_contract_end_defaults_to_four_calendar_months():
    assert r.contract_end(date(2025, 1, 31)) == date(2025, 5, 31)
    assert r.contract_end(date(2024, 10, 31)) == date(2025, 2, 28)
    assert r.contract_end(date(2025, 1, 31), months=1) == date(2025, 2, 28)


@given(DATES, DATES, MONTHS)
def test_add_months_is_monotone_in_the_date(d1, d2, months):
    d1, d2 = min(d1, d2), max(d1, d2)
    assert r.add_months(d1, months) <= r.add_months(d2, months)


@given(DATES, MONTHS, MONTHS)
def test_add_months_is_monotone_in_the_months(day, m1, m2):
    m1, m2 = min(m1, m2), max(m1, m2)
    assert r.add_months(day, m1) <= r.add_months(day, m2)


@given(DATES, MONTHS)
def test_add_months_lands_in_the_right_month_and_clamps(day, months):
    result = r.add_months(day, months)
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    assert (result.year, result.month) == (year, month + 1)
    assert result.day == min(day.day, calendar.monthrange(year, month + 1)[1])


# ---------------------------------------------------------------------------------------------
# Return-to-police deadline


def test_deadline_constants():
    assert (r.SUMMARY_LIMIT_MONTHS, r.SAFETY_MARGIN_DAYS, r.POLICY_DAYS_AFTER_CONTRACT) == (6, 28, 28)
    assert r.WARNING_DAYS == (28, 14, 7, 1)


@pytest.mark.parametrize(
    ("offence_date", "limit"),
    [
        (date(2023, 8, 31), date(2024, 2, 29)),
        (date(2022, 8, 31), date(2023, 2, 28)),
        (date(2025, 3, 31), date(2025, 9, 30)),
        (date(2024, 12, 31), date(2025, 6, 30)),
        (date(2024, 9, 30), date(2025, 3, 30)),
        (date(2025, 1, 1), date(2025, 7, 1)),
    ],
)
def test_statutory_limit_is_six_calendar_months(offence_date, limit):
    assert r.statutory_limit(offence_date) == limit


@pytest.mark.parametrize(
    ("offence_date", "deadline"),
    [
        (date(2023, 8, 31), date(2024, 2, 1)),  # 29 Feb 2024 less 28 days
        (date(2022, 8, 31), date(2023, 1, 31)),  # 28 Feb 2023 less 28 days
        (date(2025, 3, 31), date(2025, 9, 2)),  # 30 Sep less 28 days
        (date(2024, 12, 31), date(2025, 6, 2)),  # 30 Jun less 28 days
    ],
)
def test_summary_only_deadline_is_the_limit_less_the_margin(offence_date, deadline):
    end = date(2030, 1, 1)  # contract end plays no part for summary-only offences
    assert r.return_deadline(offence_date, "summary", end) == deadline


def test_summary_only_deadline_with_another_margin():
    assert r.return_deadline(date(2025, 1, 1), "summary", date(2025, 5, 1), margin_days=0) == date(2025, 7, 1)
    assert r.return_deadline(date(2025, 1, 1), "summary", date(2025, 5, 1), margin_days=10) == date(2025, 6, 21)


@pytest.mark.parametrize("mode", ["either_way", "indictable"])
def test_either_way_and_indictable_deadline_is_contract_end_plus_policy_days(mode):
    end = date(2025, 6, 15)
    assert r.return_deadline(date(2025, 1, 1), mode, end) == date(2025, 7, 13)
    assert r.return_deadline(date(2025, 1, 1), mode, end, policy_days=14) == date(2025, 6, 29)


def test_deadline_refuses_an_unknown_mode_of_trial():
    with pytest.raises(ValueError, match="mode of trial"):
        r.return_deadline(date(2025, 1, 1), "summary-only", date(2025, 5, 1))


@given(DATES, st.integers(min_value=0, max_value=60), DATES)
def test_summary_deadline_is_never_after_the_limit_nor_before_the_offence(offence_date, margin, end):
    deadline = r.return_deadline(offence_date, "summary", end, margin_days=margin)
    assert deadline <= r.statutory_limit(offence_date)
    assert deadline >= offence_date
    assert (r.statutory_limit(offence_date) - deadline).days == margin


@given(DATES, DATES, st.integers(min_value=0, max_value=60))
def test_either_way_deadline_follows_the_contract_not_the_offence(offence_date, end, policy):
    deadline = r.return_deadline(offence_date, "either_way", end, policy_days=policy)
    assert deadline == end + timedelta(days=policy)


def test_days_left_and_nearness():
    deadline = date(2025, 6, 30)
    assert r.days_left(deadline, date(2025, 6, 22)) == 8
    assert r.deadline_is_near(deadline, date(2025, 6, 22)) is False
    assert r.deadline_is_near(deadline, date(2025, 6, 23)) is True  # 7 days left
    assert r.deadline_is_near(deadline, date(2025, 6, 30)) is True
    assert r.days_left(deadline, date(2025, 7, 3)) == -3
    assert r.deadline_is_near(deadline, date(2025, 7, 3)) is True
    assert r.deadline_is_near(deadline, date(2025, 6, 16), threshold=14) is True
    assert r.deadline_is_near(deadline, date(2025, 6, 15), threshold=14) is False


def test_deadline_missed_only_after_the_day():
    assert r.deadline_missed(date(2025, 6, 30), date(2025, 6, 30)) is False
    assert r.deadline_missed(date(2025, 6, 30), date(2025, 7, 1)) is True


@pytest.mark.parametrize(
    ("today", "warning"), [(date(2025, 6, 2), 28), (date(2025, 6, 16), 14), (date(2025, 6, 23), 7), (date(2025, 6, 29), 1)]
)
def test_warning_due_on_its_day(today, warning):
    assert r.warning_due(date(2025, 6, 30), today) == warning


@pytest.mark.parametrize("today", [date(2025, 6, 1), date(2025, 6, 3), date(2025, 6, 30), date(2025, 7, 1)])
def test_no_warning_on_other_days(today):
    assert r.warning_due(date(2025, 6, 30), today) is None


def test_a_summary_offence_three_months_old_with_a_four_month_contract_ends_after_the_deadline():
    offence_date, start = date(2025, 1, 1), date(2025, 4, 1)
    end = r.contract_end(start)
    deadline = r.return_deadline(offence_date, COMMON_ASSAULT["mode_of_trial"], end)
    assert deadline == date(2025, 6, 3)
    assert r.contract_ends_after_deadline(end, deadline) is True


def test_an_either_way_contract_never_ends_after_its_deadline():
    end = r.contract_end(date(2025, 4, 1))
    deadline = r.return_deadline(date(2025, 1, 1), BLADE["mode_of_trial"], end)
    assert r.contract_ends_after_deadline(end, deadline) is False


def test_contract_ending_on_the_deadline_is_not_after_it():
    assert r.contract_ends_after_deadline(date(2025, 6, 3), date(2025, 6, 3)) is False
    assert r.contract_ends_after_deadline(date(2025, 6, 4), date(2025, 6, 3)) is True


# ---------------------------------------------------------------------------------------------
# Ages


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (date(2010, 6, 15), date(2025, 6, 14), 14),
        (date(2010, 6, 15), date(2025, 6, 15), 15),
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # born on 29 Feb: a year older on 1 March in a common year
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(2010, 6, 15), date(2010, 6, 15), 0),
    ],
)
def test_age_on(dob, on, age):
    assert r.age_on(dob, on) == age


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31)), st.integers(min_value=1, max_value=60))
def test_age_goes_up_by_one_on_each_birthday(dob, years):
    birthday = r.add_months(dob, 12 * years)
    if (dob.month, dob.day) == (2, 29) and birthday.day == 28:
        birthday += timedelta(days=1)  # 1 March in a common year
    assert r.age_on(dob, birthday) == years
    assert r.age_on(dob, birthday - timedelta(days=1)) == years - 1


# ---------------------------------------------------------------------------------------------
# Checkpoint eligibility

CHECKPOINT_RULES = ["age", "offence", "aggravating", "admission", "evidence", "history"]


def checkpoint(**overrides):
    kwargs = {
        "date_of_birth": date(2010, 6, 15),
        "offence_date": date(2025, 3, 1),
        "offence": BLADE,
        "aggravating": False,
        "admission": True,
        "sufficient_evidence": True,
        "history": "none",
    }
    kwargs.update(overrides)
    return r.checkpoint_eligibility(**kwargs)


def test_checkpoint_all_rules_pass_in_order():
    results = checkpoint()
    assert [x.rule for x in results] == CHECKPOINT_RULES
    assert all(x.passed for x in results)
    assert r.is_eligible(results) is True
    assert results[0].reason == "Aged 14 on the offence date: within 10 to 17."
    assert "Possession of a bladed article in a public place" in results[1].reason


@pytest.mark.parametrize(
    ("overrides", "failing", "reason"),
    [
        ({"date_of_birth": date(2006, 6, 15)}, "age", "Aged 18 on the offence date: Checkpoint is for 10 to 17 year olds."),
        ({"offence": COMMON_ASSAULT}, "offence", "Common assault is not eligible"),
        ({"aggravating": True}, "aggravating", "aggravating circumstances"),
        ({"admission": False}, "admission", "admission"),
        ({"sufficient_evidence": False}, "evidence", "evidence to charge"),
        ({"history": "violent_or_serious"}, "history", "violent or serious"),
    ],
)
def test_checkpoint_each_rule_failing_alone(overrides, failing, reason):
    results = checkpoint(**overrides)
    assert [x.rule for x in results] == CHECKPOINT_RULES
    assert [x.rule for x in results if not x.passed] == [failing]
    failed = next(x for x in results if x.rule == failing)
    assert reason in failed.reason
    assert r.is_eligible(results) is False


def test_checkpoint_reasons_differ_between_passing_and_failing():
    passing = {x.rule: x.reason for x in checkpoint()}
    failing = {
        x.rule: x.reason
        for x in checkpoint(
            date_of_birth=date(2000, 1, 1),
            offence=COMMON_ASSAULT,
            aggravating=True,
            admission=False,
            sufficient_evidence=False,
            history="violent_or_serious",
        )
    }
    for rule in CHECKPOINT_RULES:
        assert passing[rule] and failing[rule] and passing[rule] != failing[rule], rule


def test_checkpoint_accepts_offensive_weapon_and_minor_history():
    assert r.is_eligible(checkpoint(offence=WEAPON, history="minor_non_violent")) is True


def test_checkpoint_refuses_an_unknown_history():
    with pytest.raises(ValueError, match="history"):
        checkpoint(history="some")


def test_checkpoint_age_exactly_10_on_the_offence_date():
    results = checkpoint(date_of_birth=date(2015, 3, 1), offence_date=date(2025, 3, 1))
    assert results[0].passed is True
    assert results[0].reason == "Aged 10 on the offence date: within 10 to 17."


def test_checkpoint_age_9_the_day_before_10th_birthday():
    results = checkpoint(date_of_birth=date(2015, 3, 2), offence_date=date(2025, 3, 1))
    assert results[0].passed is False
    assert results[0].reason == "Aged 9 on the offence date: Checkpoint is for 10 to 17 year olds."


def test_checkpoint_age_17_the_day_before_18th_birthday():
    results = checkpoint(date_of_birth=date(2007, 3, 2), offence_date=date(2025, 3, 1))
    assert results[0].passed is True
    assert results[0].reason == "Aged 17 on the offence date: within 10 to 17."


def test_checkpoint_age_18_on_the_birthday():
    results = checkpoint(date_of_birth=date(2007, 3, 1), offence_date=date(2025, 3, 1))
    assert results[0].passed is False
    assert results[0].reason == "Aged 18 on the offence date: Checkpoint is for 10 to 17 year olds."


def test_checkpoint_offence_before_birth_fails_age():
    results = checkpoint(date_of_birth=date(2025, 3, 2), offence_date=date(2025, 3, 1))
    assert results[0].passed is False
    assert "before the date of birth" in results[0].reason


def test_checkpoint_accepts_an_object_with_attributes():
    model_like = SimpleNamespace(name="Possession of an offensive weapon in a public place", checkpoint_eligible=True)
    assert r.is_eligible(checkpoint(offence=model_like)) is True
    refused = SimpleNamespace(name="Robbery", checkpoint_eligible=False)
    assert r.is_eligible(checkpoint(offence=refused)) is False


def test_checkpoint_age_limits_can_be_changed():
    results = checkpoint(date_of_birth=date(2006, 6, 15), max_age=18)
    assert results[0].passed is True


def test_rule_result_is_frozen():
    result = r.RuleResult("age", True, "ok")
    with pytest.raises(AttributeError):
        result.passed = False


def test_is_eligible_needs_at_least_one_rule():
    assert r.is_eligible([]) is False
    assert r.is_eligible([r.RuleResult("a", True, "")]) is True
    assert r.is_eligible([r.RuleResult("a", True, ""), r.RuleResult("b", False, "")]) is False


# ---------------------------------------------------------------------------------------------
# Outcome 22 eligibility


def outcome22(offence, dob=date(2003, 6, 15), offence_date=date(2025, 3, 1)):
    return r.outcome22_eligibility(date_of_birth=dob, offence_date=offence_date, offence=offence)


@pytest.mark.parametrize("offence", [S18, ROBBERY], ids=["s18", "robbery"])
def test_outcome22_refuses_above_the_ceiling(offence):
    results = outcome22(offence)
    assert [x.rule for x in results] == ["age", "offence"]
    assert results[0].passed is True
    assert results[1].passed is False
    assert (
        "Outcome 22 may be used for offences up to and including wounding / GBH without intent (OAPA 1861 s20)"
        in results[1].reason
    )
    assert r.is_eligible(results) is False


def test_outcome22_accepts_s20():
    results = outcome22(S20)
    assert r.is_eligible(results) is True
    assert results[1].reason.startswith("Wounding / inflicting grievous bodily harm without intent")


@pytest.mark.parametrize("offence", [o for o in OFFENCES if o["outcome22_eligible"]], ids=lambda o: o["code"])
def test_outcome22_accepts_every_eligible_offence(offence):
    assert r.is_eligible(outcome22(offence)) is True


def test_outcome22_age_24_the_day_before_25th_birthday():
    results = outcome22(COMMON_ASSAULT, dob=date(2000, 3, 2), offence_date=date(2025, 3, 1))
    assert results[0].reason == "Aged 24 on the offence date: within 10 to 24."
    assert r.is_eligible(results) is True


def test_outcome22_refuses_25_on_the_birthday():
    results = outcome22(COMMON_ASSAULT, dob=date(2000, 3, 1), offence_date=date(2025, 3, 1))
    assert results[0].reason == "Aged 25 on the offence date: Outcome 22 is for 10 to 24 year olds."
    assert r.is_eligible(results) is False


def test_outcome22_refuses_under_10():
    assert r.is_eligible(outcome22(COMMON_ASSAULT, dob=date(2015, 3, 2), offence_date=date(2025, 3, 1))) is False


def test_outcome22_accepts_an_object_with_attributes():
    assert r.is_eligible(outcome22(SimpleNamespace(name="Affray", outcome22_eligible=True))) is True
    assert r.is_eligible(outcome22(SimpleNamespace(name="Robbery", outcome22_eligible=False))) is False


# ---------------------------------------------------------------------------------------------
# Dates on a case

TODAY = date(2025, 6, 10)


def test_dates_fine():
    assert r.date_problems(offence_date=date(2025, 6, 1), start_date=date(2025, 6, 5), today=TODAY) == {}
    assert r.date_problems(offence_date=TODAY, start_date=TODAY, today=TODAY) == {}
    assert r.date_problems(offence_date=date(2025, 6, 1), start_date=None, today=TODAY) == {}
    assert r.date_problems(offence_date=None, start_date=None, today=TODAY) == {}


def test_offence_date_in_the_future():
    problems = r.date_problems(offence_date=date(2025, 6, 11), start_date=date(2025, 6, 12), today=TODAY)
    assert problems == {"offence_date": "The offence date must be today or in the past"}


def test_offence_after_the_start():
    problems = r.date_problems(offence_date=date(2025, 6, 5), start_date=date(2025, 6, 4), today=TODAY)
    assert problems == {"offence_date": "The offence date must be on or before the start date"}


# ---------------------------------------------------------------------------------------------
# Conditions


def test_condition_constants():
    assert (r.ASSESSMENT, r.SESSIONS, r.NO_REOFFENDING, r.OTHER) == ("assessment", "sessions", "no_reoffending", "other")
    assert r.MAX_CONDITIONS == 5


def test_checkpoint_template_across_easter_and_early_may_bank_holidays():
    start = date(2025, 4, 17)  # Thursday before Good Friday; Easter Monday and 5 May also fall within
    end = r.contract_end(start)
    conditions = r.condition_template("checkpoint", start, end)
    assert [c["kind"] for c in conditions] == ["assessment", "sessions", "no_reoffending"]
    assessment, sessions, no_reoffending = conditions
    assert assessment["due_on"] == date(2025, 5, 6)
    assert (sessions["due_on"], sessions["target"]) == (date(2025, 8, 17), 6)
    assert no_reoffending["due_on"] == date(2025, 8, 17)
    assert all(set(c) == {"kind", "description", "due_on", "target"} and c["description"] for c in conditions)


def test_checkpoint_template_across_christmas():
    start = date(2025, 12, 22)
    assessment = r.condition_template("checkpoint", start, r.contract_end(start))[0]
    assert assessment["due_on"] == date(2026, 1, 8)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_assessment_is_due_on_a_working_day_ten_working_days_on(start):
    due = r.condition_template("checkpoint", start, r.contract_end(start))[0]["due_on"]
    assert is_working_day(due)
    assert working_days_between(start, due) == 10


def test_checkpoint_template_with_other_sessions():
    start = date(2025, 1, 6)
    sessions = r.condition_template("checkpoint", start, date(2025, 5, 6), sessions=8)[1]
    assert sessions["target"] == 8
    assert "8" in sessions["description"]


def test_outcome22_template():
    start, end = date(2025, 1, 6), date(2025, 5, 6)
    conditions = r.condition_template("outcome22", start, end)
    assert [(c["kind"], c["due_on"], c["target"]) for c in conditions] == [
        ("sessions", end, 4),
        ("no_reoffending", end, None),
    ]
    assert r.condition_template("outcome22", start, end, sessions=2)[0]["target"] == 2


def test_template_refuses_unknown_pathway_and_no_sessions():
    with pytest.raises(ValueError, match="pathway"):
        r.condition_template("caution", date(2025, 1, 6), date(2025, 5, 6))
    with pytest.raises(ValueError, match="session"):
        r.condition_template("outcome22", date(2025, 1, 6), date(2025, 5, 6), sessions=0)


@pytest.mark.parametrize("pathway", ["checkpoint", "outcome22"])
def test_templates_leave_room_within_the_maximum(pathway):
    conditions = r.condition_template(pathway, date(2025, 1, 6), date(2025, 5, 6))
    r.check_condition_count(len(conditions))
    assert len(conditions) < r.MAX_CONDITIONS


DUE = date(2025, 5, 6)


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"kind": "sessions", "progress": 6, "target": 6, "today": date(2025, 4, 1)}, "met"),
        ({"kind": "sessions", "progress": 7, "target": 6, "today": date(2025, 6, 1)}, "met"),
        ({"kind": "sessions", "progress": 5, "target": 6, "today": DUE}, "pending"),
        ({"kind": "sessions", "progress": 5, "target": 6, "today": DUE + timedelta(days=1)}, "missed"),
        ({"kind": "sessions", "progress": 0, "target": 6, "met_on": date(2025, 5, 8), "today": date(2025, 5, 9)}, "met"),
        ({"kind": "assessment", "progress": None, "target": 1, "today": DUE + timedelta(days=1)}, "missed"),
        ({"kind": "assessment", "progress": None, "target": 1, "met_on": date(2025, 5, 1), "today": DUE}, "met"),
        ({"kind": "assessment", "progress": 1, "target": 1, "today": DUE + timedelta(days=30)}, "met"),
        ({"kind": "other", "progress": None, "target": None, "today": DUE}, "pending"),
        ({"kind": "other", "progress": None, "target": None, "today": DUE + timedelta(days=1)}, "missed"),
        # `breached` concerns no re-offending only
        ({"kind": "sessions", "progress": 6, "target": 6, "today": DUE, "breached": True}, "met"),
        ({"kind": "no_reoffending", "progress": None, "target": None, "today": DUE - timedelta(days=1)}, "pending"),
        ({"kind": "no_reoffending", "progress": None, "target": None, "today": DUE}, "met"),
        ({"kind": "no_reoffending", "progress": None, "target": None, "today": DUE + timedelta(days=40)}, "met"),
        ({"kind": "no_reoffending", "progress": None, "target": None, "today": date(2025, 3, 1), "breached": True}, "missed"),
        (
            {"kind": "no_reoffending", "progress": None, "target": None, "today": DUE + timedelta(days=1), "breached": True},
            "missed",
        ),
    ],
)
def test_condition_status(kwargs, status):
    kwargs = {"met_on": None, "due_on": DUE} | kwargs
    assert r.condition_status(**kwargs) == status


@given(DATES, DATES, st.integers(min_value=1, max_value=20), st.integers(min_value=0, max_value=40))
def test_condition_status_property(due, today, target, progress):
    status = r.condition_status(kind="sessions", due_on=due, met_on=None, progress=progress, target=target, today=today)
    if progress >= target:
        assert status == "met"
    elif today > due:
        assert status == "missed"
    else:
        assert status == "pending"


@given(DATES, DATES)
def test_a_recorded_reoffence_always_misses_no_reoffending(due, today):
    status = r.condition_status(
        kind="no_reoffending", due_on=due, met_on=None, progress=None, target=None, today=today, breached=True
    )
    assert status == "missed"


def test_condition_status_refuses_unknown_kind():
    with pytest.raises(ValueError):
        r.condition_status(kind="curfew", due_on=DUE, met_on=None, progress=None, target=None, today=DUE)


@pytest.mark.parametrize("n", [0, 1, 5])
def test_up_to_five_conditions(n):
    assert r.check_condition_count(n) is None


@pytest.mark.parametrize("n", [6, 10])
def test_more_than_five_conditions_refused(n):
    with pytest.raises(ValueError, match="^A contract has at most 5 conditions$"):
        r.check_condition_count(n)


# ---------------------------------------------------------------------------------------------
# Case workflow

STATUSES = [None, "active", "at_risk", "breach_proposed", "re_referred", "closure_proposed", "completed", "outcome_recorded"]
ACTIONS = [
    "start",
    "mark_at_risk",
    "resolve_risk",
    "propose_breach",
    "confirm_breach",
    "further_chance",
    "propose_closure",
    "close",
    "record_outcome",
]
# Written out from the specification, independently of rules.TRANSITIONS.
EXPECTED = {
    (None, "start"): "active",
    ("active", "mark_at_risk"): "at_risk",
    ("at_risk", "resolve_risk"): "active",
    ("active", "propose_breach"): "breach_proposed",
    ("at_risk", "propose_breach"): "breach_proposed",
    ("breach_proposed", "confirm_breach"): "re_referred",
    ("breach_proposed", "further_chance"): "active",
    ("at_risk", "further_chance"): "active",
    ("active", "propose_closure"): "closure_proposed",
    ("closure_proposed", "close"): "completed",
    ("re_referred", "record_outcome"): "outcome_recorded",
}


def test_status_and_action_constants():
    assert [None, *r.STATUSES] == STATUSES
    assert list(r.ACTIONS) == ACTIONS
    assert (r.ACTIVE, r.AT_RISK, r.BREACH_PROPOSED, r.RETURNED_TO_POLICE) == (
        "active", "at_risk", "breach_proposed", "re_referred")
    assert (r.CLOSURE_PROPOSED, r.COMPLETED, r.OUTCOME_RECORDED) == ("closure_proposed", "completed", "outcome_recorded")
    assert r.ACTIVE_STATUSES == ("active", "at_risk", "breach_proposed", "closure_proposed")


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_status_and_action(current, action):
    if (current, action) in EXPECTED:
        assert r.next_status(current, action) == EXPECTED[(current, action)]
    else:
        with pytest.raises(r.TransitionNotAllowed) as refused:
            r.next_status(current, action)
        message = str(refused.value)
        assert message.startswith("Cannot ")
        assert "_" not in message  # human words, not codes
        assert message.endswith(".")


@pytest.mark.parametrize("current", STATUSES)
def test_allowed_actions(current):
    assert set(r.allowed_actions(current)) == {a for (s, a) in EXPECTED if s == current}


def test_refusal_message_reads_well():
    with pytest.raises(r.TransitionNotAllowed) as refused:
        r.next_status("active", "confirm_breach")
    assert str(refused.value) == (
        "Cannot confirm a breach on a case that is active. From here you can: mark at risk, propose a breach, propose closure."
    )
    with pytest.raises(r.TransitionNotAllowed, match="No further action is possible"):
        r.next_status("completed", "start")


def test_transition_not_allowed_is_a_value_error_for_unknown_names():
    with pytest.raises(ValueError, match="Unknown action"):
        r.next_status("active", "explode")
    with pytest.raises(r.TransitionNotAllowed, match="Unknown case status"):
        r.next_status("paused", "start")


@given(st.lists(st.sampled_from(ACTIONS), max_size=30))
def test_any_sequence_of_allowed_actions_stays_on_the_map(actions):
    status = None
    for action in actions:
        if action not in r.allowed_actions(status):
            continue
        previous, status = status, r.next_status(status, action)
        assert EXPECTED[(previous, action)] == status
        if status in ("completed", "outcome_recorded"):
            assert r.allowed_actions(status) == ()
    assert status is None or status in STATUSES


def test_a_breach_can_only_be_re_referred_after_a_proposal():
    status = r.next_status(None, "start")
    with pytest.raises(r.TransitionNotAllowed):
        r.next_status(status, "confirm_breach")
    status = r.next_status(status, "mark_at_risk")
    status = r.next_status(status, "propose_breach")
    assert r.next_status(status, "confirm_breach") == "re_referred"


# Breach confirmation


def test_proposer_cannot_confirm_own_breach():
    assert r.breach_confirmer_problem(7, 7) == "The person who proposed a breach cannot also confirm it."


def test_another_person_may_confirm():
    assert r.breach_confirmer_problem(7, 8) is None


def test_a_system_proposal_needs_a_named_confirmer():
    assert r.breach_confirmer_problem(None, 8) is None
    assert r.breach_confirmer_problem(None, None) == "A breach must be confirmed by a named person."
    assert r.breach_confirmer_problem(7, None) is not None


@given(st.one_of(st.integers(min_value=1), st.uuids()))
def test_any_proposer_cannot_confirm_their_own_breach(person):
    assert r.breach_confirmer_problem(person, person) == "The person who proposed a breach cannot also confirm it."


@given(st.integers(min_value=1), st.integers(min_value=1))
def test_different_people_may_confirm(proposer, confirmer):
    problem = r.breach_confirmer_problem(proposer, confirmer)
    assert (problem is None) is (proposer != confirmer)


# Outcome on a case


def test_completed_case_closes_with_22_only():
    assert r.outcome_fits_case("completed", 22, 22, (22,)) is None
    assert "closes with outcome 22" in r.outcome_fits_case("completed", 1, 22, (22,))
    assert r.outcome_fits_case("completed", 8) is not None


def test_completed_case_follows_the_pathway_closing_outcome():
    assert r.outcome_fits_case("completed", 23, 23, (22, 23)) is None
    assert r.outcome_fits_case("completed", 22, 23, (22, 23)) is not None


@pytest.mark.parametrize("code", [1, 8, 17, 21])
def test_re_referred_case_takes_the_police_outcome(code):
    assert r.outcome_fits_case("re_referred", code, 22, (22,)) is None


def test_re_referred_case_cannot_close_as_a_successful_diversion():
    assert "did not complete its diversion" in r.outcome_fits_case("re_referred", 22, 22, (22,))
    assert r.outcome_fits_case("re_referred", 23, 22, (22, 23)) is not None


@pytest.mark.parametrize("status", ["active", "at_risk", "breach_proposed", "closure_proposed", "outcome_recorded"])
def test_no_outcome_on_an_open_or_already_closed_case(status):
    assert "completed case or one returned to police" in r.outcome_fits_case(status, 1, 22, (22,))


@given(st.sampled_from(OUTCOME_CODES))
def test_outcome_codes_against_case_ends(outcome):
    closing = tuple(o["code"] for o in OUTCOME_CODES if o["closes_diversion"])
    fits_re_referred = r.outcome_fits_case("re_referred", outcome["code"], 22, closing) is None
    fits_completed = r.outcome_fits_case("completed", outcome["code"], 22, closing) is None
    assert fits_re_referred is (not outcome["closes_diversion"])
    assert fits_completed is (outcome["code"] == 22)
