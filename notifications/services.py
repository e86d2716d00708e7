from django.conf import settings
from django.db import IntegrityError, transaction

from partners import audit

from .kinds import ALWAYS, OPTIONAL
from .models import EmailOptOut, Notification, OutboxMessage


def notify(users, *, kind, key, subject, body="", url=""):
    """Tell each user once (per key): an in-portal notification and a queued email.

    Runs inside the caller's transaction, so a rolled-back action tells nobody.
    """
    created = []
    people = {u.pk: u for u in users if u is not None and u.is_active}
    no_email = set() if kind in ALWAYS else set(
        EmailOptOut.objects.filter(user_id__in=list(people), kind=kind).values_list("user_id", flat=True)
    )
    for user in people.values():
        try:
            with transaction.atomic():
                note = Notification.objects.create(user=user, kind=kind, key=key, subject=subject, body=body, url=url)
                if user.pk not in no_email:
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


@transaction.atomic
def set_email_choices(user, *, wanted):
    """Email for the kinds in `wanted`, none for the other optional kinds. Escalations are not a choice."""
    unknown = set(wanted) - set(OPTIONAL)
    if unknown:
        raise ValueError(f"Unknown kinds of message: {', '.join(sorted(unknown))}")
    EmailOptOut.objects.filter(user=user, kind__in=wanted).delete()
    EmailOptOut.objects.bulk_create([EmailOptOut(user=user, kind=k) for k in OPTIONAL if k not in wanted],
                                    ignore_conflicts=True)
    audit.record(user, audit.AuditAction.UPDATE, user, detail={"action": "email_choices", "emails": sorted(wanted)})
