from datetime import timedelta

from jobs.registry import job

from .models import IdempotencyKey

# A repeat comes within seconds (a double click) or minutes (a client's retries); a month is ample.
KEEP_KEYS_FOR = timedelta(days=30)


@job("prune_idempotency_keys", title="Forget old duplicate-submission keys",
     description="Forget create requests' idempotency keys older than 30 days.")
def prune_idempotency_keys(now):
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - KEEP_KEYS_FOR).delete()
    return {"deleted": deleted}
