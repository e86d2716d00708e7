from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from . import locks, rules
from .models import JobRun
from .registry import DIED, JOBS


def job_overview(*, now=None):
    """Every job with its schedule, last run, next run and failures in the last 7 days: a fixed number of queries."""
    now = now or timezone.now()
    latest_ids = JobRun.objects.values("name").annotate(last=Max("id")).values_list("last", flat=True)
    latest = {run.name: run for run in JobRun.objects.filter(id__in=list(latest_ids))}
    week_ago = now - timezone.timedelta(days=7)
    failures = {}
    for run in JobRun.objects.filter(outcome=JobRun.Outcome.FAILED, started_at__gte=week_ago).order_by("-started_at")[:200]:
        failures.setdefault(run.name, []).append(run)
    died = _died(latest.values())
    tz = ZoneInfo(settings.CELERY_TIMEZONE)
    rows = []
    for name, entry in sorted(JOBS.items(), key=lambda item: item[1].title or item[0]):
        schedule = entry.schedule
        rows.append({"name": name, "title": entry.title or name, "description": entry.description,
                     "schedule": rules.describe(schedule), "last": latest.get(name),
                     "counts": _counts_in_words(latest.get(name)),
                     "next_run": rules.next_run(schedule, now, tz) if schedule is not None else None,
                     "failures": failures.get(name, []), "died": name in died})
    return rows


def _counts_in_words(run):
    counts = run.counts if run is not None and isinstance(run.counts, dict) else {}
    return ", ".join(f"{str(key).replace('_', ' ')}: {value}" for key, value in counts.items())


def recent_runs(name, limit=20):
    return JobRun.objects.filter(name=name).order_by("-started_at")[:limit]


def stale_jobs(*, now=None, grace_minutes=10):
    """Scheduled jobs that beat has not started within their expected window: the basis of /healthz's beat check."""
    now = now or timezone.now()
    stale = []
    last_by_name = dict(JobRun.objects.filter(~Q(trigger="manual")).values("name").annotate(last=Max("started_at"))
                        .values_list("name", "last"))
    for name, entry in JOBS.items():
        schedule = entry.schedule
        last = last_by_name.get(name)
        if schedule is None or last is None:
            continue
        # remaining_estimate from the last start: negative once the next run is overdue.
        overdue_by = -schedule.remaining_estimate(last)
        if overdue_by > timezone.timedelta(minutes=grace_minutes):
            stale.append(name)
    return sorted(stale)


def _died(last_runs):
    """Names whose last run died with its process: marked so by the next run, or still `running` though no live
    process holds the job. A run holds its job from before its record is made until after it is saved, so a
    record still running when re-read after the job was seen free has no process behind it."""
    last_runs = list(last_runs)
    died = {run.name for run in last_runs if run.outcome == JobRun.Outcome.FAILED and run.error == DIED}
    running = {run.pk: run.name for run in last_runs if run.outcome == JobRun.Outcome.RUNNING}
    if running:
        free = set(running.values()) - locks.held(running.values())
        candidates = [pk for pk, name in running.items() if name in free]
        if candidates:
            died |= set(JobRun.objects.filter(pk__in=candidates, outcome=JobRun.Outcome.RUNNING)
                        .values_list("name", flat=True))
    return died


def jobs_whose_last_run_died():
    """For /healthz: the jobs whose last run died, until a later run of each ends."""
    latest_ids = JobRun.objects.values("name").annotate(last=Max("id")).values_list("last", flat=True)
    return sorted(_died(JobRun.objects.filter(id__in=list(latest_ids), name__in=list(JOBS))))
