"""Sending the outbox: each queued message once, with retries and exponential backoff.

Delivery is at least once: if a worker dies between the mail server accepting a message and the
row being marked sent, the message goes again. Everything else (who is told what) is exactly once,
by the notification's unique key.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction

from .models import OutboxMessage

logger = logging.getLogger("notifications")
MAX_ATTEMPTS = 5
BASE_DELAY = timedelta(minutes=1)


def backoff(attempts):
    """1, 2, 4, 8 ... minutes after the n-th failed attempt."""
    return BASE_DELAY * (2 ** max(attempts - 1, 0))


def send_due(*, now, limit=500):
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    skip = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    mail = get_connection()
    for _ in range(limit):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(**skip)
                .filter(state=OutboxMessage.State.QUEUED, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id").first()
            )
            if message is None:
                break
            message.attempts += 1
            try:
                EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to],
                             connection=mail).send()
                message.state = OutboxMessage.State.SENT
                message.sent_at = now
                message.last_error = ""
                counts["sent"] += 1
            except Exception as exc:  # any delivery failure is retried, then reported
                message.last_error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
                if message.attempts >= MAX_ATTEMPTS:
                    message.state = OutboxMessage.State.FAILED
                    counts["failed"] += 1
                    logger.warning("outbox message %s failed after %s attempts", message.pk, message.attempts)
                else:
                    message.next_attempt_at = now + backoff(message.attempts)
                    counts["retrying"] += 1
            message.save(update_fields=["attempts", "state", "sent_at", "last_error", "next_attempt_at"])
    return counts
