"""The caseload's next due date, stored on a diversion case's intervention: the earliest pending condition.

Every service that adds a condition or changes one's status or due date calls keep() for the cases it touched,
in its own transaction: one UPDATE, however many cases (the daily sweep passes all of its own at once).
tests/outcomes/test_next_due.py holds the stored date to the one worked out from the conditions.
"""

from django.db.models import OuterRef, Subquery

from .models import Condition, ConditionStatus, Intervention


def earliest_pending():
    return Subquery(Condition.objects.filter(case_id=OuterRef("case_id"), status=ConditionStatus.PENDING)
                    .order_by("due_on").values("due_on")[:1])


def keep(case_ids):
    ids = [getattr(case, "pk", case) for case in case_ids]
    if ids:
        Intervention.objects.filter(case_id__in=ids).update(next_due=earliest_pending())
