"""Issue 12: the print views of a referral, a young person and a diversion case: no navigation, the record and
its timeline, a line naming who printed it and when, and a PRINTED audit event; another's record is 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import acting_for
from partners.models import AuditAction, AuditEvent
from referrals import services
from tests.outcomes.factories import make_case
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(referrer):
    acting, now = acting_for(referrer), timezone.now()
    return services.submit_referral(acting, services.save_draft(acting, referral_data(), now=now), now=now)


def printed(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Printed by {user.full_name}" in page and 'data-app-print="on-load"' in page
    assert "govuk-service-navigation" not in page and "govuk-footer" not in page
    assert "Timeline" in page
    return page


def test_the_referral_prints_with_its_timeline_and_is_audited(client, triager, referral):
    page = printed(client, triager, reverse("referral-print", args=[referral.pk]))
    assert referral.reference in page and "Submitted" in page
    event = AuditEvent.objects.get(action=AuditAction.PRINT)
    assert (event.actor, event.object_type, event.object_id) == (triager, "referrals.referral", str(referral.pk))
    assert event.young_person_id == referral.young_person_id and event.detail == {"page": "referral"}


def test_each_record_s_page_links_to_its_print_view(client, triager, referral):
    client.force_login(triager)
    print_url = reverse("referral-print", args=[referral.pk])
    assert print_url in client.get(reverse("triage-referral", args=[referral.pk])).content.decode()
    assert print_url in client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    person_print = reverse("young-person-print", args=[referral.young_person_id])
    assert person_print in client.get(reverse("young-person", args=[referral.young_person_id])).content.decode()


def test_the_young_person_prints_and_is_audited(client, triager, referral):
    printed(client, triager, reverse("young-person-print", args=[referral.young_person_id]))
    event = AuditEvent.objects.get(action=AuditAction.PRINT)
    assert (event.object_type, event.young_person_id) == ("referrals.youngperson", referral.young_person_id)


def test_a_diversion_case_prints_and_is_audited(client, decision_maker, police, yos):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker)
    client.force_login(decision_maker)
    assert reverse("case-print", args=[case.pk]) in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    page = printed(client, decision_maker, reverse("case-print", args=[case.pk]))
    assert case.crime_reference in page
    event = AuditEvent.objects.get(action=AuditAction.PRINT)
    assert (event.object_type, event.object_id, event.young_person_id) == ("outcomes.diversioncase", str(case.pk),
                                                                          case.young_person_id)


def test_another_organisation_s_record_does_not_print(client, other_referrer, referral):
    client.force_login(other_referrer)
    assert client.get(reverse("referral-print", args=[referral.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.PRINT).exists()
