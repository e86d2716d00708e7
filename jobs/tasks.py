from celery import shared_task

from . import registry


@shared_task(name="jobs.run", acks_late=True, reject_on_worker_lost=True, time_limit=30 * 60, soft_time_limit=28 * 60,
             ignore_result=True)
def run_job(name, trigger="beat"):
    """The one Celery task behind every scheduled job: thin, the work is in the services."""
    return registry.run(name, trigger=trigger).outcome
