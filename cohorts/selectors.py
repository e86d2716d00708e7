"""Reads of cohorts, always through the access policy (partners.access with the scopes in cohorts/access.py).

Pages cost a constant number of queries whatever the number of cohorts or members: counts are subquery
annotations and related rows are prefetched, never a query per row. Opening a member's page is an audited
view of the young person; so is a cohort's page (one event for the cohort) and a search for young people.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from core import clock
from partners import access, audit
from partners.models import Organisation, OrganisationKind
from referrals import search, terms
from referrals.models import YoungPerson

from . import rules
from .models import Cohort, CohortMembership, PlanAction, Review, TierChange

# Who may lead or join a cohort: the VRU and the partner agencies; schools take part through those agencies.
COHORT_KINDS = (OrganisationKind.VRU, OrganisationKind.POLICE, OrganisationKind.YOS, OrganisationKind.VOLUNTARY,
                OrganisationKind.LOCAL_AUTHORITY)


def _count(queryset):
    """A correlated COUNT(*) as an annotation (0, not null, when nothing matches)."""
    counted = queryset.order_by().values("cohort_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _partners():
    return Prefetch("partner_organisations", queryset=Organisation.objects.order_by("name"))


# --- Cohorts ---------------------------------------------------------------------------------------


def cohorts_for(acting, *, today=None):
    """The cohorts this organisation may see (all for the VRU), by name, each with its member and review counts."""
    today = today or clock.today()
    open_members = CohortMembership.objects.filter(cohort_id=OuterRef("pk"), left_on__isnull=True)
    return (
        access.visible(acting, Cohort.objects.select_related("lead_organisation").prefetch_related(_partners()))
        .annotate(
            member_count=_count(open_members),
            overdue_count=_count(open_members.filter(next_review_on__lt=today)),
            due_today_count=_count(open_members.filter(next_review_on=today)),
        )
        .order_by("-active", "name", "id")
    )


def cohort(acting, pk, *, for_update=False):
    """One cohort through the policy: 404 when not visible."""
    queryset = Cohort.objects.select_related("lead_organisation")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    return access.get_visible_or_404(acting, queryset, pk=getattr(pk, "pk", pk))


def _plan_counts(today):
    """Per member: open and overdue actions in each of the four Ps (one join, filtered counts)."""
    counts = {}
    for strand in rules.STRANDS:
        counts[f"open_{strand}"] = Count("plan_actions", filter=Q(plan_actions__strand=strand,
                                                                   plan_actions__status=rules.OPEN))
    counts["actions_overdue"] = Count("plan_actions", filter=Q(plan_actions__status=rules.OPEN,
                                                               plan_actions__due_on__lt=today))
    counts["actions_total"] = Count("plan_actions")
    return counts


def cohort_page(acting, pk, *, today=None):
    """A cohort's page: its current members grouped by tier (with review state and 4P summary) and past members.

    Viewing it shows young people's names, so it is audited (one event for the cohort).
    """
    today = today or clock.today()
    item = access.get_visible_or_404(
        acting, Cohort.objects.select_related("lead_organisation", "created_by").prefetch_related(_partners()), pk=pk
    )
    # A cohort's members are visible to exactly those who see the cohort (cohorts/access.py), so no second check.
    members = list(
        item.memberships.filter(left_on__isnull=True)
        .select_related("young_person", "lead_agency")
        .annotate(**_plan_counts(today))
        .order_by("tier", "young_person__family_name", "young_person__given_name", "id")
    )
    for member in members:
        member.review_state = rules.review_state(member.next_review_on, today)
        member.plan = [(label, getattr(member, f"open_{strand}")) for strand, label in rules.STRANDS.items()]
    by_tier = []
    for tier, label in rules.tier_choices(item.tier_model):
        in_tier = [m for m in members if m.tier == tier]
        by_tier.append({"tier": tier, "label": rules.tier_label(item.tier_model, tier), "name": label, "members": in_tier})
    past = list(item.memberships.filter(left_on__isnull=False).select_related("young_person").order_by("-left_on", "-id"))
    audit.record(acting, audit.AuditAction.VIEW, item, detail={"members": len(members)})
    return {
        "cohort": item, "tiers": by_tier, "members": members, "past": past, "today": today,
        "overdue": [m for m in members if m.review_state == rules.OVERDUE],
        "due_today": [m for m in members if m.review_state == rules.DUE],
    }


# --- Members ---------------------------------------------------------------------------------------


def _tier_changes():
    return TierChange.objects.select_related("by", "organisation").order_by("at", "id")


def _reviews():
    return Review.objects.select_related("recorded_by").prefetch_related(
        Prefetch("attendees", queryset=Organisation.objects.order_by("name"))
    ).order_by("held_on", "id")


def _actions():
    return PlanAction.objects.select_related("owner", "updated_by").order_by("due_on", "id")


def membership(acting, pk, *, for_update=False):
    """One membership through the policy (404 when not visible), its cohort with it. Not audited: for writes."""
    queryset = CohortMembership.objects.select_related("cohort", "young_person")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    return access.get_visible_or_404(acting, queryset, pk=getattr(pk, "pk", pk))


def member_detail(acting, pk):
    """A member's page: tier history, reviews and the 4P plan. Viewing it is audited against the young person."""
    queryset = CohortMembership.objects.select_related(
        "cohort", "cohort__lead_organisation", "young_person", "lead_agency", "added_by"
    ).prefetch_related(
        Prefetch("cohort__partner_organisations", queryset=Organisation.objects.order_by("name")),
        Prefetch("tier_changes", queryset=_tier_changes()),
        Prefetch("reviews", queryset=_reviews()),
        Prefetch("plan_actions", queryset=_actions()),
    )
    member = access.get_visible_or_404(acting, queryset, pk=pk)
    audit.record(acting, audit.AuditAction.VIEW, member)
    return member


def review_state(member, today):
    return rules.review_state(member.next_review_on, today)


def plan_by_strand(member, today):
    """The member's plan actions grouped under the four Ps, each flagged when open past its due date."""
    actions = list(member.plan_actions.all())
    for action in actions:
        action.overdue = rules.action_is_overdue(action.status, action.due_on, today)
    return [{"strand": strand, "label": label, "actions": [a for a in actions if a.strand == strand]}
            for strand, label in rules.STRANDS.items()]


def memberships_of(acting, young_person):
    """The cohort memberships of a young person (and of records merged into them) in cohorts the viewer may see.

    For the young person's page, which records the view itself.
    """
    pk = getattr(young_person, "pk", young_person)
    ids = [pk, *YoungPerson.objects.filter(merged_into_id=pk).values_list("pk", flat=True)]
    return (
        access.visible(acting, CohortMembership.objects.filter(young_person_id__in=ids))
        .select_related("cohort", "lead_agency")
        .prefetch_related(Prefetch("tier_changes", queryset=_tier_changes()))
        .order_by("-joined_on", "-id")
    )


def cohort_organisations(item):
    """The organisations named on a cohort: its lead first, then its partners by name."""
    partners = [o for o in item.partner_organisations.all() if o.pk != item.lead_organisation_id]
    return [item.lead_organisation, *sorted(partners, key=lambda o: o.name)]


def action_owners(item, acting):
    """The organisations that may own an action of this cohort's members: those named on it, and the VRU acting."""
    organisations = cohort_organisations(item)
    if acting.organisation is not None and acting.organisation.pk not in {o.pk for o in organisations}:
        organisations.append(acting.organisation)
    return organisations


def cohort_organisation_choices():
    """Organisations that may lead or partner a cohort."""
    return Organisation.objects.filter(kind__in=COHORT_KINDS, active=True).order_by("name")


def search_young_people(acting, query, *, today):
    """The young people to choose from on *add member*: the portal's one search (referrals/search.py), closest first,
    each with why it matched. Audited as a search from the cohort page."""
    return search.find_young_people(acting, terms.parse(query, today=today), where="cohort")


# --- The daily job ---------------------------------------------------------------------------------


def reviews_due(today):
    """Open memberships of active cohorts whose next review is today or earlier (uses the member_review_due index)."""
    return (
        CohortMembership.objects.filter(left_on__isnull=True, next_review_on__lte=today, cohort__active=True)
        .select_related("cohort")
        .order_by("next_review_on", "id")
    )
