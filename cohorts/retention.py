"""Retention for cohorts (see referrals/retention.py for the rule and the job, which finds this module itself).

A young person still in a cohort has open work: their records wait. Leaving a cohort is activity, from which the
retention period runs. Kept for the figures: cohorts, tiers and their history (from, to, when), dates, review
dates and tier decisions, plan actions' P, owner, due date and status. Removed: what people wrote (why the young
person joined, left or changed tier, review summaries, plan actions' descriptions and notes), and the messages
that named the member.
"""

from django.db.models import Exists, Value

from referrals import retention as core

from .models import CohortMembership, PlanAction, Review, TierChange

ACTION_REMOVED = "Action (details removed under the retention rule)"


def _activity():
    return {"last_cohort_exit": core.latest(CohortMembership.objects.filter(core.of_person()), "left_on")}


def _open_work():
    return [Exists(CohortMembership.objects.filter(core.of_person(), left_on__isnull=True))]


def _anonymise(batch: core.Batch) -> dict[str, int]:
    members = CohortMembership.objects.filter(young_person_id__in=batch.people)
    member_ids = list(members.values_list("pk", flat=True))
    counts = {
        "blanked_cohort_membership": members.filter(core.has_text("reason", "left_reason")).update(
            reason=core.redacted("reason"), left_reason=core.redacted("left_reason")),
        "blanked_plan_action": PlanAction.objects.filter(membership_id__in=member_ids).update(
            description=Value(ACTION_REMOVED), status_note=core.redacted("status_note")),
    }
    # Reviews and tier history are append-only for people; retention is the one writer allowed to blank their prose.
    counts["blanked_cohort_review"] = core.blank_append_only(Review.objects.filter(membership_id__in=member_ids), "summary")
    counts["blanked_tier_change"] = core.blank_append_only(TierChange.objects.filter(membership_id__in=member_ids), "reason")
    batch.forget_notifications(("cohort-member",), member_ids)
    return counts


core.register(core.Handler(name="cohorts", anonymise=_anonymise, activity=_activity, open_work=_open_work))
