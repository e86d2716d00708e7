"""Retention reaches cohorts: a young person still in a cohort waits; one who left long ago is anonymised with what
people wrote about them in the cohort removed, and their tiers and dates kept for the figures."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from cohorts import services
from cohorts.models import CohortMembership, PlanAction, Review, TierChange
from jobs import registry
from notifications.models import Notification
from partners.access import acting_for
from referrals.retention_rules import REMOVED
from tests.outcomes.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_a_member_who_left_long_ago_is_anonymised_and_one_still_in_a_cohort_waits(triager, cohort, yos):
    vru = acting_for(triager)
    gone, staying = (YoungPersonFactory(given_name=name, date_of_birth=datetime.date(2000, 3, 14)) for name in ("Kit", "Lee"))
    members = [services.add_member(vru, cohort, young_person=person, tier=3, lead_agency=yos, now=at(datetime.date(2019, 5, 1)),
                                   reason=f"{person.given_name} was seen with a knife at the bus station.")
               for person in (gone, staying)]
    for member in members:
        services.change_tier(vru, member, tier=2, reason=f"{member.young_person.given_name} was arrested.",
                             now=at(datetime.date(2019, 5, 10)))
        services.record_review(vru, member, held_on=datetime.date(2019, 5, 29), attendees=[yos], tier_decision=2,
                               summary=f"{member.young_person.given_name} is attending school.",
                               now=at(datetime.date(2019, 5, 29)))
        services.add_plan_action(vru, member, strand="prevent", description=f"Mentoring for {member.young_person.given_name}",
                                 owner=yos, due_on=datetime.date(2019, 7, 1), now=at(datetime.date(2019, 6, 1)))
    registry.run("cohort_reviews", now=at(datetime.date(2019, 7, 1), 6))
    services.remove_member(vru, members[0], reason="Kit moved to Leeds.", now=at(datetime.date(2020, 1, 10)))

    run = registry.run("retention", now=at(datetime.date(2026, 3, 2)))
    assert run.counts["people_anonymised"] == 1, run.counts
    gone.refresh_from_db()
    staying.refresh_from_db()
    assert gone.anonymised_at is not None and staying.anonymised_at is None
    member = CohortMembership.objects.get(young_person=gone)
    assert (member.reason, member.left_reason, member.tier, member.left_on) == (REMOVED, REMOVED, 2,
                                                                               datetime.date(2020, 1, 10))
    assert [(t.kind, t.from_tier, t.to_tier, t.reason) for t in TierChange.objects.filter(membership=member)] == [
        ("joined", None, 3, REMOVED), ("changed", 3, 2, REMOVED), ("left", 2, None, REMOVED)]
    assert Review.objects.get(membership=member).summary == REMOVED
    assert "Kit" not in PlanAction.objects.get(membership=member).description
    assert not Notification.objects.filter(key__startswith=f"cohort-member:{member.pk}:").exists()
    kept = CohortMembership.objects.get(young_person=staying)
    assert kept.reason == "Lee was seen with a knife at the bus station."
    assert Notification.objects.filter(key__startswith=f"cohort-member:{kept.pk}:").exists()
