"""Staff work by name: the triage queue, Allocated to us, Partners late to act and the caseload name each young
person with their age, for a person the access policy lets see the referral (or the young person), and audit it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import clock
from partners.access import acting_for
from partners.models import AuditEvent
from referrals import rules, services
from referrals.models import Allocation
from tests.outcomes.factories import YoungPersonFactory, make_case
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db


def submit(user, n=0, **overrides):
    acting, now = acting_for(user), timezone.now()
    data = referral_data(given_name=f"Jordan{n}", **overrides)
    return services.submit_referral(acting, services.save_draft(acting, data, now=now), now=now)


def allocate(triager, referral, organisation, now=None):
    services.claim(acting_for(triager), referral, now=now or timezone.now())
    services.decide(acting_for(triager), referral, decision="allocate", rag="amber", organisation=organisation,
                    programme="Knife crime programme", now=now or timezone.now())
    return referral.allocations.get()


def age(referral):
    return rules.age_on(referral.date_of_birth, clock.today())


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_names_each_young_person_with_their_age_and_audits_it(client, triager, referrer):
    referral = submit(referrer)
    client.force_login(triager)
    html = client.get(reverse("triage-queue")).content.decode()
    assert f"Jordan0 Example, aged {age(referral)}" in html
    event = AuditEvent.objects.filter(action="view", object_id=str(referral.pk)).latest("occurred_at")
    assert event.detail == {"list": "triage-queue"} and event.actor == triager


def test_allocated_to_us_names_the_young_person_until_the_partner_hands_it_back(client, triager, referrer, caseworker, yos):
    referral = submit(referrer)
    allocation = allocate(triager, referral, yos)
    client.force_login(caseworker)
    assert f"Jordan0 Example, aged {age(referral)}" in client.get(reverse("allocations")).content.decode()

    services.hand_back(acting_for(caseworker), allocation, "Not for us.", now=timezone.now())
    handed_back = client.get(reverse("allocations"), {"state": "handed_back"}).content.decode()
    assert referral.reference in handed_back and "Jordan0" not in handed_back


def test_partners_late_to_act_names_the_young_person(client, triager, referrer, yos):
    referral = submit(referrer)
    allocate(triager, referral, yos)
    Allocation.objects.update(accept_due=timezone.now() - timedelta(hours=1))
    client.force_login(triager)
    assert f"Jordan0 Example, aged {age(referral)}" in client.get(reverse("triage-late-partners")).content.decode()


def test_the_caseload_names_the_young_person_with_their_age(client, caseworker, yos, police, decision_maker):
    person = YoungPersonFactory(given_name="Casey")
    make_case(lead=yos, police=police, decision_maker=decision_maker, young_person=person)
    client.force_login(caseworker)
    expected = f"Casey Example, aged {rules.age_on(person.date_of_birth, clock.today())}"
    assert expected in client.get(reverse("caseload")).content.decode()


def test_a_school_sees_none_of_these_lists(client, referrer):
    submit(referrer)
    client.force_login(referrer)
    for name in ("triage-queue", "allocations", "triage-late-partners", "caseload"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_named_lists_cost_the_same_queries_for_2_rows_and_for_12(client, triager, referrer, caseworker, yos,
                                                                     police, decision_maker):
    def grow(start, n):
        for i in range(start, start + n):
            allocate(triager, submit(referrer, i), yos)
            submit(referrer, 100 + i)  # one more in the queue
            make_case(lead=yos, police=police, decision_maker=decision_maker)
        Allocation.objects.update(accept_due=timezone.now() - timedelta(hours=1))

    pages = [(triager, "triage-queue"), (triager, "triage-late-partners"), (caseworker, "allocations"),
             (caseworker, "caseload")]
    grow(0, 2)
    few = {}
    for user, name in pages:
        client.force_login(user)
        few[name] = queries(client, reverse(name))
    grow(2, 10)
    for user, name in pages:
        client.force_login(user)
        assert queries(client, reverse(name)) == few[name] <= 16, name
