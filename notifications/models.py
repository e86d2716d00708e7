"""In-portal notifications and the email outbox.

A separate app because every other app notifies people, and the jobs issue sends the outbox.
Messages carry references and links, never a young person's personal data.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # The organisation whose record the link opens: a person of several opens it acting for this one.
    organisation = models.ForeignKey("partners.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    # The natural key of the event told (e.g. "decision:123:allocate"): telling twice is impossible.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notif_user_created")]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notif_once_per_user")]

    def __str__(self):
        return self.subject


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="email")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="outbox_state_created"),
            models.Index(fields=["next_attempt_at"], name="outbox_due", condition=models.Q(state="queued")),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class EmailOptOut(models.Model):
    """A kind of message this person does not want by email (the portal notification is still kept)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="optout_once_per_kind")]
