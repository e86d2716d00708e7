"""A referral's live partner (the organisation that sees it by its allocation) is kept by the database from the
allocations, whatever wrote them: the pages' services, a stale copy of the referral saved afterwards, or a data
fix that updates allocations directly. The partner's list follows it."""

import pytest
from django.utils import timezone

from partners.access import acting_for, visible
from partners.models import Organisation
from referrals import services
from referrals.models import Allocation, Referral
from tests.referrals.test_hand_back_visibility import allocated_to

pytestmark = pytest.mark.django_db


def live_partner(referral):
    return Referral.objects.values_list("live_partner__name", flat=True).get(pk=referral.pk)


def listed_for(user):
    return set(visible(acting_for(user), Referral.objects.all()).values_list("pk", flat=True))


def test_allocating_and_handing_back_through_the_services_moves_the_live_partner(referrer, triager, caseworker, yos):
    referral, allocation = allocated_to(yos, referrer, triager)
    assert live_partner(referral) == yos.name
    assert referral.pk in listed_for(caseworker)

    services.hand_back(acting_for(caseworker), allocation, "No capacity.", now=timezone.now())
    assert live_partner(referral) is None
    assert referral.pk not in listed_for(caseworker)


def test_a_copy_of_the_referral_read_before_the_allocation_does_not_write_it_back(referrer, triager, yos):
    stale = Referral.objects.get(pk=allocated_to(yos, referrer, triager)[0].pk)
    assert stale.live_partner_id == yos.pk
    Allocation.objects.filter(referral=stale).update(state="handed_back", hand_back_reason="Data fix.")
    stale.urgency_reason = "Saved from a copy read before the hand-back."
    stale.save()
    assert live_partner(stale) is None


def test_a_data_fix_on_the_allocations_is_followed(referrer, triager, caseworker, yos, vru):
    referral, allocation = allocated_to(yos, referrer, triager)
    other = Organisation.objects.create(name="Test Mentoring Charity", kind="voluntary")
    Allocation.objects.filter(pk=allocation.pk).update(organisation=other)
    assert live_partner(referral) == other.name
    assert referral.pk not in listed_for(caseworker)

    Allocation.objects.filter(pk=allocation.pk).update(state="handed_back", hand_back_reason="Data fix.")
    assert live_partner(referral) is None
    again = Allocation.objects.create(referral=referral, organisation=yos, programme="Mentoring",
                                      allocated_by=triager, accept_due=timezone.now())
    assert live_partner(referral) == yos.name
    assert referral.pk in listed_for(caseworker)

    again.delete()
    assert live_partner(referral) is None


def test_the_referrer_still_sees_its_own_referral_whoever_it_is_live_with(referrer, triager, yos):
    referral, _ = allocated_to(yos, referrer, triager)
    assert referral.pk in listed_for(referrer)
