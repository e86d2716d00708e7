"""API tokens end and are scoped: a read-only token only reads, an expired one is refused, and administrators
are told 14 days before a token expires (once), with each expiry in the audit trail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.token_expiry import warn_and_record
from partners import token_services
from partners.access import acting_for
from partners.models import AuditAction, AuditEvent, Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def client_with(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_read_only_token_reads_and_is_refused_anything_else(referrer, school):
    _, secret = token_services.create_token(acting_for(referrer, school.pk), "Reader", read_only=True)
    api = client_with(secret)
    assert api.get(reverse("api-referral-list")).status_code == 200
    refused = api.post(reverse("api-referral-list"), {}, format="json")
    assert refused.status_code == 403 and "read only" in refused.json()["detail"]


def test_an_expired_token_is_refused(referrer, school):
    now = timezone.now()
    _, secret = token_services.create_token(acting_for(referrer, school.pk), "Short", now=now - timedelta(days=30),
                                            expires_at=now - timedelta(minutes=1))
    response = client_with(secret).get(reverse("api-referral-list"))
    assert response.status_code == 401 and response.json()["detail"] == "Invalid, expired or revoked token."


def test_a_token_lives_at_most_a_year(referrer, school):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        token_services.create_token(acting_for(referrer, school.pk), "Forever",
                                    expires_at=timezone.now() + timedelta(days=400))
    assert "within a year" in str(error.value)


def test_administrators_are_told_14_days_ahead_once_and_each_expiry_is_audited(referrer, school):
    admin = member(role=Role.ORG_ADMIN, organisation=school, email="admin@school-a.example.org")
    now = timezone.now()
    soon, _ = token_services.create_token(acting_for(referrer, school.pk), "School MIS", now=now,
                                          expires_at=now + timedelta(days=13))
    later, _ = token_services.create_token(acting_for(referrer, school.pk), "Later", now=now,
                                           expires_at=now + timedelta(days=60))
    assert warn_and_record(now) == {"warned": 1, "expired": 0}
    note = Notification.objects.get(user=admin)
    assert note.subject.startswith("Replace the API token “School MIS” before it expires on")
    assert note.url == reverse("tokens") and len(mail.outbox) == 0  # emails wait in the outbox
    assert warn_and_record(now + timedelta(hours=1)) == {"warned": 0, "expired": 0}  # once only
    assert warn_and_record(now + timedelta(days=14)) == {"warned": 0, "expired": 1}
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_EXPIRED)
    assert event.object_id == str(soon.pk)
    assert warn_and_record(now + timedelta(days=15)) == {"warned": 0, "expired": 0}
    assert later.pk != soon.pk
