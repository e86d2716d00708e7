"""The pure referral rules: life cycle, deadlines, queue sections, matching and identifiers.

No database and no clock: every instant is written out, in Europe/London or UTC, so the
expected answers can be checked against a calendar by hand.
"""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from referrals import rules as r

LONDON = ZoneInfo("Europe/London")


def london(y, m, d, hh=0, mm=0, ss=0, us=0):
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=LONDON)


def utc(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# ---------------------------------------------------------------------------------------
# Life cycle
# ---------------------------------------------------------------------------------------

# Written out by hand from the brief, independent of r.TRANSITIONS.
EXPECTED = {
    ("draft", "submit"): "submitted",
    ("submitted", "claim"): "in_triage",
    ("in_triage", "claim"): "in_triage",
    ("in_triage", "allocate"): "allocated",
    ("in_triage", "signpost"): "signposted",
    ("in_triage", "decline"): "declined",
    ("in_triage", "request_info"): "info_requested",
    ("info_requested", "answer_info"): "in_triage",
    ("info_requested", "info_timeout"): "in_triage",
    ("allocated", "hand_back"): "in_triage",
    ("allocated", "close"): "closed",
    ("signposted", "close"): "closed",
    ("declined", "close"): "closed",
}
ALL_STATUSES = ["draft", "submitted", "in_triage", "info_requested", "allocated", "signposted", "declined", "closed"]
ALL_ACTIONS = [
    "submit", "claim", "allocate", "signpost", "decline", "request_info", "answer_info", "info_timeout", "hand_back", "close",
]


def test_status_and_action_constants_have_the_models_values():
    assert (r.DRAFT, r.SUBMITTED, r.IN_TRIAGE, r.INFO_REQUESTED) == ("draft", "submitted", "in_triage", "info_requested")
    assert (r.ALLOCATED, r.SIGNPOSTED, r.DECLINED, r.CLOSED) == ("allocated", "signposted", "declined", "closed")
    assert [
        r.SUBMIT, r.CLAIM, r.ALLOCATE, r.SIGNPOST, r.DECLINE, r.REQUEST_INFO, r.ANSWER_INFO, r.INFO_TIMEOUT, r.HAND_BACK, r.CLOSE,
    ] == ALL_ACTIONS
    assert list(r.STATUSES) == ALL_STATUSES
    assert list(r.ACTIONS) == ALL_ACTIONS


def test_status_values_match_the_models_choices():
    from referrals.models import Decision, Status

    assert sorted(Status.values) == sorted(r.STATUSES)
    # Triage decisions are named as the actions that carry them out.
    assert set(Decision.values) == {r.ALLOCATE, r.SIGNPOST, r.DECLINE, r.REQUEST_INFO}


def test_transition_table_is_exactly_the_life_cycle():
    assert r.TRANSITIONS == EXPECTED


@pytest.mark.parametrize("status,action", list(itertools.product(ALL_STATUSES, ALL_ACTIONS)))
def test_every_status_and_action_pair(status, action):
    if (status, action) in EXPECTED:
        assert r.next_status(status, action) == EXPECTED[(status, action)]
    else:
        with pytest.raises(r.TransitionNotAllowed) as exc:
            r.next_status(status, action)
        assert str(exc.value).startswith("A referral that is ")
        assert str(exc.value).endswith(".")
        assert exc.value.current == status
        assert exc.value.action == action


def test_refusal_reads_as_a_sentence():
    with pytest.raises(r.TransitionNotAllowed, match=r"^A referral that is allocated cannot be declined\.$"):
        r.next_status(r.ALLOCATED, r.DECLINE)
    with pytest.raises(r.TransitionNotAllowed, match=r"^A referral that is closed cannot be handed back\.$"):
        r.next_status(r.CLOSED, r.HAND_BACK)
    with pytest.raises(r.TransitionNotAllowed, match=r"^A referral that is still a draft cannot be claimed\.$"):
        r.next_status(r.DRAFT, r.CLAIM)


def test_transition_not_allowed_is_a_value_error():
    assert issubclass(r.TransitionNotAllowed, ValueError)
    with pytest.raises(ValueError):
        r.next_status(r.CLOSED, r.CLOSE)


@pytest.mark.parametrize("status,action", [("archived", "submit"), ("draft", "delete"), ("", ""), ("Draft", "submit")])
def test_unknown_status_or_action_is_refused(status, action):
    with pytest.raises(r.TransitionNotAllowed):
        r.next_status(status, action)


@pytest.mark.parametrize(
    "status,actions",
    [
        ("draft", ["submit"]),
        ("submitted", ["claim"]),
        ("in_triage", ["claim", "allocate", "signpost", "decline", "request_info"]),
        ("info_requested", ["answer_info", "info_timeout"]),
        ("allocated", ["hand_back", "close"]),
        ("signposted", ["close"]),
        ("declined", ["close"]),
        ("closed", []),
        ("nonsense", []),
    ],
)
def test_allowed_actions(status, actions):
    assert r.allowed_actions(status) == actions


def test_allowed_actions_agree_with_next_status():
    for status in ALL_STATUSES:
        for action in r.allowed_actions(status):
            r.next_status(status, action)  # raises if they disagree


def test_queue_statuses():
    assert r.QUEUE_STATUSES == ("submitted", "in_triage")
    assert r.is_in_queue("in_triage")
    assert not r.is_in_queue("info_requested")


def test_every_return_to_the_queue_lands_in_a_queue_status():
    for action in (r.ANSWER_INFO, r.INFO_TIMEOUT):
        assert r.next_status(r.INFO_REQUESTED, action) in r.QUEUE_STATUSES
    assert r.next_status(r.ALLOCATED, r.HAND_BACK) in r.QUEUE_STATUSES


# ---------------------------------------------------------------------------------------
# Triage deadline
# ---------------------------------------------------------------------------------------


def test_deadline_constants():
    assert r.WORKDAY_END == time(17, 0)
    assert r.URGENT_HOURS == 4
    assert r.CLAIM_LAPSE == timedelta(hours=2)
    assert r.INFO_WAIT_WORKING_DAYS == 5
    assert r.ACCOUNT_MAX_CHARS == 20000


@pytest.mark.parametrize(
    "received,due",
    [
        # Friday before the August bank holiday (Mon 31 Aug 2026), BST.
        (london(2026, 8, 28, 16, 30), london(2026, 9, 1, 17)),
        (london(2026, 8, 28, 17, 30), london(2026, 9, 2, 17)),
        # The 17:00 cut-off exactly.
        (london(2026, 8, 27, 16, 59), london(2026, 8, 28, 17)),
        (london(2026, 8, 27, 16, 59, 59, 999999), london(2026, 8, 28, 17)),
        (london(2026, 8, 27, 17, 0), london(2026, 9, 1, 17)),
        # Weekend and the bank holiday itself count from the next working day (Tue 1 Sep).
        (london(2026, 8, 29, 10), london(2026, 9, 2, 17)),
        (london(2026, 8, 31, 9), london(2026, 9, 2, 17)),
        # Early morning on a working day counts that day.
        (london(2026, 9, 1, 0, 1), london(2026, 9, 2, 17)),
        # GMT weekend.
        (london(2026, 11, 14, 10), london(2026, 11, 17, 17)),
        (london(2026, 11, 13, 16, 30), london(2026, 11, 16, 17)),
        # Christmas Day (Fri 25 Dec 2026) and Boxing Day substitute (Mon 28 Dec).
        (london(2026, 12, 24, 10), london(2026, 12, 29, 17)),
        (london(2026, 12, 24, 17, 30), london(2026, 12, 30, 17)),
        (london(2026, 12, 26, 12), london(2026, 12, 30, 17)),
        # New Year's Day (Fri 1 Jan 2027).
        (london(2026, 12, 31, 12), london(2027, 1, 4, 17)),
        (london(2026, 12, 31, 17, 1), london(2027, 1, 5, 17)),
        # Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar; BST starts Sun 28 Mar.
        (london(2027, 3, 25, 11), london(2027, 3, 30, 17)),
        (london(2027, 3, 25, 17), london(2027, 3, 31, 17)),
        (london(2027, 3, 26, 9), london(2027, 3, 31, 17)),
        # BST ends Sun 25 Oct 2026: received in BST, due in GMT.
        (london(2026, 10, 23, 10), london(2026, 10, 26, 17)),
    ],
)
def test_triage_deadline_one_working_day(received, due):
    deadline = r.triage_deadline(received, urgent=False)
    assert deadline == due
    assert deadline.utcoffset() == timedelta(0)
    assert deadline.astimezone(LONDON).time() == time(17, 0)


@pytest.mark.parametrize(
    "due_local,expected_utc",
    [
        (london(2026, 9, 1, 17), utc(2026, 9, 1, 16)),  # BST: 17:00 local is 16:00 UTC
        (london(2026, 11, 17, 17), utc(2026, 11, 17, 17)),  # GMT: the same
        (london(2027, 3, 30, 17), utc(2027, 3, 30, 16)),
        (london(2026, 10, 26, 17), utc(2026, 10, 26, 17)),
    ],
)
def test_deadline_is_17_00_local_in_bst_and_gmt(due_local, expected_utc):
    assert r.end_of_working_day(due_local.date()) == expected_utc
    assert r.end_of_working_day(due_local.date()).tzinfo == UTC


def test_deadline_uses_london_time_not_utc_for_the_cut_off():
    # 16:30 UTC on Fri 28 Aug 2026 is 17:30 BST: after the cut-off, so due Wed 2 Sep.
    assert r.triage_deadline(utc(2026, 8, 28, 16, 30), urgent=False) == london(2026, 9, 2, 17)
    # 16:30 UTC on Fri 13 Nov 2026 is 16:30 GMT: before it, so due Mon 16 Nov.
    assert r.triage_deadline(utc(2026, 11, 13, 16, 30), urgent=False) == london(2026, 11, 16, 17)
    # 23:30 UTC on Mon 31 Aug (the bank holiday) is 00:30 BST on Tue 1 Sep, a working day.
    assert r.triage_deadline(utc(2026, 8, 31, 23, 30), urgent=False) == london(2026, 9, 2, 17)


def test_deadline_accepts_any_aware_timezone():
    new_york = ZoneInfo("America/New_York")
    # 12:30 in New York on Fri 28 Aug 2026 is 17:30 in London.
    assert r.triage_deadline(datetime(2026, 8, 28, 12, 30, tzinfo=new_york), urgent=False) == london(2026, 9, 2, 17)


@pytest.mark.parametrize(
    "received",
    [
        london(2026, 8, 28, 16, 30),
        london(2026, 8, 29, 23, 0),  # Saturday night: urgent ignores working days
        london(2026, 8, 31, 10, 0),  # bank holiday
        london(2026, 12, 25, 12, 0),
        london(2027, 1, 15, 9, 0),
    ],
)
def test_urgent_deadline_is_four_hours_round_the_clock(received):
    deadline = r.triage_deadline(received, urgent=True)
    assert deadline == received + timedelta(hours=4)
    assert deadline.utcoffset() == timedelta(0)


def test_urgent_deadline_across_the_clocks_going_back():
    # 00:30 BST on Sun 25 Oct 2026 is 23:30 UTC Sat; four real hours later is 03:30 UTC = 03:30 GMT
    # (wall-clock arithmetic would wrongly give 04:30).
    received = london(2026, 10, 25, 0, 30)
    deadline = r.triage_deadline(received, urgent=True)
    assert deadline == utc(2026, 10, 25, 3, 30)
    assert deadline.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 10, 25, 3, 30)


def test_urgent_deadline_across_the_clocks_going_forward():
    # 23:00 GMT on Sat 27 Mar 2027; four real hours later is 03:00 UTC = 04:00 BST.
    deadline = r.triage_deadline(london(2027, 3, 27, 23, 0), urgent=True)
    assert deadline == utc(2027, 3, 28, 3, 0)
    assert deadline.astimezone(LONDON).replace(tzinfo=None) == datetime(2027, 3, 28, 4, 0)


@pytest.mark.parametrize("urgent", [True, False])
def test_naive_receipt_time_is_refused(urgent):
    with pytest.raises(ValueError):
        r.triage_deadline(datetime(2026, 8, 28, 16, 30), urgent=urgent)


@pytest.mark.parametrize(
    "at,day",
    [
        (london(2026, 8, 28, 16, 59), date(2026, 8, 28)),
        (london(2026, 8, 28, 17, 0), date(2026, 9, 1)),
        (london(2026, 8, 30, 12, 0), date(2026, 9, 1)),
        (london(2026, 9, 1, 0, 0), date(2026, 9, 1)),
    ],
)
def test_effective_working_day(at, day):
    assert r.effective_working_day(at) == day


# ---------------------------------------------------------------------------------------
# Queue sections
# ---------------------------------------------------------------------------------------

NOW = london(2026, 9, 1, 10, 0)


@pytest.mark.parametrize(
    "deadline,urgent,returned,section",
    [
        # Urgent (immediate risk of harm) beats everything, overdue included; unanswered is not urgent.
        (NOW - timedelta(minutes=5), True, False, "urgent"),
        (NOW - timedelta(days=7), True, True, "urgent"),
        (NOW - timedelta(minutes=5), None, False, "overdue"),
        # Then overdue beats the rest.
        (NOW - timedelta(seconds=1), False, False, "overdue"),
        (NOW - timedelta(days=2), False, True, "overdue"),
        # Exactly at the deadline is not yet overdue.
        (NOW, False, False, "due_today"),
        (NOW, True, False, "urgent"),
        # Urgent beats returned and due dates.
        (NOW + timedelta(hours=3), True, False, "urgent"),
        (NOW + timedelta(hours=3), True, True, "urgent"),
        (london(2026, 9, 3, 17), True, False, "urgent"),
        # Returned with more information beats due today / later.
        (london(2026, 9, 1, 17), False, True, "returned"),
        (london(2026, 9, 2, 17), False, True, "returned"),
        # By England date.
        (london(2026, 9, 1, 17), False, False, "due_today"),
        (london(2026, 9, 1, 23, 59), False, False, "due_today"),
        (london(2026, 9, 2, 0, 0), False, False, "due_later"),
        (london(2026, 9, 2, 17), False, False, "due_later"),
    ],
)
def test_queue_section(deadline, urgent, returned, section):
    assert r.queue_section(NOW, deadline, urgent, returned) == section


def test_due_today_compares_england_dates_not_utc_dates():
    # Now 23:30 BST Tue 1 Sep (22:30 UTC); deadline 00:30 BST Wed 2 Sep (23:30 UTC Tue): same UTC date.
    assert r.queue_section(utc(2026, 9, 1, 22, 30), utc(2026, 9, 1, 23, 30), False, False) == "due_later"
    # Now 00:30 BST Wed 2 Sep (23:30 UTC Tue); deadline 17:00 BST Wed (16:00 UTC Wed): different UTC dates.
    assert r.queue_section(utc(2026, 9, 1, 23, 30), utc(2026, 9, 2, 16, 0), False, False) == "due_today"


def test_overdue_is_judged_in_real_time_across_the_clock_change():
    # On Sun 25 Oct 2026 01:00-02:00 happens twice. A deadline at 01:45 BST (00:45 UTC) has passed
    # by 01:30 GMT (01:30 UTC), though 01:45 on the clock face is later than 01:30.
    deadline = london(2026, 10, 25, 1, 45).replace(fold=0)
    now = london(2026, 10, 25, 1, 30).replace(fold=1)
    assert r.queue_section(now, deadline, urgent=False, returned=False) == "overdue"
    assert r.queue_section(now.replace(fold=0), deadline, urgent=False, returned=False) == "due_today"


def test_section_order_and_labels():
    assert r.SECTION_ORDER == ("urgent", "overdue", "due_today", "due_later", "returned")
    assert set(r.SECTION_LABELS) == set(r.SECTION_ORDER)
    assert r.SECTION_LABELS == {
        "overdue": "Overdue",
        "urgent": "Urgent",
        "due_today": "Due today",
        "due_later": "Due later",
        "returned": "Returned with more information",
    }
    assert sorted(["returned", "due_today", "overdue"], key=r.section_rank) == ["overdue", "due_today", "returned"]


# ---------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------

ACTIVE = london(2026, 9, 1, 10, 0)


@pytest.mark.parametrize(
    "now,lapsed",
    [
        (ACTIVE, False),
        (ACTIVE + timedelta(hours=1, minutes=59, seconds=59), False),
        (ACTIVE + timedelta(hours=2) - timedelta(microseconds=1), False),
        (ACTIVE + timedelta(hours=2), True),
        (ACTIVE + timedelta(hours=2, seconds=1), True),
        (ACTIVE + timedelta(days=1), True),
    ],
)
def test_claim_lapses_at_exactly_two_hours(now, lapsed):
    assert r.claim_lapsed(ACTIVE, now) is lapsed


def test_claim_lapse_can_be_configured():
    assert r.claim_lapsed(ACTIVE, ACTIVE + timedelta(minutes=30), lapse=timedelta(minutes=30)) is True
    assert r.claim_lapsed(ACTIVE, ACTIVE + timedelta(minutes=29), lapse=timedelta(minutes=30)) is False


def test_claim_lapse_is_real_time_across_the_clock_change():
    # 00:30 BST to 01:30 GMT on Sun 25 Oct 2026 is two real hours.
    assert r.claim_lapsed(london(2026, 10, 25, 0, 30), london(2026, 10, 25, 1, 30, 0).replace(fold=1)) is True
    assert r.claim_lapsed(london(2026, 10, 25, 0, 30), london(2026, 10, 25, 1, 29).replace(fold=0)) is False


def test_a_claim_with_no_activity_recorded_has_lapsed():
    assert r.claim_lapsed(None, ACTIVE) is True


# ---------------------------------------------------------------------------------------
# More information
# ---------------------------------------------------------------------------------------

# Asked on Tue 25 Aug 2026. Working days after: Wed 26, Thu 27, Fri 28, (Mon 31 bank holiday),
# Tue 1 Sep, Wed 2 Sep: the fifth is Wed 2 Sep (it would be Tue 1 Sep without the holiday).
ASKED = london(2026, 8, 25, 15, 0)


@pytest.mark.parametrize(
    "now,expired",
    [
        (london(2026, 8, 25, 16), False),
        (london(2026, 8, 28, 17), False),
        (london(2026, 8, 31, 12), False),
        (london(2026, 9, 1, 23, 59), False),
        (london(2026, 9, 2, 0, 0), True),
        (london(2026, 9, 2, 9, 0), True),
        (london(2026, 9, 10, 9, 0), True),
    ],
)
def test_info_request_expires_after_five_working_days_across_a_bank_holiday(now, expired):
    assert r.info_request_expired(ASKED, now) is expired


def test_info_request_expiry_date():
    assert r.info_request_expires_on(ASKED) == date(2026, 9, 2)
    # Asked on Christmas Eve 2026: Tue 29, Wed 30, Thu 31 Dec, (Fri 1 Jan), Mon 4, Tue 5 Jan.
    assert r.info_request_expires_on(london(2026, 12, 24, 11)) == date(2027, 1, 5)


def test_info_request_expiry_uses_england_dates():
    # Asked 23:30 UTC Mon 24 Aug = 00:30 BST Tue 25 Aug. Now 22:30 UTC Tue 1 Sep = 23:30 BST Tue 1 Sep:
    # four working days by England dates (five by UTC dates).
    assert r.info_request_expired(utc(2026, 8, 24, 23, 30), utc(2026, 9, 1, 22, 30)) is False
    assert r.info_request_expired(utc(2026, 8, 24, 23, 30), utc(2026, 9, 1, 23, 0)) is True


# ---------------------------------------------------------------------------------------
# Allocation deadlines
# ---------------------------------------------------------------------------------------


def test_rag_constants():
    from referrals.models import Rag

    assert (r.RED, r.AMBER, r.GREEN) == ("red", "amber", "green")
    assert set(Rag.values) == {r.RED, r.AMBER, r.GREEN}


@pytest.mark.parametrize(
    "allocated,rag,due",
    [
        # Red: the same working day.
        (london(2026, 9, 1, 10), "red", london(2026, 9, 1, 17)),
        (london(2026, 9, 1, 16, 59), "red", london(2026, 9, 1, 17)),
        # Red after 17:00 on the Friday before the bank holiday, or at the weekend: Tue 1 Sep.
        (london(2026, 8, 28, 17, 0), "red", london(2026, 9, 1, 17)),
        (london(2026, 8, 29, 11), "red", london(2026, 9, 1, 17)),
        # Amber/green: the 2nd working day after the effective day.
        (london(2026, 8, 27, 10), "amber", london(2026, 9, 1, 17)),
        (london(2026, 8, 27, 10), "green", london(2026, 9, 1, 17)),
        (london(2026, 8, 27, 17, 30), "green", london(2026, 9, 2, 17)),
        (london(2026, 9, 1, 9), "amber", london(2026, 9, 3, 17)),
        # Christmas 2026, GMT.
        (london(2026, 12, 23, 10), "amber", london(2026, 12, 29, 17)),
        (london(2026, 12, 24, 18), "red", london(2026, 12, 29, 17)),
        # Easter 2027: allocated in GMT, due in BST.
        (london(2027, 3, 25, 10), "green", london(2027, 3, 31, 17)),
    ],
)
def test_accept_due(allocated, rag, due):
    result = r.accept_due(allocated, rag)
    assert result == due
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "accepted,rag,due",
    [
        # Fri 28 Aug 2026 (before 17:00): Tue 1, Wed 2, Thu 3, Fri 4, Mon 7 Sep.
        (london(2026, 8, 28, 10), "red", date(2026, 9, 1)),
        (london(2026, 8, 28, 10), "amber", date(2026, 9, 3)),
        (london(2026, 8, 28, 10), "green", date(2026, 9, 7)),
        # After 17:00 the effective day is Tue 1 Sep.
        (london(2026, 8, 28, 17, 30), "red", date(2026, 9, 2)),
        (london(2026, 8, 28, 17, 30), "amber", date(2026, 9, 4)),
        (london(2026, 8, 28, 17, 30), "green", date(2026, 9, 8)),
        # Wed 23 Dec 2026: Thu 24, Tue 29, Wed 30, Thu 31 Dec, Mon 4 Jan.
        (london(2026, 12, 23, 12), "red", date(2026, 12, 24)),
        (london(2026, 12, 23, 12), "amber", date(2026, 12, 30)),
        (london(2026, 12, 23, 12), "green", date(2027, 1, 4)),
    ],
)
def test_first_contact_due(accepted, rag, due):
    result = r.first_contact_due(accepted, rag)
    assert type(result) is date
    assert result == due


@pytest.mark.parametrize("rag", ["", "Red", "purple", None])
def test_unknown_rag_is_refused(rag):
    with pytest.raises(ValueError):
        r.accept_due(london(2026, 9, 1, 10), rag)
    with pytest.raises(ValueError):
        r.first_contact_due(london(2026, 9, 1, 10), rag)


# ---------------------------------------------------------------------------------------
# Age and re-referral
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dob,on,age",
    [
        (date(2001, 6, 15), date(2026, 6, 14), 24),
        (date(2001, 6, 15), date(2026, 6, 15), 25),
        (date(2001, 6, 15), date(2026, 12, 31), 25),
        (date(2010, 5, 17), date(2010, 5, 17), 0),
        (date(2010, 12, 31), date(2011, 1, 1), 0),
        # Born on 29 February: a year older on 1 March in a common year, on 29 February in a leap year.
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_on(dob, on, age):
    assert r.age_on(dob, on) == age


def test_age_before_birth_is_refused():
    with pytest.raises(ValueError):
        r.age_on(date(2010, 5, 17), date(2010, 5, 16))


@pytest.mark.parametrize(
    "dob,on,under",
    [
        (date(2001, 6, 15), date(2026, 6, 14), True),
        (date(2001, 6, 15), date(2026, 6, 15), False),
        # Born 29 Feb 2004: 25 on 1 Mar 2029.
        (date(2004, 2, 29), date(2029, 2, 28), True),
        (date(2004, 2, 29), date(2029, 3, 1), False),
    ],
)
def test_under_max_age_on_the_referral_date(dob, on, under):
    assert r.MAX_AGE == 25
    assert r.is_under_max_age(dob, on) is under


@pytest.mark.parametrize(
    "closed,referred,expected",
    [
        (date(2026, 3, 15), date(2027, 3, 15), True),  # exactly 12 months: inclusive
        (date(2026, 3, 15), date(2027, 3, 16), False),
        (date(2026, 3, 16), date(2027, 3, 15), True),
        (date(2027, 3, 15), date(2027, 3, 15), True),  # closed the same day
        (date(2027, 3, 16), date(2027, 3, 15), False),  # closed after this referral date
        (None, date(2027, 3, 15), False),
        # Month ends and leap years.
        (date(2026, 2, 28), date(2027, 2, 28), True),
        (date(2026, 2, 27), date(2027, 2, 28), False),
        (date(2024, 2, 29), date(2025, 2, 28), True),
        (date(2024, 2, 28), date(2025, 2, 28), True),
        (date(2024, 2, 27), date(2025, 2, 28), False),
        (date(2023, 2, 28), date(2024, 2, 29), True),
        (date(2023, 2, 27), date(2024, 2, 29), False),
        # Calendar months, not 365 days: 1 Mar 2023 to 1 Mar 2024 is 366 days.
        (date(2023, 3, 1), date(2024, 3, 1), True),
        (date(2026, 1, 31), date(2027, 1, 31), True),
        (date(2026, 1, 30), date(2027, 1, 31), False),
    ],
)
def test_is_re_referral(closed, referred, expected):
    assert r.is_re_referral(closed, referred) is expected


# ---------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------

UPN = "A123456789012"
OTHER_UPN = "B801200005001"


def person(**overrides):
    base = {
        "given_name": "Jordan",
        "family_name": "Taylor",
        "date_of_birth": date(2010, 5, 17),
        "postcode": "B1 1AA",
        "upn": UPN,
        "nhs_number": "9434765919",
    }
    base.update(overrides)
    return base


def stranger(**overrides):
    base = {
        "given_name": "Priya",
        "family_name": "Patel",
        "date_of_birth": date(2009, 1, 3),
        "postcode": "WV1 1AA",
        "upn": OTHER_UPN,
        "nhs_number": "4010232137",
    }
    base.update(overrides)
    return base


def test_match_reason_strings_and_weights():
    assert r.REASON_UPN == "Same unique pupil number"
    assert r.REASON_NHS == "Same NHS number"
    assert r.REASON_DOB_NAME == "Same date of birth and similar name"
    assert r.REASON_POSTCODE == "Same postcode"
    assert r.POSSIBLE_MATCH_THRESHOLD == 15


def test_everything_in_common():
    reasons = r.match_reasons(person(), person())
    assert reasons == ["Same unique pupil number", "Same NHS number", "Same date of birth and similar name", "Same postcode"]
    assert r.match_score(reasons) == 275


def test_nothing_in_common():
    reasons = r.match_reasons(person(), stranger())
    assert reasons == []
    assert r.match_score(reasons) == 0
    assert not r.is_possible_match(reasons)


def test_same_upn_only():
    reasons = r.match_reasons(person(), stranger(upn=UPN))
    assert reasons == ["Same unique pupil number"]
    assert r.match_score(reasons) == 100


def test_same_upn_ignores_case_and_spaces():
    assert r.match_reasons(person(), stranger(upn=" a123456789012 ")) == ["Same unique pupil number"]


def test_same_nhs_number_only():
    reasons = r.match_reasons(person(), stranger(nhs_number="943 476 5919"))
    assert reasons == ["Same NHS number"]
    assert r.match_score(reasons) == 100


def test_same_postcode_only_is_a_possible_match():
    reasons = r.match_reasons(person(), stranger(postcode="B1 1AA"))
    assert reasons == ["Same postcode"]
    assert r.match_score(reasons) == 15
    assert r.is_possible_match(reasons)


def test_empty_identifiers_never_match_each_other():
    blank = {"postcode": "", "upn": "", "nhs_number": ""}
    assert r.match_reasons(stranger(**blank), person(**blank, given_name="Sam", family_name="Okafor")) == []


@pytest.mark.parametrize(
    "candidate_names,known_names",
    [
        (("Jordan", "Taylor"), ("Jordan", "Taylor")),
        (("Taylor", "Jordan"), ("Jordan", "Taylor")),  # swapped
        (("Zoë", "Ó Briain"), ("Zoe", "O'Briain")),  # accents and punctuation
        (("ZOE", "o briain"), ("Zoë", "Ó-Briain")),
        (("Jordon", "Tayler"), ("Jordan", "Taylor")),  # similar spelling (0.83 each)
        (("Aisha", "Smith"), ("Aysha", "Smyth")),  # exactly 0.8 each: similar
        (("J", "Taylor"), ("Jordan", "Taylor")),  # same initial, identical family name
        (("Jo", "Taylor"), ("Jordan", "Taylor")),
        (("Mohammed", "Khan"), ("Muhammad", "Khan")),  # 0.75, but same initial and family name
        (("Katherine", "Smith"), ("Catherine", "Smith")),
        (("Siân", "Jones-Evans"), ("Sian", "Jones Evans")),
    ],
)
def test_same_date_of_birth_and_similar_name(candidate_names, known_names):
    candidate = stranger(given_name=candidate_names[0], family_name=candidate_names[1], date_of_birth=date(2010, 5, 17))
    known = person(given_name=known_names[0], family_name=known_names[1], postcode="", upn="", nhs_number="")
    reasons = r.match_reasons(candidate, known)
    assert reasons == ["Same date of birth and similar name"]
    assert r.match_score(reasons) == 60


@pytest.mark.parametrize(
    "candidate_names,known_names",
    [
        (("Gordon", "Taylor"), ("Jordan", "Taylor")),  # given names 0.67, different initials
        (("Sam", "Taylor"), ("Jordan", "Taylor")),
        (("Jordan", "Naylorson"), ("Jordan", "Taylor")),
        (("J", "Tayler"), ("Jordan", "Taylor")),  # initial only counts with an identical family name
        (("Priya", "Patel"), ("Jordan", "Taylor")),
        (("", ""), ("", "")),
        (("Jordan", ""), ("Jordan", "")),
    ],
)
def test_same_date_of_birth_but_different_name(candidate_names, known_names):
    candidate = stranger(given_name=candidate_names[0], family_name=candidate_names[1], date_of_birth=date(2010, 5, 17))
    known = person(given_name=known_names[0], family_name=known_names[1])
    assert r.match_reasons(candidate, known) == []


def test_same_name_but_different_or_unknown_date_of_birth():
    assert r.match_reasons(stranger(given_name="Jordan", family_name="Taylor"), person()) == []
    assert r.match_reasons(person(date_of_birth=None, upn="", nhs_number="", postcode=""), person(date_of_birth=None)) == []


def test_normalise_name():
    assert r.normalise_name("Zoë O'Brien-Smith") == "zoeobriensmith"
    assert r.normalise_name("  ÉLODIE ") == "elodie"
    assert r.normalise_name("Straße") == "strasse"
    assert r.normalise_name("") == ""


def test_match_score_refuses_unknown_reasons():
    with pytest.raises(ValueError):
        r.match_score(["Same shoe size"])


@pytest.mark.parametrize(
    "reasons,score,possible",
    [
        ([], 0, False),
        (["Same postcode"], 15, True),
        (["Same date of birth and similar name"], 60, True),
        (["Same date of birth and similar name", "Same postcode"], 75, True),
        (["Same unique pupil number", "Same NHS number"], 200, True),
    ],
)
def test_match_score(reasons, score, possible):
    assert r.match_score(reasons) == score
    assert r.is_possible_match(reasons) is possible


# ---------------------------------------------------------------------------------------
# Postcode
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,canonical",
    [
        ("b11aa", "B1 1AA"),  # A9 9AA
        ("B1 1AA", "B1 1AA"),
        ("  b 1 1 a a ", "B1 1AA"),
        ("B33 8TH", "B33 8TH"),  # A99 9AA
        ("cv1 5fb", "CV1 5FB"),  # AA9 9AA
        ("DY10 1AA", "DY10 1AA"),  # AA99 9AA
        ("W1A 1HQ", "W1A 1HQ"),  # A9A 9AA
        ("ec1a1bb", "EC1A 1BB"),  # AA9A 9AA
        ("SW1A 2AA", "SW1A 2AA"),
        ("gir0aa", "GIR 0AA"),
        ("GIR 0AA", "GIR 0AA"),
        ("WV1\t1AA", "WV1 1AA"),
        ("B11 AA", "B1 1AA"),  # a misplaced space: the inward code is always the last three
    ],
)
def test_valid_postcodes(raw, canonical):
    assert r.normalise_postcode(raw) == canonical
    assert r.postcode_is_valid(raw)
    assert len(canonical) <= 8  # the model's max_length


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "B1",
        "B1 1A",
        "B1 1AAA",
        "12345",
        "1B1 1AA",
        "ABC1 1AA",
        "B1-1AA",
        "QA1 1AA",  # Q is never first
        "BZ1 1AA",  # Z is never second
        "B1 1CA",  # C is never in the inward code
        "B1 1AV",  # nor V
        "W1I 1AA",  # I is not used in A9A districts
        "EC1Z 1BB",  # nor Z in AA9A districts
        "GIR 0AB",
        None,
        12345,
    ],
)
def test_invalid_postcodes(raw):
    with pytest.raises(ValueError, match="Enter a real postcode, like B1 1AA"):
        r.normalise_postcode(raw)
    assert not r.postcode_is_valid(raw)


# ---------------------------------------------------------------------------------------
# Unique pupil number (DfE check letter)
# ---------------------------------------------------------------------------------------


def test_upn_check_letter_worked_example():
    # Characters 2-13 "123456789012" times weights 2-13:
    # 1*2 + 2*3 + 3*4 + 4*5 + 5*6 + 6*7 + 7*8 + 8*9 + 9*10 + 0*11 + 1*12 + 2*13 = 368; 368 mod 23 = 0 -> "A".
    assert r.upn_check_letter("123456789012") == "A"
    # "801200005001": 8*2 + 1*4 + 2*5 + 5*10 + 1*13 = 93; 93 mod 23 = 1 -> "B".
    assert r.upn_check_letter("801200005001") == "B"
    # 330 (Birmingham) 4001 26 007: 3*2+3*3+0+4*5+0+0+1*8+2*9+6*10+0+0+7*13 = 212; 212 mod 23 = 5 -> "F".
    assert r.upn_check_letter("330400126007") == "F"


def test_upn_check_letter_skips_i_o_and_s():
    assert r.UPN_LETTERS == "ABCDEFGHJKLMNPQRTUVWXYZ"
    # One non-zero digit at a time, so the sum is easy to check by hand.
    assert r.upn_check_letter("000000000004") == "G"  # 4 * 13 = 52; 52 mod 23 = 6 -> G
    assert r.upn_check_letter("000000100000") == "J"  # 1 * 8 = 8 -> J (I is skipped)
    assert r.upn_check_letter("000000000010") == "N"  # 1 * 12 = 12 -> N
    assert r.upn_check_letter("000000000001") == "P"  # 1 * 13 = 13 -> P (O is skipped)
    assert r.upn_check_letter("000000200000") == "T"  # 2 * 8 = 16 -> T (S is skipped)
    assert r.upn_check_letter("000000004000") == "U"  # 4 * 10 = 40; 40 mod 23 = 17 -> U
    assert r.upn_check_letter("000000000008") == "N"  # 8 * 13 = 104; 104 mod 23 = 12 -> N
    assert r.upn_check_letter("000000000000") == "A"


def test_upn_check_letter_for_a_temporary_upn():
    # The final letter counts by its place in the check-letter list: B = 1, Z = 22.
    assert r.upn_check_letter("00000000000B") == "P"  # 1 * 13 = 13 -> P
    assert r.upn_check_letter("00000000000Z") == "L"  # 22 * 13 = 286; 286 mod 23 = 10 -> L
    assert r.upn_check_letter("00000000000A") == "A"


@pytest.mark.parametrize(
    "rest", ["12345678901", "1234567890123", "1234567890A2", "00000000000I", "00000000000O", "00000000000S", ""]
)
def test_upn_check_letter_refuses_a_malformed_body(rest):
    with pytest.raises(ValueError):
        r.upn_check_letter(rest)


@pytest.mark.parametrize(
    "raw,canonical",
    [
        ("A123456789012", "A123456789012"),
        ("a123456789012", "A123456789012"),
        (" A123 4567 89012 ", "A123456789012"),
        ("B801200005001", "B801200005001"),
        ("F330400126007", "F330400126007"),
        ("P00000000000B", "P00000000000B"),  # temporary
        ("L00000000000Z", "L00000000000Z"),
    ],
)
def test_valid_upns(raw, canonical):
    assert r.normalise_upn(raw) == canonical
    assert r.upn_is_valid(raw)


def test_synthetic_upns_built_with_the_helper_are_valid():
    for serial in range(0, 1000, 37):
        rest = f"3304001{26:02d}{serial:03d}"
        assert r.upn_is_valid(r.upn_check_letter(rest) + rest)


@pytest.mark.parametrize(
    "raw",
    [
        "B123456789012",  # wrong check letter
        "A123456789013",  # one digit changed
        "A213456789012",  # two digits swapped
        "A12345678901",  # 12 characters
        "A1234567890123",  # 14
        "I123456789012",  # I is never a check letter
        "1234567890123",
        "A12345678901A2",
        "A1234567890AB",
        "E00000000000I",
        "",
        None,
    ],
)
def test_invalid_upns(raw):
    assert not r.upn_is_valid(raw)
    with pytest.raises(ValueError):
        r.normalise_upn(raw)


# ---------------------------------------------------------------------------------------
# NHS number (modulus 11)
# ---------------------------------------------------------------------------------------


def _check_digit_by_hand(first9):
    """Modulus 11, worked independently of the code under test: weights 10 down to 2."""
    weights = [10, 9, 8, 7, 6, 5, 4, 3, 2]
    total = 0
    for digit, weight in zip(first9, weights, strict=True):
        total += int(digit) * weight
    check = 11 - (total % 11)
    return 0 if check == 11 else check


def test_nhs_check_digit_computed_from_the_algorithm():
    # 4*10 + 0*9 + 1*8 + 0*7 + 2*6 + 3*5 + 2*4 + 1*3 + 3*2 = 92; 92 mod 11 = 4; 11 - 4 = 7.
    assert _check_digit_by_hand("401023213") == 7
    assert r.nhs_check_digit("401023213") == 7
    assert r.nhs_number_is_valid("4010232137")
    for wrong in "012345689":
        assert not r.nhs_number_is_valid("401023213" + wrong)


def test_nhs_well_known_test_number():
    assert _check_digit_by_hand("943476591") == 9
    assert r.nhs_number_is_valid("9434765919")
    assert r.nhs_number_is_valid("943 476 5919")
    assert r.normalise_nhs_number("943 476 5919") == "9434765919"


def test_nhs_remainder_zero_gives_check_digit_zero():
    # 1*10 + 6*2 = 22; 22 mod 11 = 0; 11 - 0 = 11 -> 0.
    assert r.nhs_check_digit("100000006") == 0
    assert r.nhs_number_is_valid("1000000060")
    assert not r.nhs_number_is_valid("1000000061")


def test_nhs_check_digit_ten_is_never_valid():
    # 1*10 + 2*9 + ... + 9*2 = 210; 210 mod 11 = 1; 11 - 1 = 10: no NHS number starts 123456789.
    assert r.nhs_check_digit("123456789") is None
    for last in "0123456789":
        assert not r.nhs_number_is_valid("123456789" + last)


@pytest.mark.parametrize(
    "raw",
    [
        "9434765918",  # wrong check digit
        "4934765919",  # first two swapped
        "943476591",  # 9 digits
        "94347659190",  # 11 digits
        "94347659A9",
        "943-476-5919",
        "",
        None,
    ],
)
def test_invalid_nhs_numbers(raw):
    assert not r.nhs_number_is_valid(raw)
    with pytest.raises(ValueError, match="Enter a valid 10-digit NHS number"):
        r.normalise_nhs_number(raw)
