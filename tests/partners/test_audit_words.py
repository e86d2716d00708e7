"""The audit trail says who did what to which record in words, links each record its reader may open, and costs the
same number of queries for a page of 3 events as for a page of 50."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners import audit, audit_words
from partners.access import acting_for
from partners.models import AuditAction, AuditEvent
from referrals import services
from tests.outcomes.factories import make_case
from tests.referrals.factories import referral_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(referrer):
    school = acting_for(referrer)
    return services.submit_referral(school, services.save_draft(school, referral_data(), now=timezone.now()),
                                    now=timezone.now())


def _viewed(who, obj, **kwargs):
    return audit.record(acting_for(who), AuditAction.VIEW, obj, **kwargs)


def test_a_view_reads_as_who_viewed_which_referral_linked_to_its_page(client, vru_manager, triager, referral):
    triager.full_name = "Sam Triager"
    triager.save()
    _viewed(triager, referral)
    client.force_login(vru_manager)
    body = client.get(reverse("audit-events"), {"user": triager.pk}).content.decode()
    url = reverse("triage-referral", args=[referral.pk])
    assert (f'Sam Triager (Test VRU) viewed <a class="govuk-link" href="{url}">referral {referral.reference}</a>, about '
            f'<a class="govuk-link" href="{reverse("young-person", args=[referral.young_person_id])}">young person '
            f"{referral.young_person_id}</a>") in body
    assert f"referrals.referral {referral.pk}" not in body


def test_a_case_and_a_job_are_named_too(client, vru_manager, yos, police, decision_maker, vru):
    from partners.models import Role
    from tests.factories import member

    admin = member(role=Role.ORG_ADMIN, organisation=vru, full_name="Ada Admin")
    case = make_case(lead=yos, police=police, decision_maker=decision_maker)
    _viewed(decision_maker, case)
    from jobs.registry import JOBS
    audit.record(acting_for(admin), AuditAction.CREATE, JOBS["send_outbox"], detail={"action": "run_job"})
    client.force_login(vru_manager)
    body = client.get(reverse("audit-events")).content.decode()
    assert (f'viewed <a class="govuk-link" href="{reverse("case-detail", args=[case.pk])}">diversion case {case.pk} '
            f"({case.crime_reference})</a>") in body
    assert "Ada Admin (Test VRU) created the scheduled job “Send queued emails” (run job)" in body.replace(
        f'<a class="govuk-link" href="{reverse("jobs")}">', "").replace("</a>", "")


def test_a_record_the_reader_may_not_open_is_named_without_a_link(referral, other_referrer, triager):
    event = _viewed(triager, referral)
    event = AuditEvent.objects.select_related("actor", "organisation").get(pk=event.pk)
    [described] = audit_words.describe(acting_for(other_referrer), [event])
    assert described.record.label == f"referral {referral.reference}" and described.record.url is None
    assert described.young_person.url is None


def test_a_refusal_and_a_record_gone_since_read_plainly(vru_manager, triager):
    event = AuditEvent.objects.create(action=AuditAction.DENIED, actor=triager, actor_email=triager.email,
                                      object_type="referrals.referral", object_id="999999",
                                      detail={"action": "referrals.decide"})
    event = AuditEvent.objects.select_related("actor", "organisation").get(pk=event.pk)
    [described] = audit_words.describe(acting_for(vru_manager), [event])
    assert audit_words.sentence(described) == f"{triager.full_name} was refused decide on referral 999999"


def test_the_page_costs_the_same_queries_for_3_events_as_for_50(client, vru_manager, triager, referral, yos, police,
                                                                decision_maker):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker)
    client.force_login(vru_manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit-events")).status_code == 200
        return len(captured)

    def view_each():
        _viewed(triager, referral)
        _viewed(decision_maker, case)
        _viewed(triager, referral.young_person)

    view_each()
    few = queries()
    for _ in range(17):
        view_each()
    many = queries()
    assert AuditEvent.objects.count() >= 50
    assert many == few


def test_the_page_of_50_stays_within_a_fixed_number_of_queries(client, vru_manager, triager, referral,
                                                                django_assert_max_num_queries):
    for _ in range(60):
        _viewed(triager, referral)
    client.force_login(vru_manager)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("audit-events")).status_code == 200


def test_the_csv_keeps_machine_values_and_gains_the_words(client, vru_manager, triager, referral):
    _viewed(triager, referral)
    client.force_login(vru_manager)
    response = client.get(reverse("audit-events-csv"), {"user": triager.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-1] == "in_words" and rows[1][4:6] == ["referrals.referral", str(referral.pk)]
    assert rows[1][-1] == f"{triager.full_name} (Test VRU) viewed referral {referral.reference}, about young person " \
                          f"{referral.young_person_id}"
