"""The morning digest and escalations: on the right mornings, to the right people, exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jobs import registry
from notifications.models import Notification
from partners.access import acting_for
from referrals import services
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*args):
    return datetime(*args, tzinfo=LONDON)


def submit(user, now):
    acting = acting_for(user)
    return services.submit_referral(acting, services.save_draft(acting, referral_data(), now=now), now=now)


def test_a_friday_afternoon_referral_before_the_august_bank_holiday_is_overdue_on_wednesday_morning(
        referrer, triager, vru_manager):
    referral = submit(referrer, at(2026, 8, 28, 16, 30))
    with time_machine.travel(at(2026, 8, 31, 7, 30), tick=False):  # bank holiday: no digest at all
        assert registry.run("triage_digest").counts == {"digest": 0, "escalated": 0}
    with time_machine.travel(at(2026, 9, 1, 7, 30), tick=False):  # Tuesday: due today, not overdue
        assert registry.run("triage_digest").counts == {"digest": 1, "escalated": 0}
        digest = Notification.objects.get(user=triager, kind="digest")
        assert "Overdue: 0." in digest.body and "Due today: 1." in digest.body
    with time_machine.travel(at(2026, 9, 2, 7, 30), tick=False):  # Wednesday: overdue, escalated to the lead
        assert registry.run("triage_digest").counts == {"digest": 1, "escalated": 1}
        escalation = Notification.objects.get(user=vru_manager, kind="escalation")
        assert referral.reference in escalation.subject
        # Run again the same morning: nothing new is sent.
        assert registry.run("triage_digest").counts == {"digest": 0, "escalated": 0}
    assert Notification.objects.filter(kind="escalation").count() == 1
    assert Notification.objects.filter(user=triager, kind="digest").count() == 2


def test_late_allocations_are_escalated_to_the_partner_manager_once(referrer, triager, yos):
    from tests.factories import member

    manager = member(role="manager", organisation=yos)
    referral = submit(referrer, at(2026, 11, 23, 10, 0))
    services.claim(acting_for(triager), referral, now=at(2026, 11, 23, 11, 0))
    services.decide(acting_for(triager), referral, decision="allocate", rag="amber", organisation=yos,
                    programme="Mentoring", now=at(2026, 11, 23, 11, 0))
    now = at(2026, 11, 25, 17, 1)  # the second working day's 17:00 has passed
    assert services.escalate_late_allocations(now=now - timedelta(minutes=2)) == {"late": 0, "told": 0}
    assert services.escalate_late_allocations(now=now) == {"late": 1, "told": 1}
    assert services.escalate_late_allocations(now=now) == {"late": 1, "told": 0}
    assert Notification.objects.get(user=manager, kind="escalation").subject.startswith("Accept or hand back the allocation for")


def test_a_triager_deactivated_in_the_vru_gets_no_digest(referrer, triager, vru):
    from partners.models import Membership
    from tests.factories import member

    colleague = member(role="triager", organisation=vru, email="triager2@test.example.org")
    Membership.objects.filter(user=triager).update(active=False)
    submit(referrer, at(2026, 9, 1, 16, 30))
    with time_machine.travel(at(2026, 9, 2, 7, 30), tick=False):
        assert registry.run("triage_digest").counts["digest"] == 1
    assert not Notification.objects.filter(user=triager, kind="digest").exists()
    assert Notification.objects.filter(user=colleague, kind="digest").exists()
