"""GET /healthz: the database, the broker, beat and the jobs' last runs, as JSON; 200 when healthy, 503 otherwise."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    with Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                    connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def check_beat():
    """Beat is alive if no scheduled job has gone unstarted past its expected time."""
    from jobs.selectors import stale_jobs

    stale = stale_jobs()
    if stale:
        raise RuntimeError(f"not run on schedule: {', '.join(stale)}")


def check_jobs():
    """Unhealthy while a job's last run died with its process (killed, out of memory, host lost): its work
    waits until the next run, which starts at once and clears this; an operator may run it by hand."""
    from jobs.selectors import jobs_whose_last_run_died

    died = jobs_whose_last_run_died()
    if died:
        raise RuntimeError(f"last run died: {', '.join(died)}")


CHECKS = {"database": check_database, "broker": check_broker, "beat": check_beat, "jobs": check_jobs}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # a health check reports every failure, it never raises
            detail = str(exc) if isinstance(exc, RuntimeError) else type(exc).__name__
            results[name] = f"error: {detail}"
    healthy = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": results}, status=200 if healthy else 503)
