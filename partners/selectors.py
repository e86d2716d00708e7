from .access import visible
from .models import AuditEvent


def audit_events(acting, *, user=None, organisation=None, action="", object_type="", object_id="",
                 date_from=None, date_to=None):
    events = visible(acting, AuditEvent.objects.select_related("organisation"))
    if user:
        events = events.filter(actor=user)
    if organisation:
        events = events.filter(organisation=organisation)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if date_from:
        events = events.filter(occurred_at__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__lte=date_to)
    return events.order_by("-occurred_at", "-id")


def staff_of(organisation, roles):
    """The people of an organisation (or its id) in the given roles: who to tell about its work."""
    pk = getattr(organisation, "pk", organisation)
    return staff_by_organisation([pk], roles)[pk]


def staff_by_organisation(organisations, roles):
    """staff_of for many organisations (ids) in one query: organisation id -> its people in those roles."""
    from .models import Membership

    staff = {pk: [] for pk in organisations}
    for m in Membership.objects.filter(organisation_id__in=list(staff), role__in=roles).select_related("user"):
        staff[m.organisation_id].append(m.user)
    return staff
