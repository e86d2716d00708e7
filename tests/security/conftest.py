from types import SimpleNamespace

import pytest
from django.utils import timezone

from partners.access import acting_for
from partners.models import OrganisationKind as K
from partners.models import Role
from referrals import services
from referrals.models import PossibleMatch
from tests.cohorts.factories import cohort_with_member
from tests.factories import OrganisationFactory, member
from tests.outcomes.factories import make_case
from tests.referrals.factories import referral_data


@pytest.fixture
def org_admin(vru):
    return member(role=Role.ORG_ADMIN, organisation=vru, email="admin@test.example.org")


@pytest.fixture
def objects(referrer, triager):
    """Records of school A, and an allocation to a YOS that is not the caseworker's. Later issues add to this."""
    now = timezone.now()
    school, vru = acting_for(referrer), acting_for(triager)
    draft = services.save_draft(school, referral_data(), now=now)
    known = services.submit_referral(school, services.save_draft(school, referral_data(given_name="Known"), now=now), now=now)
    referral = services.submit_referral(school, services.save_draft(school, referral_data(given_name="Known"), now=now), now=now)
    allocated = services.submit_referral(school, services.save_draft(school, referral_data(given_name="Sam"), now=now), now=now)
    other_yos = OrganisationFactory(kind=K.YOS, name="Other YOS")
    other_police = OrganisationFactory(kind=K.POLICE, name="Other police NPU")
    other_decider = member(kind=K.POLICE, role=Role.DECISION_MAKER, organisation=other_police)
    # A diversion case led by another YOS for another force: nobody in the role fixtures but the VRU may see it.
    case = make_case(lead=other_yos, police=other_police, decision_maker=other_decider)
    re_referred = make_case(lead=other_yos, police=other_police, decision_maker=other_decider, status="re_referred")
    services.claim(vru, allocated, now=now)
    services.decide(vru, allocated, decision="allocate", rag="amber", organisation=other_yos, programme="Mentoring", now=now)
    allocation = allocated.allocations.get()
    # A cohort led by the other YOS with the other police NPU as partner: only the VRU may see it.
    cohort, cohort_member, plan_action = cohort_with_member(by=triager, lead=other_yos, partners=[other_police],
                                                            young_person=referral.young_person)
    return SimpleNamespace(
        draft=draft, referral=referral, known=known, allocated=allocated, allocation=allocation,
        match=PossibleMatch.objects.filter(referral=referral).first(),
        # An entry a person of the VRU wrote (a system entry such as "Draft started" has nothing to correct).
        event=allocated.events.get(kind="allocated"), young_person=referral.young_person,
        case=case, re_referred=re_referred, condition=case.conditions.first(), intervention=case.interventions.get(),
        session=None, cohort=cohort, cohort_member=cohort_member, plan_action=plan_action,
    )
