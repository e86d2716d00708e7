"""Cohorts for tests (synthetic data only).

Most tests go through cohorts.services as a person would; `make_cohort` and `make_member` write straight to the
database for tests that need many rows (query counts) or a state in the past.
"""

import datetime
from zoneinfo import ZoneInfo

from cohorts import rules
from cohorts.models import Cohort, CohortMembership, PlanAction, TierChange
from tests.outcomes.factories import YoungPersonFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)  # a Tuesday
TODAY = NOW.date()


def make_cohort(*, by, lead, partners=(), name=None, tier_model=rules.PIP4, area="birmingham", review_weeks=4):
    cohort = Cohort.objects.create(name=name or f"Cohort {Cohort.objects.count() + 1}", area=area, tier_model=tier_model,
                                   lead_organisation=lead, review_weeks=review_weeks, created_by=by)
    cohort.partner_organisations.set(partners)
    return cohort


def make_member(cohort, *, by, young_person=None, tier=3, joined_on=datetime.date(2026, 11, 2), lead_agency=None,
                next_review_on=None, actions=0):
    member = CohortMembership.objects.create(
        cohort=cohort, young_person=young_person or YoungPersonFactory(), tier=tier,
        lead_agency=lead_agency or cohort.lead_organisation, reason="Seen with an older group linked to knife crime.",
        joined_on=joined_on, next_review_on=next_review_on or rules.next_review_on(joined_on, cohort.review_weeks),
        added_by=by,
    )
    TierChange.objects.create(membership=member, kind="joined", to_tier=tier, reason=member.reason, by=by)
    for i in range(actions):
        PlanAction.objects.create(membership=member, strand=list(rules.STRANDS)[i % 4], description=f"Action {i}",
                                  owner=cohort.lead_organisation, due_on=joined_on + datetime.timedelta(days=7 * (i + 1)),
                                  created_by=by)
    return member


def cohort_with_member(*, by, lead, partners=(), young_person=None):
    """A cohort with one member and one plan action: for the permission matrix's records of other organisations."""
    cohort = make_cohort(by=by, lead=lead, partners=partners, name=f"Cohort of {lead.name}")
    member = make_member(cohort, by=by, young_person=young_person, actions=1)
    return cohort, member, member.plan_actions.get()
