"""POST /api/v1/interventions/ starts work on an accepted allocation; complete, disengage and withdraw end it."""

import uuid

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from outcomes.models import Intervention
from partners import token_services
from partners.access import acting_for
from partners.models import OrganisationKind as K
from partners.models import Role
from referrals.models import ReferralEvent
from tests.factories import OrganisationFactory, member

from .work import NOW, allocation_to, programme

pytestmark = pytest.mark.django_db
INTERVENTIONS = reverse("api-intervention-list")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def allocation(yos, referrer, triager, caseworker):
    return allocation_to(yos, referrer=referrer, triager=triager, caseworker=caseworker)


@pytest.fixture
def knife(yos):
    return programme(yos)


def token_client(user):
    _, secret = token_services.create_token(acting_for(user), "Test partner system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def body(chosen, knife, **overrides):
    data = {"allocation": chosen.pk, "programme": knife.pk, "started_on": "2026-11-23", "planned_sessions": 6}
    data.update(overrides)
    return data


def test_a_partner_starts_work_once_per_idempotency_key(caseworker, allocation, knife):
    client = token_client(caseworker)
    key = str(uuid.uuid4())
    first = client.post(INTERVENTIONS, body(allocation, knife), format="json", headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.json()
    made = first.json()
    assert (made["allocation"], made["referral"], made["planned_sessions"], made["status"]) == (
        allocation.pk, allocation.referral_id, 6, "offered")
    assert first["Location"] == reverse("api-intervention-detail", args=[made["id"]])
    again = client.post(INTERVENTIONS, body(allocation, knife), format="json", headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json()["id"] == made["id"]
    assert Intervention.objects.count() == 1
    assert ReferralEvent.objects.filter(referral=allocation.referral, kind="work_started").count() == 1
    without_key = client.post(INTERVENTIONS, body(allocation, knife), format="json")
    assert without_key.status_code == 400
    assert without_key.json() == {"non_field_errors": ["Work has already started on this allocation, on 23 November 2026."]}


@pytest.mark.parametrize(("overrides", "field"), [
    ({"planned_sessions": None}, "planned_sessions"),
    ({"planned_sessions": 0}, "planned_sessions"),
    ({"started_on": "2026-11-25"}, "started_on"),
    ({"programme": 999999}, "programme"),
    ({"allocation": 999999}, "allocation"),
], ids=["no sessions", "zero sessions", "future", "unknown programme", "unknown allocation"])
def test_a_wrong_start_is_400_with_the_field_to_blame(caseworker, allocation, knife, overrides, field):
    response = token_client(caseworker).post(INTERVENTIONS, body(allocation, knife, **overrides), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Intervention.objects.exists()


def test_another_organisations_allocation_or_programme_cannot_be_used(caseworker, allocation, knife, referrer, triager):
    other_yos = OrganisationFactory(name="Other YOS", kind=K.YOS)
    theirs = allocation_to(other_yos, referrer=referrer, triager=triager, given_name="Alex",
                           caseworker=member(role=Role.CASEWORKER, organisation=other_yos))
    client = token_client(caseworker)
    assert set(client.post(INTERVENTIONS, body(theirs, knife), format="json").json()) == {"allocation"}
    their_programme = programme(other_yos)
    assert set(client.post(INTERVENTIONS, body(allocation, their_programme), format="json").json()) == {"programme"}
    assert not Intervention.objects.exists()


def test_a_school_cannot_start_work(referrer, allocation, knife):
    response = token_client(referrer).post(INTERVENTIONS, body(allocation, knife), format="json")
    assert response.status_code == 403 and not Intervention.objects.exists()


def test_a_bad_idempotency_key_is_400(caseworker, allocation, knife):
    response = token_client(caseworker).post(INTERVENTIONS, body(allocation, knife), format="json",
                                             headers={"Idempotency-Key": "not-a-uuid"})
    assert response.status_code == 400 and "Idempotency-Key" in response.json()


@pytest.mark.parametrize(("ending", "status"), [("complete", "completed"), ("disengage", "disengaged"),
                                               ("withdraw", "withdrawn")])
def test_each_ending_needs_an_outcome_note_and_happens_once(caseworker, allocation, knife, ending, status):
    client = token_client(caseworker)
    made = client.post(INTERVENTIONS, body(allocation, knife), format="json").json()
    url = reverse(f"api-intervention-{ending}", args=[made["id"]])
    assert set(client.post(url, {"on": "2026-11-24", "note": ""}, format="json").json()) == {"note"}
    ended = client.post(url, {"on": "2026-11-24", "note": "Outcome note."}, format="json")
    assert ended.status_code == 200 and ended.json()["status"] == status
    again = client.post(url, {"on": "2026-11-24", "note": "Again."}, format="json")
    assert again.status_code == 400 and "cannot be ended again" in again.json()["non_field_errors"][0]
    assert ReferralEvent.objects.filter(referral=allocation.referral, kind="work_ended").count() == 1
