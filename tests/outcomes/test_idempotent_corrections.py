"""A correction, a further offence or a new programme sent twice is recorded once, and the repeat sees the first
one's result instead of "already corrected" or "already runs a programme with this name" (partners/idempotency.py)."""

import uuid
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from outcomes import services
from outcomes.models import Assessment, CaseEvent, Programme, Session
from partners.access import acting_for
from partners.models import Role
from tests.factories import member
from tests.outcomes.test_api import token_client
from tests.outcomes.test_pages import NOW, TODAY, d, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def recorded_session(caseworker, intervention):
    return services.record_session(acting_for(caseworker), intervention, held_on=date(2026, 11, 10),
                                   attendance="attended", now=NOW)


def test_a_double_clicked_session_correction_is_recorded_once(client, decision_maker, caseworker, yos):
    original = recorded_session(caseworker, start(decision_maker, yos).interventions.get())
    client.force_login(caseworker)
    url = reverse("session-correct", args=[original.pk])
    assert client.get(url).content.decode().count('name="idempotency_key"') == 1
    data = {**d("held_on", date(2026, 11, 10)), "attendance": "did_not_attend", "reason": "Ill.",
            "correction_reason": "Wrong register.", "idempotency_key": str(uuid.uuid4())}
    assert [client.post(url, data).status_code for _ in range(2)] == [302, 302]
    assert Session.objects.filter(corrects=original).count() == 1


def test_the_api_answers_a_repeated_correction_with_the_first_and_200(decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    original = recorded_session(caseworker, intervention)
    api, key = token_client(caseworker), str(uuid.uuid4())
    body = {"held_on": "2026-11-10", "attendance": "did_not_attend", "reason": "Ill.", "correction_reason": "Wrong."}
    url = reverse("api-session-correct", args=[original.pk])
    answers = [api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200] and answers[0].json()["id"] == answers[1].json()["id"]
    assessment = services.record_assessment(acting_for(caseworker), intervention, kind="checkpoint",
                                            completed_on=date(2026, 11, 12), now=NOW)
    url, key = reverse("api-assessment-correct", args=[assessment.pk]), str(uuid.uuid4())
    body = {"kind": "checkpoint", "completed_on": "2026-11-13", "correction_reason": "Wrong day."}
    answers = [api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert Assessment.objects.filter(corrects=assessment).count() == 1


def test_a_double_clicked_further_offence_is_one_timeline_entry(client, decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    client.force_login(caseworker)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'id="reoffence_idempotency_key"' in page
    data = {**d("offence_date", TODAY), "crime_reference": "20/009999/26", "idempotency_key": str(uuid.uuid4())}
    url = reverse("case-reoffence", args=[case.pk])
    assert [client.post(url, data).status_code for _ in range(2)] == [302, 302]
    assert CaseEvent.objects.filter(case=case, kind="reoffence").count() == 1
    # Through the API, the same: the case both times, one further offence.
    api, key = token_client(caseworker), str(uuid.uuid4())
    body = {"offence_date": TODAY.isoformat(), "crime_reference": "20/008888/26"}
    answers = [api.post(f"/api/v1/cases/{case.pk}/reoffence/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
               for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert CaseEvent.objects.filter(case=case, kind="reoffence").count() == 2


def test_a_double_clicked_new_programme_is_added_once_without_a_duplicate_name_error(client, yos):
    client.force_login(member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org"))
    assert client.get(reverse("programme-new")).content.decode().count('name="idempotency_key"') == 1
    data = {"name": "Mentoring", "expected_sessions": "6", "idempotency_key": str(uuid.uuid4())}
    assert [client.post(reverse("programme-new"), data).status_code for _ in range(2)] == [302, 302]
    assert Programme.objects.filter(owner=yos, name="Mentoring").count() == 1
