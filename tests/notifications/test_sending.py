"""The outbox sender: delivers, retries with backoff, and reports what keeps failing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import sending
from notifications.models import OutboxMessage
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_queued_messages_are_sent_once(referrer):
    notify([referrer], kind="decision", key="k", subject="Referral VRU-2026-000001: declined", body="See the portal.")
    now = timezone.now()
    assert sending.send_due(now=now) == {"sent": 1, "retrying": 0, "failed": 0}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [referrer.email]
    assert sending.send_due(now=now) == {"sent": 0, "retrying": 0, "failed": 0}
    assert len(mail.outbox) == 1


def test_a_failing_send_is_retried_with_backoff_then_marked_failed(referrer, monkeypatch):
    notify([referrer], kind="decision", key="k", subject="Referral VRU-2026-000001: declined")
    attempts = []

    def refuse(self, *args, **kwargs):
        attempts.append(1)
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    now = OutboxMessage.objects.get().next_attempt_at
    delays = []
    for _ in range(sending.MAX_ATTEMPTS):
        message = OutboxMessage.objects.get()
        sending.send_due(now=message.next_attempt_at)
        message.refresh_from_db()
        delays.append(message.next_attempt_at - now)
        now = message.next_attempt_at
        # Not due yet: nothing is attempted before the backoff is over.
        sending.send_due(now=message.next_attempt_at - timedelta(seconds=1))
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.FAILED and message.attempts == sending.MAX_ATTEMPTS
    assert len(attempts) == sending.MAX_ATTEMPTS
    assert [d.total_seconds() for d in delays[:4]] == [60, 120, 240, 480]
    assert message.last_error == "ConnectionRefusedError: mail server down"
