from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from partners import audit
from partners.models import Membership

from .kinds import ALWAYS, OPTIONAL
from .models import EmailOptOut, Notification, OutboxMessage
from .notices import link


@dataclass(frozen=True)
class Message:
    """One event to tell some people about; `key` names the event, so each person is told once."""

    users: Iterable
    key: str
    subject: str
    body: str = ""
    url: str = ""
    # The organisations (ids) whose record the link opens: each person's notification names the one of them they
    # belong to, so that a person of several organisations opens the link acting for the right one.
    organisations: tuple = ()


def _email(note):
    body = f"{note.body}\n\n{settings.PORTAL_URL}{link(note)}" if note.url else note.body
    return OutboxMessage(notification=note, to=note.user.email, subject=note.subject, body=body)


def _organisation_of(fresh):
    """(user id, key) -> the organisation of the message's that the person belongs to: one query, none if no
    message names an organisation."""
    named = {o for _, (_, m) in fresh for o in m.organisations if o is not None}
    if not named:
        return {}
    member_of = set(Membership.objects.filter(user_id__in={user.pk for _, (user, _) in fresh}, organisation_id__in=named,
                                              active=True).values_list("user_id", "organisation_id"))
    return {pair: next((o for o in m.organisations if (user.pk, o) in member_of), None) for pair, (user, m) in fresh}


def notify_many(kind, items):
    """Tell many people about many events of one kind, in a number of queries that does not grow with them.

    `items` are Messages or (users, key, subject, body, url) tuples. Each person gets an in-portal
    notification once per key (the unique (user, key) constraint decides) and, unless they opted out
    of this kind (kinds in ALWAYS cannot be), a queued email. Runs inside the caller's transaction,
    so a rolled-back action tells nobody. Returns the notifications created.
    """
    wanted = {}
    for item in items:
        message = item if isinstance(item, Message) else Message(*item)
        for user in message.users:
            if user is not None and user.is_active:
                wanted.setdefault((user.pk, message.key), (user, message))
    if not wanted:
        return []
    existing = set(Notification.objects.filter(
        user_id__in={pk for pk, _ in wanted}, key__in={key for _, key in wanted}).values_list("user_id", "key"))
    fresh = [pair for pair in wanted.items() if pair[0] not in existing]
    if not fresh:
        return []
    no_email = set() if kind in ALWAYS else set(EmailOptOut.objects.filter(
        user_id__in={user.pk for _, (user, _) in fresh}, kind=kind).values_list("user_id", flat=True))
    organisation = _organisation_of(fresh)
    notes = [Notification(user=user, kind=kind, key=m.key, subject=m.subject, body=m.body, url=m.url,
                          organisation_id=organisation.get(pair)) for pair, (user, m) in fresh]
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(notes)
            if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35: read the new ids
                ids = dict(((u, k), pk) for u, k, pk in Notification.objects.filter(
                    user_id__in={n.user_id for n in notes}, key__in={n.key for n in notes}).values_list("user_id", "key", "pk"))
                for note in notes:
                    note.pk = ids[(note.user_id, note.key)]
            OutboxMessage.objects.bulk_create([_email(n) for n in notes if n.user_id not in no_email])
        return notes
    except IntegrityError:
        pass  # another run told some of them since we looked: row by row, skipping those it told
    created = []
    for note in notes:
        note.pk = None
        try:
            with transaction.atomic():
                note.save(force_insert=True)
                if note.user_id not in no_email:
                    _email(note).save(force_insert=True)
        except IntegrityError:
            continue
        created.append(note)
    return created


def notify(users, *, kind, key, subject, body="", url="", organisations=()):
    """Tell each user once (per key): an in-portal notification and a queued email."""
    return notify_many(kind, [Message(users, key, subject, body, url, tuple(organisations))])


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
