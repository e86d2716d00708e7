from django.db.models import Count

from .models import Notification, OutboxMessage


def notifications_for(user):
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def outbox(*, state=""):
    """For the VRU: queued and failed messages (addresses and subjects only; bodies carry no personal data)."""
    messages = OutboxMessage.objects.order_by("-created_at", "-id")
    return messages.filter(state=state) if state else messages


def outbox_counts():
    counts = dict(OutboxMessage.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in OutboxMessage.State.values}


def emails_wanted(user):
    from .kinds import OPTIONAL
    from .models import EmailOptOut

    off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [kind for kind in OPTIONAL if kind not in off]
