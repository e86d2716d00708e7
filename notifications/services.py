from django.conf import settings
from django.db import IntegrityError, transaction

from .models import Notification, OutboxMessage


def notify(users, *, kind, key, subject, body="", url=""):
    """Tell each user once (per key): an in-portal notification and a queued email.

    Runs inside the caller's transaction, so a rolled-back action tells nobody.
    """
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                note = Notification.objects.create(user=user, kind=kind, key=key, subject=subject, body=body, url=url)
                OutboxMessage.objects.create(
                    notification=note, to=user.email, subject=subject,
                    body=f"{body}\n\n{settings.PORTAL_URL}{url}" if url else body,
                )
        except IntegrityError:
            continue  # already told about this event
        created.append(note)
    return created


def mark_read(user, notification_ids, *, now):
    return Notification.objects.filter(user=user, pk__in=notification_ids, read_at__isnull=True).update(read_at=now)
