"""A session or an assessment sent twice is recorded once: a double click, a client's retry, or two requests at
the same moment with the same key (partners/idempotency.py)."""

import uuid
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import Assessment, Session
from partners.access import acting_for
from partners.models import IdempotencyKey
from tests.concurrency import post_twice_at_once
from tests.outcomes.test_api import token_client
from tests.outcomes.test_pages import start
from tests.outcomes.work import d

pytestmark = pytest.mark.django_db


def session_post(key, **extra):
    return {**d("held_on", date(2026, 11, 10)), "attendance": "attended", "idempotency_key": str(key), **extra}


def test_the_session_form_carries_a_fresh_key_each_time_it_is_shown(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    url = reverse("intervention-detail", args=[intervention.pk])
    keys = [client.get(url).content.decode().count('name="idempotency_key"') for _ in range(2)]
    assert keys == [2, 2]  # the session form and the assessment form
    first, second = (client.get(url).content.decode() for _ in range(2))
    assert first.split('name="idempotency_key" value="')[1][:36] != second.split('name="idempotency_key" value="')[1][:36]


def test_a_double_clicked_session_is_recorded_once(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    url, key = reverse("intervention-session", args=[intervention.pk]), uuid.uuid4()
    assert [client.post(url, session_post(key)).status_code for _ in range(2)] == [302, 302]
    assert Session.objects.count() == 1
    # A new key (the page shown again) records the next session.
    client.post(url, session_post(uuid.uuid4()))
    assert Session.objects.count() == 2


def test_a_refused_attempt_keeps_nothing_so_the_corrected_one_goes_through(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    url, key = reverse("intervention-session", args=[intervention.pk]), uuid.uuid4()
    assert client.post(url, session_post(key, attendance="")).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert client.post(url, session_post(key)).status_code == 302
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_with_one_key_record_one_session(decision_maker, caseworker, yos):
    from outcomes import reference_data

    reference_data.ensure()
    intervention = start(decision_maker, yos).interventions.get()
    url, data = reverse("intervention-session", args=[intervention.pk]), session_post(uuid.uuid4())
    answers = post_twice_at_once(caseworker, url, data)
    assert answers == [302, 302]
    assert Session.objects.filter(intervention=intervention).count() == 1


def test_the_api_answers_a_repeat_with_the_first_session_and_200(decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    api, key = token_client(caseworker), str(uuid.uuid4())
    url = f"/api/v1/interventions/{intervention.pk}/sessions/"
    body = {"held_on": "2026-11-10", "attendance": "attended"}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Session.objects.count() == 1
    # The same key for another kind of record is refused, not taken as the session.
    wrong = api.post(f"/api/v1/interventions/{intervention.pk}/assessments/",
                     {"kind": "checkpoint", "completed_on": "2026-11-12"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert wrong.status_code == 400 and "idempotency_key" in wrong.json()
    assert not Assessment.objects.exists()


def test_an_assessment_with_a_key_is_recorded_once(decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    key, acting = uuid.uuid4(), acting_for(caseworker)
    made = [services.record_assessment(acting, intervention, kind="checkpoint", completed_on=date(2026, 11, 12),
                                       now=timezone.now(), idempotency_key=key) for _ in range(2)]
    assert made[0].pk == made[1].pk and Assessment.objects.count() == 1


def test_a_key_already_used_for_something_else_is_an_error_the_page_shows(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    key = uuid.uuid4()
    client.post(reverse("intervention-session", args=[intervention.pk]), session_post(key))
    response = client.post(reverse("intervention-assessment", args=[intervention.pk]),
                           {"kind": "checkpoint", **d("completed_on", date(2026, 11, 12)), "idempotency_key": str(key)})
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('class="govuk-error-summary"'):page.index("</ul>", page.index('class="govuk-error-summary"'))]
    assert "This was already sent for something else: reload the page" in summary
    assert not Assessment.objects.exists()


def test_keys_older_than_30_days_are_forgotten_by_the_weekly_job(decision_maker, caseworker, yos):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from jobs import registry

    intervention = start(decision_maker, yos).interventions.get()
    acting, now = acting_for(caseworker), datetime(2026, 12, 6, 2, 45, tzinfo=ZoneInfo("Europe/London"))
    for days_ago in (31, 29):
        key = uuid.uuid4()
        services.record_session(acting, intervention, held_on=date(2026, 11, 10), attendance="attended", now=now,
                                idempotency_key=key)
        IdempotencyKey.objects.filter(key=key).update(created_at=now - timedelta(days=days_ago))
    assert registry.run("prune_idempotency_keys", now=now).counts == {"deleted": 1}
    assert IdempotencyKey.objects.count() == 1 and Session.objects.count() == 2  # the sessions stay
