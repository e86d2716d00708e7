"""Writing the audit trail. Callers pass records, never personal data: only ids are kept."""

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


def record_many(who, action, items):
    """Append one event per (record, detail) pair in one insert: for jobs that change many records at once."""
    events = [_event(who, action, obj, detail=detail) for obj, detail in items]
    return AuditEvent.objects.bulk_create(events)
