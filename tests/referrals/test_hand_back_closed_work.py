"""Issue 12: "Hand back to the VRU" is not offered on closed work, and a posted hand-back of it is refused as a
message on the form (access rule referrals.hand_back), leaving the allocation as it was."""

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import NotAllowed, acting_for
from referrals import services
from referrals.models import Allocation, Status
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocation(referrer, triager, caseworker, yos):
    school, vru, now = acting_for(referrer), acting_for(triager), timezone.now()
    referral = services.submit_referral(school, services.save_draft(school, referral_data(), now=now), now=now)
    services.claim(vru, referral, now=now)
    services.decide(vru, referral, decision="allocate", rag="amber", organisation=yos, programme="Mentoring", now=now)
    return services.accept_allocation(acting_for(caseworker), referral.allocations.get(), now=now)


def close(triager, allocation):
    services.close_referral(acting_for(triager), allocation.referral, reason="Programme completed.", now=timezone.now())


def test_open_work_offers_the_hand_back(client, caseworker, allocation):
    client.force_login(caseworker)
    assert "Hand back to the VRU" in client.get(reverse("allocation-detail", args=[allocation.pk])).content.decode()


def test_closed_work_offers_no_hand_back_and_the_service_refuses_it(client, triager, caseworker, allocation):
    close(triager, allocation)
    client.force_login(caseworker)
    assert "Hand back to the VRU" not in client.get(reverse("allocation-detail", args=[allocation.pk])).content.decode()
    with pytest.raises(NotAllowed):
        services.hand_back(acting_for(caseworker), allocation, "No capacity.", now=timezone.now())


def test_a_posted_hand_back_of_closed_work_is_a_form_error(client, triager, caseworker, allocation):
    close(triager, allocation)
    client.force_login(caseworker)
    url = reverse("allocation-hand-back", args=[allocation.pk])
    assert client.get(url)["Location"] == reverse("allocation-detail", args=[allocation.pk])
    response = client.post(url, {"reason": "No capacity."})
    assert response.status_code == 400
    assert "cannot be handed back" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.state == Allocation.State.ACCEPTED and allocation.referral.status == Status.CLOSED
