"""The demo's two cohorts: built through the services, with tier history, reviews (one overdue) and plans; once."""

import pytest

from cohorts import demo, rules
from cohorts.models import Cohort, CohortMembership, PlanAction, Review, TierChange
from core import clock
from partners.demo import seed_organisations_and_users
from tests.outcomes.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    orgs, users = seed_organisations_and_users()
    # The demo's referrals take long to seed; its cohorts need only young people of each area.
    for area in ("walsall", "birmingham", "coventry"):
        for _ in range(6):
            YoungPersonFactory(area=area)
    return orgs, users, demo.seed_cohorts(orgs, users)


def test_the_demo_has_a_walsall_pip4_cohort_and_a_scaled_operation_cohort(seeded):
    assert seeded[2] == 2
    walsall = Cohort.objects.get(name="Walsall youth at risk cohort 1")
    operation = Cohort.objects.get(name="Operation Kestrel (Birmingham West)")
    assert (walsall.area, walsall.tier_model, walsall.lead_organisation.name) == ("walsall", rules.PIP4, "YOS Walsall")
    assert (operation.area, operation.tier_model) == ("birmingham", rules.SCALED)
    assert operation.lead_organisation.name == "West Midlands Police – Birmingham West NPU"
    for cohort in (walsall, operation):
        members = CohortMembership.objects.filter(cohort=cohort)
        assert members.count() >= 3
        assert all(m.young_person.area == cohort.area for m in members)
        assert all(rules.is_valid_tier(cohort.tier_model, m.tier) for m in members)


def test_the_demo_cohorts_have_history_reviews_one_overdue_and_plans_in_every_state(seeded):
    today = clock.today()
    assert TierChange.objects.filter(kind="changed", review__isnull=True).exists()  # changed by hand
    assert TierChange.objects.filter(kind="changed", review__isnull=False).exists()  # decided at a review
    assert TierChange.objects.filter(kind="left").count() == 1
    assert Review.objects.count() >= 5
    overdue = [m for m in CohortMembership.objects.filter(left_on__isnull=True)
               if rules.review_state(m.next_review_on, today) == rules.OVERDUE]
    assert len(overdue) == 2  # one per cohort
    assert set(PlanAction.objects.values_list("status", flat=True)) == {"open", "done", "dropped"}
    assert set(PlanAction.objects.values_list("strand", flat=True)) == set(rules.STRANDS)
    assert any(rules.action_is_overdue(a.status, a.due_on, today) for a in PlanAction.objects.all())


def test_seeding_again_adds_nothing(seeded):
    orgs, users, _ = seeded
    before = (Cohort.objects.count(), CohortMembership.objects.count(), Review.objects.count(), PlanAction.objects.count())
    assert demo.seed_cohorts(orgs, users) == 0
    assert (Cohort.objects.count(), CohortMembership.objects.count(), Review.objects.count(),
            PlanAction.objects.count()) == before
