"""A triage correction or the referrer's answer sent twice (a double click, a retry) is one timeline entry, and the
repeat sees the first one's result (partners/idempotency.py)."""


import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import acting_for
from referrals import services
from tests.referrals.test_api import detail, token_client
from tests.referrals.test_triage_pages import submit

pytestmark = pytest.mark.django_db


def test_a_double_clicked_correction_is_one_timeline_entry(client, triager, referrer):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="signpost", rag="green", signpost_to="Youth club",
                    now=timezone.now())
    event = referral.events.get(kind="signposted")
    client.force_login(triager)
    url = reverse("triage-correct", args=[event.pk])
    shown = [client.get(url).content.decode().split('name="idempotency_key" value="')[1][:36] for _ in range(2)]
    assert shown[0] != shown[1]  # a fresh key each time the page is shown
    data = {"summary": "Signposted to the sports hub.", "reason": "Wrong name.", "idempotency_key": shown[0]}
    assert [client.post(url, data).status_code for _ in range(2)] == [302, 302]
    assert referral.events.filter(kind="correction").count() == 1
    data["idempotency_key"] = shown[1]  # shown again: a second correction is a new one
    client.post(url, data)
    assert referral.events.filter(kind="correction").count() == 2


def asked(referrer, triager):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="request_info", question="Which year group?",
                    now=timezone.now())
    return referral


def test_a_double_clicked_answer_is_sent_once_and_the_repeat_is_told_it_was_sent(client, referrer, triager):
    referral = asked(referrer, triager)
    client.force_login(referrer)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    data = {"answer": "Year 10.", "idempotency_key": page.split('name="idempotency_key" value="')[1][:36]}
    answers = [client.post(reverse("referral-answer", args=[referral.pk]), data, follow=True) for _ in range(2)]
    assert all("Your answer has been sent to the VRU" in a.content.decode() for a in answers)
    assert referral.events.filter(kind="info_answered").count() == 1


def test_the_api_answers_a_repeated_answer_with_the_referral(referrer, triager):
    referral = asked(referrer, triager)
    client, key = token_client(referrer), str(uuid.uuid4())
    answers = [client.post(detail(referral, "answer"), {"answer": "Year 10."}, format="json", HTTP_IDEMPOTENCY_KEY=key)
               for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200] and answers[1].json()["status"] == "in_triage"
    assert referral.events.filter(kind="info_answered").count() == 1
