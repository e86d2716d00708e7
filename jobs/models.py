from django.db import models
from django.utils import timezone


class JobRun(models.Model):
    """One run of a scheduled job: when, for which day, what it did. No personal data."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped: another run held the lock"

    name = models.CharField(max_length=60)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField(help_text="The moment the job ran for (a past date when run by hand).")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    trigger = models.CharField(max_length=20, default="beat")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_started")]

    def __str__(self):
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class JobLock(models.Model):
    """A lease so two beats, two workers or a hand run never run the same job at once."""

    name = models.CharField(max_length=60, primary_key=True)
    holder = models.CharField(max_length=100, blank=True)
    locked_until = models.DateTimeField()
