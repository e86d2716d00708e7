"""The jobs the portal runs on a schedule, and the one way to run any of them.

A job is a plain function `func(now) -> dict of counts`, registered with @job in an app's jobs.py
and scheduled in settings.JOB_SCHEDULE. `run()` takes a lease so two runs of one job never
overlap (two beats, two workers, or an operator's hand run), records a JobRun, and never lets an
exception escape without recording it. Idempotency itself lives in the jobs' data: every alert,
escalation or message has a natural unique key, so a second run changes nothing.
"""

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import JobLock, JobRun

logger = logging.getLogger("jobs")


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable
    description: str
    lease: timedelta

    @property
    def schedule(self):
        return settings.JOB_SCHEDULE.get(self.name)


JOBS: dict[str, Job] = {}


def job(name, *, description, lease=timedelta(minutes=30)):
    def register(func):
        if name in JOBS and JOBS[name].func is not func:
            raise ValueError(f"Two jobs are called {name}")
        JOBS[name] = Job(name=name, func=func, description=description, lease=lease)
        return func

    return register


def _holder():
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def acquire(name, lease, holder):
    """Take the job's lease if it is free (or expired). Atomic: one UPDATE decides."""
    now = timezone.now()
    try:
        with transaction.atomic():
            JobLock.objects.get_or_create(name=name, defaults={"locked_until": now - timedelta(seconds=1)})
    except IntegrityError:
        pass  # another process created it at the same moment
    return JobLock.objects.filter(name=name, locked_until__lt=now).update(holder=holder, locked_until=now + lease) == 1


def release(name, holder):
    JobLock.objects.filter(name=name, holder=holder).update(locked_until=timezone.now() - timedelta(seconds=1))


def _first_line(exc):
    # Database errors put the offending row on later lines: keep only the first, never personal data.
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:500]


def run(name, *, now=None, trigger="beat"):
    """Run one job now (or as of `now`) and return its JobRun."""
    if name not in JOBS:
        raise KeyError(f"No job called {name}. Known jobs: {', '.join(sorted(JOBS))}")
    entry = JOBS[name]
    as_of = now or timezone.now()
    holder = _holder()
    if not acquire(name, entry.lease, holder):
        logger.info("job %s skipped: another run holds the lock", name)
        return JobRun.objects.create(name=name, as_of=as_of, trigger=trigger, outcome=JobRun.Outcome.SKIPPED,
                                     finished_at=timezone.now())
    record = JobRun.objects.create(name=name, as_of=as_of, trigger=trigger)
    try:
        counts = entry.func(as_of) or {}
        record.outcome = JobRun.Outcome.SUCCEEDED
        record.counts = counts
        logger.info("job %s run %s succeeded: %s", name, record.pk, counts)
    except Exception as exc:  # recorded and logged; the schedule goes on
        record.outcome = JobRun.Outcome.FAILED
        record.error = _first_line(exc)
        logger.exception("job %s run %s failed: %s", name, record.pk, record.error)
    finally:
        if record.outcome == JobRun.Outcome.RUNNING:
            # Interrupted by something that is not an ordinary exception (a hard time limit, a shutdown).
            record.outcome = JobRun.Outcome.FAILED
            record.error = record.error or "Interrupted before it finished"
        record.finished_at = timezone.now()
        record.save(update_fields=["outcome", "counts", "error", "finished_at"])
        release(name, holder)
    return record
