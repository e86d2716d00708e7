"""Handing back one referral ends what that allocation gave, and nothing that another relation still gives.

A YOS that leads a young person's diversion case, or is named on a cohort they are in, keeps sight of them when it
hands back a referral about them; it loses the handed-back referral either way. With no other relation, handing
back hides the young person too.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import acting_for
from referrals import services
from tests.cohorts.factories import make_cohort, make_member
from tests.outcomes.factories import make_case
from tests.referrals.factories import referral_data
from tests.referrals.test_api import token_client

pytestmark = pytest.mark.django_db


def allocated_to(yos, referrer, triager):
    """A school's referral, allocated by the VRU to the YOS, with the young person it made."""
    now = timezone.now()
    school = acting_for(referrer)
    referral = services.submit_referral(school, services.save_draft(school, referral_data(given_name="Rowan"), now=now),
                                        now=now)
    services.claim(acting_for(triager), referral, now=now)
    services.decide(acting_for(triager), referral, decision="allocate", rag="amber", organisation=yos,
                    programme="Mentoring", now=now)
    return referral, referral.allocations.get()


def hand_back_on_the_page(client, caseworker, allocation):
    client.force_login(caseworker)
    response = client.post(reverse("allocation-hand-back", args=[allocation.pk]), {"reason": "No capacity."})
    assert response.status_code == 302


def sees_on_the_pages(client, referral):
    return {
        "young person": client.get(reverse("young-person", args=[referral.young_person_id])).status_code,
        "referral": client.get(reverse("referral-detail", args=[referral.pk])).status_code,
    }


def sees_in_the_api(api, referral):
    listed = [r["id"] for r in api.get(reverse("api-referral-list")).json()["results"]]
    return {"listed": referral.pk in listed,
            "referral": api.get(reverse("api-referral-detail", args=[referral.pk])).status_code}


def test_a_yos_leading_the_case_hands_back_a_referral_and_still_sees_the_young_person(
        client, referrer, triager, caseworker, decision_maker, yos, police):
    referral, allocation = allocated_to(yos, referrer, triager)
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, young_person=referral.young_person)
    api = token_client(caseworker)
    client.force_login(caseworker)
    assert sees_on_the_pages(client, referral) == {"young person": 200, "referral": 200}
    assert sees_in_the_api(api, referral) == {"listed": True, "referral": 200}

    hand_back_on_the_page(client, caseworker, allocation)

    assert sees_on_the_pages(client, referral) == {"young person": 200, "referral": 404}
    assert "Rowan" in client.get(reverse("young-person", args=[referral.young_person_id])).content.decode()
    assert sees_in_the_api(api, referral) == {"listed": False, "referral": 404}
    person = api.get(reverse("api-case-detail", args=[case.pk])).json()["young_person"]
    assert person["id"] == referral.young_person_id


def test_a_yos_on_the_young_persons_cohort_hands_back_in_the_api_and_still_sees_them(
        client, referrer, triager, caseworker, vru_manager, yos, police):
    referral, allocation = allocated_to(yos, referrer, triager)
    cohort = make_cohort(by=vru_manager, lead=police, partners=[yos])
    make_member(cohort, by=vru_manager, young_person=referral.young_person, lead_agency=yos)
    api = token_client(caseworker)

    response = api.post(reverse("api-allocation-hand-back", args=[allocation.pk]), {"reason": "No capacity."},
                        format="json")

    assert response.status_code == 200 and response.json()["state"] == "handed_back"
    client.force_login(caseworker)
    assert sees_on_the_pages(client, referral) == {"young person": 200, "referral": 404}
    assert sees_in_the_api(api, referral) == {"listed": False, "referral": 404}


def test_with_no_other_relation_handing_back_hides_the_young_person_too(client, referrer, triager, caseworker, yos):
    referral, allocation = allocated_to(yos, referrer, triager)
    api = token_client(caseworker)
    client.force_login(caseworker)
    assert sees_on_the_pages(client, referral) == {"young person": 200, "referral": 200}

    hand_back_on_the_page(client, caseworker, allocation)

    assert sees_on_the_pages(client, referral) == {"young person": 404, "referral": 404}
    assert sees_in_the_api(api, referral) == {"listed": False, "referral": 404}
    # The school that referred them, and the VRU, still see both.
    for user in (referrer, triager):
        client.force_login(user)
        assert sees_on_the_pages(client, referral) == {"young person": 200, "referral": 200}
