"""Many events at once (the names a list shows, a job's changes): the same trail as one event at a time."""

import pytest

from partners import audit
from partners.access import acting_for
from partners.models import AuditAction, AuditEvent
from tests.referrals.test_hand_back_visibility import allocated_to

pytestmark = pytest.mark.django_db

SAME = ("actor_id", "actor_email", "organisation_id", "action", "object_type", "object_id", "young_person_id",
        "ip_address", "detail")


def trail(events):
    return [tuple(getattr(event, name) for name in SAME) for event in events]


def test_many_events_read_as_the_same_rows_as_one_at_a_time(referrer, triager, yos, django_assert_num_queries):
    referral, allocation = allocated_to(yos, referrer, triager)
    acting = acting_for(triager)
    items = [(referral, {"list": "Triage queue"}), (referral.young_person, {"list": "Triage queue"}),
             (allocation, None)]
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    for obj, detail in items:
        audit.record(acting, AuditAction.VIEW, obj, detail=detail)
    one_by_one = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
    with django_assert_num_queries(1):
        assert audit.record_many(acting, AuditAction.VIEW, items) == 3
    many = list(AuditEvent.objects.filter(pk__gt=one_by_one[-1].pk).order_by("pk"))

    assert trail(many) == trail(one_by_one)
    assert trail(many)[1][6] == referral.young_person_id  # the young person's own trail finds the name shown
    assert all(event.occurred_at >= one_by_one[-1].occurred_at for event in many)


def test_a_job_writes_events_with_no_one_acting_and_nothing_when_there_is_nothing(referrer, triager, yos,
                                                                                  django_assert_num_queries):
    referral, _ = allocated_to(yos, referrer, triager)
    with django_assert_num_queries(0):
        assert audit.record_many(None, AuditAction.UPDATE, []) == 0
    audit.record_many(None, AuditAction.UPDATE, [(referral, {"action": "mark_at_risk", "missed": [3, 4]})])
    event = AuditEvent.objects.latest("pk")
    assert (event.actor_id, event.actor_email, event.organisation_id) == (None, "", None)
    assert event.detail == {"action": "mark_at_risk", "missed": [3, 4]}
    assert event.young_person_id == referral.young_person_id
