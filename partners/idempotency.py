"""One request, one record: every create service can take an idempotency key.

`once(acting, key, action, create)` runs `create()` the first time a key is seen and returns what it made;
a repeat of the key returns that same record, marked `repeated`. Two requests with one key at the same moment: the second's
INSERT of the key waits on the unique index for the first transaction, then finds the key and returns the
first one's record. If the first request failed (bad input), nothing of it was kept, key included, and the
second goes ahead. Call it inside the service's transaction.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import IdempotencyKey

REUSED = "This was already sent for something else: reload the page, or send a new Idempotency-Key, and try again"


def once(acting, key, action, create):
    if key is None:
        return create()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(key=key, action=action, organisation=acting.organisation,
                                                   user=acting.user)
    except IntegrityError:
        record = IdempotencyKey.objects.get(key=key)
        if record.action != action or record.organisation_id != acting.organisation.pk or not record.object_id:
            raise ValidationError({"idempotency_key": REUSED}, code="idempotency_key") from None
        first = apps.get_model(record.object_type)._default_manager.get(pk=record.object_id)
        first.repeated = True  # the API answers a repeat 200, not 201
        return first
    made = create()
    record.object_type, record.object_id = made._meta.label_lower, str(made.pk)
    record.save(update_fields=["object_type", "object_id"])
    return made
