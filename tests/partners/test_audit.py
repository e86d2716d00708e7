"""The audit trail: append-only, written for every sign-in, filterable and exportable by VRU managers."""

import csv
import io
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from partners.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD, date_parts

pytestmark = pytest.mark.django_db


def test_the_database_refuses_to_update_an_audit_event():
    event = AuditEvent.objects.create(action=AuditAction.VIEW, actor_email="a@example.org")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE partners_auditevent SET actor_email = 'someone@else.org' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.actor_email == "a@example.org"


def test_the_database_refuses_to_delete_an_audit_event():
    event = AuditEvent.objects.create(action=AuditAction.VIEW, actor_email="a@example.org")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sign_in_sign_out_and_a_failed_sign_in_are_audited(client, referrer, school):
    client.post(reverse("login"), {"username": referrer.email, "password": "wrong-password"}, REMOTE_ADDR="10.1.2.3")
    failed = AuditEvent.objects.get(action=AuditAction.FAILED_LOGIN)
    assert failed.actor_email == referrer.email and failed.ip_address == "10.1.2.3"
    assert "wrong-password" not in str(failed.detail)

    client.post(reverse("login"), {"username": referrer.email, "password": TEST_PASSWORD})
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.actor == referrer and login.organisation == school

    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=referrer).count() == 1


def test_a_vru_manager_filters_events_by_user_and_date(client, vru_manager, referrer):
    AuditEvent.objects.create(action=AuditAction.VIEW, actor=referrer, actor_email=referrer.email,
                              object_type="referrals.referral", object_id="41")
    AuditEvent.objects.create(action=AuditAction.VIEW, actor=vru_manager, actor_email=vru_manager.email,
                              object_type="referrals.referral", object_id="42")
    client.force_login(vru_manager)
    page = client.get(reverse("audit-events"), {"user": referrer.pk})
    assert page.status_code == 200
    assert [e.object_id for e in page.context["page"]] == ["41"]
    page = client.get(reverse("audit-events"), {"object_type": "referrals.referral", "object_id": "42"})
    assert [e.object_id for e in page.context["page"]] == ["42"]
    page = client.get(reverse("audit-events"), {**date_parts("date_from", date(2001, 1, 1)),
                                                    **date_parts("date_to", date(2001, 1, 2))})
    assert page.context["page"].paginator.count == 0


def test_a_date_range_backwards_is_a_form_error(client, vru_manager):
    client.force_login(vru_manager)
    page = client.get(reverse("audit-events"), {**date_parts("date_from", date(2026, 2, 1)),
                                                    **date_parts("date_to", date(2026, 1, 1))})
    assert "The end date must be the same as or after the start date." in page.content.decode()


def test_the_csv_export_has_the_events_and_is_itself_audited(client, vru_manager, referrer):
    AuditEvent.objects.create(action=AuditAction.VIEW, actor=referrer, actor_email=referrer.email,
                              object_type="referrals.referral", object_id="7", young_person_id=3)
    client.force_login(vru_manager)
    response = client.get(reverse("audit-events-csv"), {"user": referrer.pk})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["occurred_at", "actor_email", "organisation", "action"]
    assert [r[1] for r in rows[1:]] == [referrer.email]
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.actor == vru_manager and export.detail["export"] == "audit_events"


@pytest.mark.parametrize("who", ["triager", "referrer", "caseworker"])
def test_only_vru_managers_may_open_the_audit_trail(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("audit-events")).status_code == 403
    assert client.get(reverse("audit-events-csv")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
