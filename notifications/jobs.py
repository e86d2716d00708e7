from jobs.registry import job

from . import sending


@job("send_outbox", description="Send queued emails, retrying with backoff; report those that keep failing.")
def send_outbox(now):
    return sending.send_due(now=now)


@job("token_expiry", description="Tell administrators of API tokens that expire within 14 days; record expiries.")
def token_expiry(now):
    from .token_expiry import warn_and_record

    return warn_and_record(now)
