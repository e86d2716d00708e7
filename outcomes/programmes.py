"""The programmes a partner organisation runs: its administrators and managers list, add and deactivate them.

A deactivated programme stays on the interventions that used it; it is no longer offered for new ones
(selectors.programmes_of and the services' checks read `active`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from partners import access, audit
from partners.idempotency import once

from .models import Programme

MAX_SESSIONS = 52
NAME_LENGTH = Programme._meta.get_field("name").max_length


def programmes(acting):
    """The acting organisation's programmes, active first."""
    acting = access.require_capability(acting, "manage_programmes")
    own = access.visible(acting, Programme.objects.all()).filter(owner_id=acting.organisation.pk)
    return own.order_by("-active", "name", "pk")


def programme(acting, pk):
    return access.get_visible_or_404(acting, programmes(acting), pk=pk)


@transaction.atomic
def add_programme(acting, *, name, expected_sessions, idempotency_key=None):
    """A repeat with the same key returns the first programme (not "already runs a programme with this name")."""
    acting = access.require_capability(acting, "manage_programmes")
    return once(acting, idempotency_key, "add_programme", lambda: _add_programme(
        acting, name=name, expected_sessions=expected_sessions))


def _add_programme(acting, *, name, expected_sessions):
    problems = {}
    name = " ".join((name or "").split())
    if not name:
        problems["name"] = "Enter the programme's name"
    elif len(name) > NAME_LENGTH:
        problems["name"] = f"The name must be {NAME_LENGTH} characters or fewer"
    else:
        same = Programme.objects.filter(owner=acting.organisation, name__iexact=name).first()
        if same is not None:
            problems["name"] = ("Your organisation already runs a programme with this name" if same.active else
                                "A deactivated programme has this name: reactivate it from the list of programmes")
    if expected_sessions is None:
        problems["expected_sessions"] = "Enter the usual number of sessions"
    elif not 1 <= expected_sessions <= MAX_SESSIONS:
        problems["expected_sessions"] = f"The usual number of sessions must be between 1 and {MAX_SESSIONS}"
    if problems:
        raise ValidationError(problems)
    made = Programme.objects.create(owner=acting.organisation, name=name, expected_sessions=expected_sessions)
    audit.record(acting, audit.AuditAction.CREATE, made, detail={"expected_sessions": expected_sessions})
    return made


@transaction.atomic
def set_programme_active(acting, item, active):
    """Deactivate (or reactivate) one of the organisation's programmes. Doing it twice changes nothing more."""
    item = programme(acting, item.pk)
    item = Programme.objects.select_for_update().get(pk=item.pk)
    if item.active != active:
        item.active = active
        item.save(update_fields=["active"])
        audit.record(acting, audit.AuditAction.UPDATE, item, detail={"action": "reactivate" if active else "deactivate"})
    return item
