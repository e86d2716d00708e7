"""Running a scheduled job by hand: the VRU's administrators, audited, queued to the worker like beat's runs."""

from celery.result import EagerResult
from django.db import transaction

from jobs import registry, tasks
from partners import access, audit


def run_now(who, name):
    """Queue job `name` to run now; answers the outcome if the worker ran it at once (eager, as in some tests),
    else None. A person who may not is refused (403) and the refusal audited (access.require_to)."""
    job = registry.JOBS.get(name)
    if job is None:
        raise access.NotFound("No such job.")
    access.require_to(who, "jobs.run_now", job)
    with transaction.atomic():  # a broker that refuses the message leaves no audit event of a run that never was
        audit.record(who, audit.AuditAction.CREATE, job, detail={"action": "run_job"})
        result = tasks.run_job.delay(name, trigger="manual")
    return result.result if isinstance(result, EagerResult) else None
