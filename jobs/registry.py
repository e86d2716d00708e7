"""The jobs the portal runs on a schedule, and the one way to run any of them.

A job is a plain function `func(now) -> dict of counts`, registered with @job in an app's jobs.py
and scheduled in settings.JOB_SCHEDULE. `run()` holds the job so two runs of one job never
overlap (two beats, two workers, or an operator's hand run), records a JobRun, and never lets an
exception escape without recording it. How a job is held (a PostgreSQL advisory lock, or a lease on
SQLite) is in locks.py; a run whose process died is marked failed by the next run. Idempotency itself
lives in the jobs' data: every alert, escalation or message has a natural unique key, so a second run
changes nothing.
"""

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import locks
from .locks import acquire, release  # noqa: F401  (the lease fallback, used by its tests)
from .models import JobRun

logger = logging.getLogger("jobs")
DIED = "The process ended before the run finished"


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable
    description: str
    lease: timedelta
    title: str = ""  # what staff call it on the jobs page ("Send queued emails"); the name is for operators

    # The audit trail names a job as a record of this type, by its name (partners.audit).
    audit_type = "jobs.job"

    @property
    def pk(self):
        return self.name

    @property
    def schedule(self):
        return settings.JOB_SCHEDULE.get(self.name)


JOBS: dict[str, Job] = {}


def job(name, *, title, description, lease=timedelta(minutes=30)):
    def register(func):
        if name in JOBS and JOBS[name].func is not func:
            raise ValueError(f"Two jobs are called {name}")
        JOBS[name] = Job(name=name, func=func, description=description, lease=lease, title=title)
        return func

    return register


def _holder():
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def end_dead_runs(name):
    """Mark failed the runs of `name` still marked running. Call only while holding the job: then no live
    process is behind any of them (on the lease fallback, a run past its lease counts as dead too)."""
    return JobRun.objects.filter(name=name, outcome=JobRun.Outcome.RUNNING).update(
        outcome=JobRun.Outcome.FAILED, error=DIED, finished_at=timezone.now())


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
    hold = locks.hold_for(name, entry.lease, _holder())
    if not hold.take():
        logger.info("job %s skipped: another run holds the lock", name)
        return JobRun.objects.create(name=name, as_of=as_of, trigger=trigger, outcome=JobRun.Outcome.SKIPPED,
                                     finished_at=timezone.now())
    try:
        dead = end_dead_runs(name)
        if dead:
            logger.warning("job %s: %s earlier run(s) ended with their process, marked failed", name, dead)
        locks.stop_queries_when_the_client_dies()
        return _run_held(entry, as_of, trigger)
    finally:
        # After the record is saved: a run marked running always has a holder, so a free job means a dead run.
        hold.release()


def _run_held(entry, as_of, trigger):
    name = entry.name
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
    return record
