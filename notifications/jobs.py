from jobs.registry import job

from . import sending


@job("send_outbox", title="Send queued emails",
     description="Send queued emails, retrying with backoff; report those that keep failing.")
def send_outbox(now):
    return sending.send_due(now=now)
