from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .access import as_acting, get_visible_or_404, visible
from .models import ApiToken, AuditEvent, Invitation, Membership, Organisation, User


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
    staff = {pk: [] for pk in organisations}
    for m in Membership.objects.filter(organisation_id__in=list(staff), role__in=roles, active=True).select_related("user"):
        staff[m.organisation_id].append(m.user)
    return staff


# --- Administration: an organisation's people and tokens, the VRU's list of organisations --------------------


def people_of(acting):
    """The organisation's people, with `here`: their membership rows in it (roles, active). Two queries a page."""
    org = as_acting(acting).organisation
    here = Prefetch("memberships", queryset=Membership.objects.filter(organisation=org), to_attr="here")
    return visible(acting, User.objects.all()).prefetch_related(here).order_by("full_name", "email")


def person_of(acting, pk):
    return get_visible_or_404(acting, people_of(acting), pk=pk)


def pending_invitation(person, organisation):
    return Invitation.objects.filter(user=person, organisation=organisation, used_at__isnull=True,
                                     replaced_at__isnull=True).order_by("-created_at").first()


def tokens_of(acting):
    return visible(acting, ApiToken.objects.select_related("user")).order_by("revoked_at", "-created_at", "-id")


def organisations_for_admin(acting):
    """Every organisation, with how many people act for it (active memberships), for the VRU's administrators."""
    people = Count("memberships__user", filter=Q(memberships__active=True), distinct=True)
    providers = Organisation.objects.filter(pk=OuterRef("pk"), sign_in_provider__isnull=False)
    return visible(acting, Organisation.objects.annotate(people=people, single_sign_on=Exists(providers))).order_by(
        "-active", "name")
