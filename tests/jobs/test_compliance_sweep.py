"""The daily compliance sweep puts missed cases at risk and proposes finished ones for closure, once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jobs import registry
from notifications.models import Notification
from outcomes.models import Assessment, Session
from tests.outcomes.factories import make_case

pytestmark = pytest.mark.django_db


def _morning(day):
    return datetime(day.year, day.month, day.day, 6, 0, tzinfo=ZoneInfo("Europe/London"))


def test_the_sweep_marks_missed_cases_at_risk_and_proposes_completed_ones_once(yos, police, decision_maker, caseworker):
    missed = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 7, 1))
    done = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 7, 1))
    intervention = done.interventions.get()
    Assessment.objects.create(intervention=intervention, kind="checkpoint", completed_on=date(2026, 7, 3),
                              recorded_by=caseworker)
    for i in range(done.conditions.get(kind="sessions").target):
        Session.objects.create(intervention=intervention, held_on=date(2026, 7, 6) + timedelta(days=7 * i),
                               attendance="attended", recorded_by=caseworker)
    when = _morning(done.end_date)
    run = registry.run("compliance_sweep", now=when)
    assert run.counts == {"checked": 2, "at_risk": 1, "closure_proposed": 1}
    missed.refresh_from_db()
    done.refresh_from_db()
    assert missed.status == "at_risk" and done.status == "closure_proposed"
    assert Notification.objects.filter(user=decision_maker, kind="closure").count() == 1
    again = registry.run("compliance_sweep", now=when + timedelta(minutes=5))
    assert again.counts == {"checked": 1, "at_risk": 0, "closure_proposed": 0}
    assert Notification.objects.filter(user=decision_maker, kind="closure").count() == 1
