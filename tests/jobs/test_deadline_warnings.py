"""Return-to-police deadline warnings fire on the 28, 14, 7 and 1-day marks exactly, once each."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jobs import registry
from notifications.models import Notification
from tests.outcomes.factories import make_case

pytestmark = pytest.mark.django_db


def test_warnings_fire_exactly_on_the_marks_and_once(yos, police, decision_maker, caseworker):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker)
    deadline = case.return_deadline
    fired = {}
    for days_before in range(35, -2, -1):
        day = deadline - timedelta(days=days_before)
        now = datetime(day.year, day.month, day.day, 6, 15, tzinfo=ZoneInfo("Europe/London"))
        told = registry.run("deadline_warnings", now=now).counts["told"]
        registry.run("deadline_warnings", now=now + timedelta(minutes=1))  # a second run that morning
        if told:
            fired[days_before] = told
    # Both the lead agency's caseworker and the decision maker, on each mark only.
    assert fired == {28: 2, 14: 2, 7: 2, 1: 2}
    subjects = list(Notification.objects.filter(user=caseworker, kind="deadline").values_list("subject", flat=True))
    assert sorted(s.split(" to the")[0] for s in subjects) == ["1 day", "14 days", "28 days", "7 days"]


def test_a_case_already_received_by_police_is_not_warned(yos, police, decision_maker):
    from django.utils import timezone

    case = make_case(lead=yos, police=police, decision_maker=decision_maker, status="re_referred")
    case.return_to_police.received_at = timezone.now()
    case.return_to_police.save()
    day = case.return_deadline - timedelta(days=7)
    now = datetime(day.year, day.month, day.day, 6, 15, tzinfo=ZoneInfo("Europe/London"))
    assert registry.run("deadline_warnings", now=now).counts == {"cases": 0, "told": 0, "deadline_missed": 0}


def test_a_deadline_passed_before_police_received_the_case_is_flagged_once(client, yos, police, decision_maker):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, status="re_referred")
    day = case.return_deadline + timedelta(days=1)
    now = datetime(day.year, day.month, day.day, 6, 15, tzinfo=ZoneInfo("Europe/London"))
    assert registry.run("deadline_warnings", now=now - timedelta(days=1)).counts["deadline_missed"] == 0
    assert registry.run("deadline_warnings", now=now).counts["deadline_missed"] == 1
    assert registry.run("deadline_warnings", now=now + timedelta(days=1)).counts["deadline_missed"] == 0
    case.refresh_from_db()
    assert case.deadline_missed_on == day
    assert case.events.filter(kind="deadline_missed").count() == 1
    client.force_login(decision_maker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Deadline missed" in page
