"""Writing the audit trail. Callers pass records, never personal data: only ids are kept."""

import json

from django.db import connections, router
from django.utils import timezone

from .client_address import client_ip
from .models import AuditAction, AuditEvent

__all__ = ["AuditAction", "record", "record_many", "client_ip"]


def _young_person_id(obj):
    if obj is None:
        return None
    if _object_type(obj) == "referrals.youngperson":
        return obj.pk
    return getattr(obj, "young_person_id", None)


def _object_type(obj):
    """A model's label ("referrals.referral"), or the `audit_type` of a record that is no model (a scheduled job)."""
    if obj is None:
        return ""
    meta = getattr(obj, "_meta", None)
    return meta.label_lower if meta is not None else obj.audit_type


def record(who, action, obj=None, *, young_person_id=None, detail=None, request=None, email=""):
    """Append one event. `who` is a request, an Acting, a user or None (a scheduled job)."""
    event = _event(who, action, obj, young_person_id=young_person_id, detail=detail, request=request, email=email)
    event.save(force_insert=True)
    return event


def _event(who, action, obj=None, *, young_person_id=None, detail=None, request=None, email=""):
    from .access import Acting

    acting = who
    if hasattr(who, "META"):  # a request
        request = who
        acting = getattr(who, "acting", None) or getattr(who, "user", None)
    user = acting.user if isinstance(acting, Acting) else acting
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    organisation = acting.organisation if isinstance(acting, Acting) else None
    return AuditEvent(
        actor=user,
        actor_email=(user.email if user is not None else email)[:254],
        organisation=organisation,
        action=action,
        object_type=_object_type(obj),
        object_id=str(obj.pk) if obj is not None else "",
        young_person_id=young_person_id if young_person_id is not None else _young_person_id(obj),
        ip_address=client_ip(request),
        detail=detail or {},
    )


# The columns are AuditEvent's (tests/partners/test_audit_many.py holds the rows to audit.record's): written out,
# so that nothing is put into the statement but its parameters.
_INSERT_MANY = (
    "INSERT INTO partners_auditevent (occurred_at, actor_id, actor_email, organisation_id, action, ip_address, "
    "object_type, object_id, young_person_id, detail) "
    "SELECT %s, %s, %s, %s, %s, %s::inet, t.* "
    "FROM unnest(%s::varchar[], %s::varchar[], %s::bigint[], %s::text[]::jsonb[]) AS t"
)


def record_many(who, action, items):
    """Append one event per (record, detail) pair in one insert: for jobs that change many records at once, and for
    the names a list page shows (a hundred on the triage queue). Answers how many were written.

    On PostgreSQL the rows are sent as four arrays and one INSERT ... SELECT unnest: what is the same for every
    row (who, when, from where) is sent once, and no model object is made for a row (bulk_create's per-field
    preparation of a hundred objects was half the cost of a queue page's audit)."""
    items = list(items)
    if not items:
        return 0
    common = _event(who, action)
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.vendor != "postgresql":
        events = [_event(who, action, obj, detail=detail) for obj, detail in items]
        return len(AuditEvent.objects.using(connection.alias).bulk_create(events))
    params = [timezone.now(), common.actor_id, common.actor_email, common.organisation_id, common.action,
              common.ip_address,
              [_object_type(obj) for obj, _ in items], [str(obj.pk) for obj, _ in items],
              [_young_person_id(obj) for obj, _ in items], [json.dumps(detail or {}) for _, detail in items]]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_MANY, params)
        return cursor.rowcount
