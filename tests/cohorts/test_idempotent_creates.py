"""A cohort, a member, a review or a plan action sent twice is made once: a double click, a client's retry, or two
requests at the same moment with one key (partners/idempotency.py)."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from cohorts import services
from cohorts.models import Cohort, CohortMembership, PlanAction, Review
from tests.cohorts.test_api import api
from tests.concurrency import post_twice_at_once
from tests.outcomes.factories import YoungPersonFactory

from .factories import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def member(vru_acting, cohort, person):
    return services.add_member(vru_acting, cohort, young_person=person, tier=3, lead_agency=cohort.lead_organisation,
                               reason="Seen carrying a knife.", joined_on=datetime.date(2026, 11, 2), now=NOW)


def _date(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def cohort_post(yos, key):
    return {"name": "Walsall youth at risk 9", "area": "walsall", "tier_model": "pip4", "lead_organisation": yos.pk,
            "review_weeks": "4", "idempotency_key": str(key)}


def twice(client, url, data):
    return [client.post(url, data).status_code for _ in range(2)]


def test_each_create_page_carries_a_fresh_hidden_key(client, triager, cohort, member):
    YoungPersonFactory(given_name="Sam", family_name="Example", area="walsall")
    client.force_login(triager)
    for url in (reverse("cohort-new"), reverse("cohort-add-member", args=[cohort.pk]) + "?q=Sam",
                reverse("cohort-member-review", args=[member.pk]), reverse("cohort-member-action", args=[member.pk])):
        first, second = (client.get(url).content.decode() for _ in range(2))
        assert first.count('name="idempotency_key"') == 1, url
        value = 'name="idempotency_key" value="'
        assert first.split(value)[1][:36] != second.split(value)[1][:36]


def test_a_double_clicked_new_cohort_is_created_once(client, triager, yos):
    client.force_login(triager)
    assert twice(client, reverse("cohort-new"), cohort_post(yos, uuid.uuid4())) == [302, 302]
    assert Cohort.objects.filter(name="Walsall youth at risk 9").count() == 1


def test_a_double_clicked_member_is_added_once_and_the_repeat_is_not_called_a_duplicate(client, triager, cohort, person):
    client.force_login(triager)
    data = {"q": "Riley", "young_person": person.pk, "tier": "2", "lead_agency": cohort.lead_organisation_id,
            "reason": "Knife arrest.", "idempotency_key": str(uuid.uuid4())}
    assert twice(client, reverse("cohort-add-member", args=[cohort.pk]), data) == [302, 302]
    assert CohortMembership.objects.filter(cohort=cohort).count() == 1


def test_a_double_clicked_review_and_plan_action_are_recorded_once(client, triager, member, yos):
    client.force_login(triager)
    review = {**_date("held_on", datetime.date(2026, 11, 23)), "attendees": [yos.pk], "summary": "Stable.",
              "tier_decision": "3", "idempotency_key": str(uuid.uuid4())}
    assert twice(client, reverse("cohort-member-review", args=[member.pk]), review) == [302, 302]
    action = {"strand": "protect", "description": "Safety plan", "owner": yos.pk,
              **_date("due_on", datetime.date(2026, 12, 5)), "idempotency_key": str(uuid.uuid4())}
    assert twice(client, reverse("cohort-member-action", args=[member.pk]), action) == [302, 302]
    assert (Review.objects.count(), PlanAction.objects.count()) == (1, 1)


def test_the_api_answers_a_repeated_review_or_plan_action_with_the_first_and_200(triager, member, yos):
    client = api(triager)
    review = {"held_on": "2026-11-23", "attendees": [yos.pk], "summary": "Stable.", "tier_decision": 3}
    key = str(uuid.uuid4())
    answers = [client.post(reverse("api-cohort-member-reviews", args=[member.pk]), review, format="json",
                           HTTP_IDEMPOTENCY_KEY=key) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200] and answers[0].json()["id"] == answers[1].json()["id"]
    action = {"membership": member.pk, "strand": "prevent", "description": "Mentoring", "owner": yos.pk,
              "due_on": "2026-12-01"}
    key = str(uuid.uuid4())
    answers = [client.post(reverse("api-plan-action-list"), action, format="json", HTTP_IDEMPOTENCY_KEY=key)
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200] and PlanAction.objects.count() == 1
    assert Review.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_new_cohort_requests_at_the_same_moment_with_one_key_create_one(triager, yos):
    url, data = reverse("cohort-new"), cohort_post(yos, uuid.uuid4())
    answers = post_twice_at_once(triager, url, data)
    assert answers == [302, 302]
    assert Cohort.objects.filter(name="Walsall youth at risk 9").count() == 1
