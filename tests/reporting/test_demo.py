"""The demo's 18 months of history: enough, and consistent enough, for the figures to show trends; seeded once."""

import datetime

import pytest
from django.utils import timezone

from core import clock
from outcomes.models import CaseEvent, DiversionCase, Intervention, Session
from partners.access import Acting, acting_for, visible
from partners.demo import seed_organisations_and_users
from referrals.models import Allocation, Referral, YoungPerson
from reporting import demo, rules, selectors
from reporting.models import AreaPopulation

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    orgs, users = seed_organisations_and_users()
    added = demo.seed_history(orgs, users)
    demo.seed_population()
    return orgs, users, added


def test_history_for_the_figures(seeded):
    """The one volume test here: 18 months with a trend, consistent with the services, a population, seeded once."""
    orgs, users, added = seeded
    today = clock.today()
    assert added["referrals"] == Referral.objects.count() > 18 * 30
    this_month = today.replace(day=1)
    period = rules.Period(rules.preset_period("last_12_months", today).start - datetime.timedelta(days=183), this_month)
    figures = {f.slug: f for f in selectors.section(acting_for(users["manager@vru.example.org"]), "referrals", period).figures}
    months = figures["monthly"].series
    assert len(months) == 18 and all(n > 15 for _, n in months)
    assert len({n for _, n in months}) > 6  # it moves: a rising trend, fewer in the holidays
    assert Referral.objects.values("reference").distinct().count() == Referral.objects.count()

    def sizes():
        return [model.objects.count() for model in (Referral, DiversionCase, Intervention, AreaPopulation)]

    before = sizes()
    assert demo.seed_history(orgs, users) == {}
    assert demo.seed_population() == 0
    assert sizes() == before

    now = timezone.now()
    # Nothing waits in the triage queue or on a partner, and nothing is dated in the future.
    assert not Referral.objects.filter(status__in=["submitted", "in_triage", "info_requested"]).exists()
    assert not Allocation.objects.filter(state="pending").exists()
    assert not CaseEvent.objects.filter(at__gt=now).exists() and not Session.objects.filter(held_on__gt=today).exists()
    assert not DiversionCase.objects.exclude(status__in=["completed", "outcome_recorded"]).exists()
    # Every referral decided once at least, by its first decision; hand-backs sent back to the queue and decided again.
    assert not Referral.objects.filter(first_decided_at__isnull=True).exists()
    assert Allocation.objects.filter(state="handed_back").exists()
    # A partner sees the referrals it accepted and their young people; a case's lead agency and force its young person.
    accepted = Allocation.objects.filter(state="accepted").select_related("organisation", "referral")[:20]
    for allocation in accepted:
        partner = Acting(user=None, organisation=allocation.organisation)
        assert visible(partner, Referral.objects.filter(pk=allocation.referral_id)).exists()
        assert visible(partner, YoungPerson.objects.filter(pk=allocation.referral.young_person_id)).exists()
    for case in DiversionCase.objects.select_related("lead_organisation", "police_organisation")[:20]:
        for organisation in (case.lead_organisation, case.police_organisation):
            assert visible(Acting(user=None, organisation=organisation), YoungPerson.objects.filter(
                pk=case.young_person_id)).exists()

    # The population: 7 areas x 19 ethnic groups (not "not stated") x 5 age bands.
    assert AreaPopulation.objects.count() == 7 * 19 * 5
    birmingham = sum(AreaPopulation.objects.filter(area="birmingham").values_list("count", flat=True))
    assert 235_000 < birmingham < 250_000
