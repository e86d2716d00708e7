"""The daily "cohort_reviews" job: a review due today or overdue is flagged once per review date to the managers of
the cohort's lead organisation and to the VRU person who created the cohort; nothing before it is due."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from cohorts import services
from jobs import registry
from notifications.models import Notification, OutboxMessage
from partners.access import acting_for

from .factories import make_member

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def morning(day):
    return datetime.datetime(day.year, day.month, day.day, 6, 30, tzinfo=LONDON)


def told(user):
    return sorted(Notification.objects.filter(user=user, kind="cohort_review").values_list("key", flat=True))


def test_a_review_is_flagged_on_its_day_once_to_the_lead_managers_and_the_cohorts_creator(
        cohort, triager, yos_manager, caseworker, decision_maker, person):
    member = make_member(cohort, by=triager, young_person=person, next_review_on=datetime.date(2026, 11, 24))
    assert registry.run("cohort_reviews", now=morning(datetime.date(2026, 11, 23))).counts["notifications"] == 0
    first = registry.run("cohort_reviews", now=morning(datetime.date(2026, 11, 24)))
    assert first.counts == {"due": 1, "flagged": 1, "notifications": 2}
    key = f"cohort-member:{member.pk}:review:2026-11-24"
    assert told(yos_manager) == told(triager) == [key]
    assert told(caseworker) == told(decision_maker) == []  # caseworkers and partners are not told
    # Run again that morning and the next day: the same review is not flagged twice.
    assert registry.run("cohort_reviews", now=morning(datetime.date(2026, 11, 24))).counts["notifications"] == 0
    again = registry.run("cohort_reviews", now=morning(datetime.date(2026, 11, 25)))
    assert again.counts == {"due": 1, "flagged": 0, "notifications": 0}
    note = Notification.objects.get(user=yos_manager)
    assert note.subject == f"Record the review of member {member.pk} of Walsall youth at risk 1 today, 24 November"
    assert person.given_name not in note.body + note.subject and person.family_name not in note.body + note.subject
    assert note.url == f"/cohort-members/{member.pk}/"
    assert OutboxMessage.objects.filter(notification__kind="cohort_review").count() == 2


def test_after_a_review_the_next_date_is_flagged_in_its_turn(cohort, triager, yos_manager, yos):
    member = make_member(cohort, by=triager, next_review_on=datetime.date(2026, 11, 24))
    registry.run("cohort_reviews", now=morning(datetime.date(2026, 11, 24)))
    services.record_review(acting_for(triager), member, held_on=datetime.date(2026, 11, 24), attendees=[yos],
                           summary="Reviewed.", tier_decision=3, now=morning(datetime.date(2026, 11, 24)))
    assert registry.run("cohort_reviews", now=morning(datetime.date(2026, 12, 21))).counts["due"] == 0
    assert registry.run("cohort_reviews", now=morning(datetime.date(2026, 12, 22))).counts["notifications"] == 2
    assert told(yos_manager) == [f"cohort-member:{member.pk}:review:2026-11-24",
                                 f"cohort-member:{member.pk}:review:2026-12-22"]


def test_overdue_reviews_are_flagged_but_not_those_of_members_who_left_or_closed_cohorts(cohort, triager, yos_manager):
    overdue = make_member(cohort, by=triager, next_review_on=datetime.date(2026, 11, 2))
    left = make_member(cohort, by=triager, next_review_on=datetime.date(2026, 11, 2))
    services.remove_member(acting_for(triager), left, reason="Moved away.", now=morning(datetime.date(2026, 11, 20)))
    make_member(cohort.__class__.objects.create(
        name="Closed", area="walsall", tier_model="pip4", lead_organisation=cohort.lead_organisation, created_by=triager,
        active=False), by=triager, next_review_on=datetime.date(2026, 11, 2))
    run = registry.run("cohort_reviews", now=morning(datetime.date(2026, 11, 24)))
    assert run.counts == {"due": 1, "flagged": 1, "notifications": 2}
    assert told(yos_manager) == [f"cohort-member:{overdue.pk}:review:2026-11-02"]
    note = Notification.objects.get(user=yos_manager)
    assert note.subject.startswith(f"Record the overdue review of member {overdue.pk}")
    assert "was due on 2 November 2026" in note.body


def test_a_manager_deactivated_in_the_lead_organisation_is_not_told(cohort, triager, yos_manager, person):
    from partners.models import Membership

    Membership.objects.filter(user=yos_manager).update(active=False)
    make_member(cohort, by=triager, young_person=person, next_review_on=datetime.date(2026, 11, 24))
    registry.run("cohort_reviews", now=morning(datetime.date(2026, 11, 24)))
    assert told(yos_manager) == []
    assert told(triager) != []
