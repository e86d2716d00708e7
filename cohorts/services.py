"""Every write to cohorts: one function per business action, each in one transaction, each audited.

Each takes `acting` and `now` (an aware datetime; `today` is its London date, so tests never patch the clock),
checks access through partners.access (404 for a record the caller may not see, 403 for a role that may not
act), and raises ValidationError (field -> message) before writing anything. Tier history is kept as
TierChange rows: joining, each change and leaving, with who, when and why.

The VRU (capability manage_cohorts) creates cohorts, adds and removes members, changes tiers, records reviews
and adds plan actions. The organisation that owns a plan action may update its status too.
"""

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import clock
from core.clock import long_date
from notifications.models import Notification
from notifications.services import notify
from partners import access, audit
from partners.idempotency import once
from partners.models import Area, Membership, Role
from referrals.models import YoungPerson

from . import notices, rules, selectors
from .models import Cohort, CohortMembership, PlanAction, Review, TierChange

A = audit.AuditAction
COHORT_KINDS = selectors.COHORT_KINDS
# Who, in the organisation owning a plan action, may update its status.


def _text(value):
    return (value or "").strip()


def _manager(acting):
    return access.require_capability(acting, "manage_cohorts")


def _tier_problem(model, tier):
    if tier is None:
        return "Select a tier"
    if not rules.is_valid_tier(model, tier):
        return f"Select a tier of the {rules.TIER_MODELS.get(model, 'cohort')}: 1 to {max(rules.TIERS.get(model, {0: ''}))}"
    return None


def _open(member):
    if not member.is_open:
        raise ValidationError(f"This young person left the cohort on {long_date(member.left_on)}: add them again to change this.",
                              code="left")


def _keyed(action):
    """A create that takes an idempotency key (partners/idempotency.py): the VRU check, then the key, then the
    create, so a repeat returns the first record before any rule could refuse it as a duplicate."""
    def wrap(create):
        @functools.wraps(create)
        @transaction.atomic
        def service(acting, *args, idempotency_key=None, **kwargs):
            acting = _manager(acting)
            return once(acting, idempotency_key, action, lambda: create(acting, *args, **kwargs))
        return service
    return wrap


def _history(member, acting, kind, *, from_tier, to_tier, reason, now, review=None):
    return TierChange.objects.create(membership=member, kind=kind, from_tier=from_tier, to_tier=to_tier, reason=reason,
                                     review=review, by=acting.user, organisation=acting.organisation, at=now)


# --- Cohorts -----------------------------------------------------------------------------------------------


@_keyed("create_cohort")
@transaction.atomic
def create_cohort(acting, *, name, area, tier_model, lead_organisation, now, partner_organisations=(),
                  review_weeks=rules.DEFAULT_REVIEW_WEEKS):
    acting = _manager(acting)
    name = _text(name)
    partners = {o.pk: o for o in partner_organisations or () if o is not None}
    problems = {}
    if not name:
        problems["name"] = "Enter the cohort's name"
    elif len(name) > 200:
        problems["name"] = "The name must be 200 characters or fewer"
    elif Cohort.objects.filter(name__iexact=name).exists():
        problems["name"] = "A cohort with this name already exists"
    if area not in Area.values:
        problems["area"] = "Select the area"
    if tier_model not in rules.TIER_MODELS:
        problems["tier_model"] = "Select the tier model"
    if lead_organisation is None or not lead_organisation.active or lead_organisation.kind not in COHORT_KINDS:
        problems["lead_organisation"] = (
            "Select the lead organisation: the VRU, police, a YOS, a voluntary or local authority body"
        )
    if any(not o.active or o.kind not in COHORT_KINDS for o in partners.values()):
        problems["partner_organisations"] = "Partners must be active police, YOS, voluntary sector or local authority bodies"
    if not isinstance(review_weeks, int) or not 1 <= review_weeks <= rules.MAX_REVIEW_WEEKS:
        problems["review_weeks"] = f"Enter how often members are reviewed: 1 to {rules.MAX_REVIEW_WEEKS} weeks"
    if problems:
        raise ValidationError(problems)
    partners.pop(lead_organisation.pk, None)  # the lead is named once
    item = Cohort.objects.create(name=name, area=area, tier_model=tier_model, lead_organisation=lead_organisation,
                                 review_weeks=review_weeks, created_by=acting.user, created_at=now)
    item.partner_organisations.set(list(partners.values()))
    audit.record(acting, A.CREATE, item, detail={"action": "create_cohort", "lead": lead_organisation.pk,
                                                 "partners": sorted(partners)})
    return item


# --- Members -----------------------------------------------------------------------------------------------


@_keyed("add_member")
@transaction.atomic
def add_member(acting, cohort, *, young_person, tier, lead_agency, reason, now, joined_on=None):
    """A young person joins the cohort in a tier, with a lead agency named on the cohort and a reason.

    The cohort's organisations need to know who the member is: the membership itself lets them see the
    young person's record (cohorts/access.py), as a diversion case does its lead agency.
    """
    acting = _manager(acting)
    item = selectors.cohort(acting, cohort, for_update=True)  # serialises adds to one cohort
    today = clock.today(now)
    joined_on = joined_on or today
    reason = _text(reason)
    organisations = selectors.cohort_organisations(item)
    problems = {}
    person = None
    if young_person is None:
        problems["young_person"] = "Select a young person"
    else:
        person = access.visible(acting, YoungPerson.objects.filter(
            pk=getattr(young_person, "pk", young_person), merged_into__isnull=True, anonymised_at__isnull=True)).first()
        if person is None:
            problems["young_person"] = "Select a young person known to the portal"
        elif item.memberships.filter(young_person=person, left_on__isnull=True).exists():
            problems["young_person"] = "This young person is already in the cohort"
    tier_problem = _tier_problem(item.tier_model, tier)
    if tier_problem:
        problems["tier"] = tier_problem
    if lead_agency is None or lead_agency.pk not in {o.pk for o in organisations}:
        problems["lead_agency"] = "Select the lead agency from the cohort's organisations"
    if not reason:
        problems["reason"] = "Explain why the young person joins the cohort"
    if joined_on > today:
        problems["joined_on"] = "The date they joined must be today or in the past"
    if problems:
        raise ValidationError(problems)
    if not item.active:
        raise ValidationError("This cohort is closed: it takes no new members.", code="inactive")
    try:
        with transaction.atomic():
            member = CohortMembership.objects.create(
                cohort=item, young_person=person, tier=tier, lead_agency=lead_agency, reason=reason, joined_on=joined_on,
                next_review_on=rules.next_review_on(joined_on, item.review_weeks), added_by=acting.user, created_at=now,
            )
    except IntegrityError:
        raise ValidationError({"young_person": "This young person is already in the cohort"}) from None
    _history(member, acting, TierChange.Kind.JOINED, from_tier=None, to_tier=tier, reason=reason, now=now)
    audit.record(acting, A.CREATE, member, detail={"action": "add_member", "cohort": item.pk, "tier": tier})
    return member


@transaction.atomic
def change_tier(acting, membership, *, tier, reason, now):
    acting = _manager(acting)
    member = selectors.membership(acting, membership, for_update=True)
    _open(member)
    reason = _text(reason)
    problems = {}
    tier_problem = _tier_problem(member.cohort.tier_model, tier)
    if tier_problem:
        problems["tier"] = tier_problem
    elif tier == member.tier:
        problems["tier"] = f"The young person is already in tier {tier}: select a different tier"
    if not reason:
        problems["reason"] = "Explain why the tier changes"
    if problems:
        raise ValidationError(problems)
    before = member.tier
    member.tier = tier
    member.save(update_fields=["tier"])
    _history(member, acting, TierChange.Kind.CHANGED, from_tier=before, to_tier=tier, reason=reason, now=now)
    audit.record(acting, A.UPDATE, member, detail={"action": "change_tier", "from": before, "to": tier})
    return member


@transaction.atomic
def remove_member(acting, membership, *, reason, now, left_on=None):
    """The young person leaves the cohort: the membership closes with the date and why; the history stays."""
    acting = _manager(acting)
    member = selectors.membership(acting, membership, for_update=True)
    _open(member)
    today = clock.today(now)
    left_on = left_on or today
    reason = _text(reason)
    problems = {}
    if not reason:
        problems["reason"] = "Explain why the young person leaves the cohort"
    if left_on > today:
        problems["left_on"] = "The date they left must be today or in the past"
    elif left_on < member.joined_on:
        problems["left_on"] = f"The date they left must be on or after they joined, {long_date(member.joined_on)}"
    if problems:
        raise ValidationError(problems)
    member.left_on, member.left_reason, member.next_review_on = left_on, reason, None
    member.save(update_fields=["left_on", "left_reason", "next_review_on"])
    _history(member, acting, TierChange.Kind.LEFT, from_tier=member.tier, to_tier=None, reason=reason, now=now)
    audit.record(acting, A.UPDATE, member, detail={"action": "remove_member", "left_on": left_on.isoformat()})
    return member


# --- Reviews -----------------------------------------------------------------------------------------------


@_keyed("record_review")
@transaction.atomic
def record_review(acting, membership, *, held_on, summary, tier_decision, now, attendees=(), next_review_on=None):
    """A review of one member: who attended, what was said, the tier decided and when the next review is.

    The next review defaults to the cohort's cadence after this one (4 weeks unless the cohort says otherwise).
    A tier decided that differs from the member's tier changes it, with the review as the reason.
    """
    acting = _manager(acting)
    member = selectors.membership(acting, membership, for_update=True)
    _open(member)
    cohort = member.cohort
    today = clock.today(now)
    summary = _text(summary)
    attendees = {o.pk: o for o in attendees or () if o is not None}
    latest = member.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    problems = {}
    if held_on is None:
        problems["held_on"] = "Enter the date of the review"
    elif held_on > today:
        problems["held_on"] = "The review date must be today or in the past"
    elif held_on < member.joined_on:
        problems["held_on"] = f"The review date must be on or after the young person joined, {long_date(member.joined_on)}"
    elif latest is not None and held_on < latest:
        problems["held_on"] = f"A later review is already recorded ({long_date(latest)}): enter a date on or after it"
    if not attendees:
        problems["attendees"] = "Select the organisations that attended"
    elif any(not o.active for o in attendees.values()):
        problems["attendees"] = "Select active organisations"
    if not summary:
        problems["summary"] = "Summarise the review"
    tier_problem = _tier_problem(cohort.tier_model, tier_decision)
    if tier_problem:
        problems["tier_decision"] = tier_problem
    if held_on is not None and "held_on" not in problems:
        next_review_on = next_review_on or rules.next_review_on(held_on, cohort.review_weeks)
        if next_review_on <= held_on:
            problems["next_review_on"] = "The next review must be after this one"
    if problems:
        raise ValidationError(problems)
    review = Review.objects.create(membership=member, held_on=held_on, summary=summary, tier_decision=tier_decision,
                                   next_review_on=next_review_on, recorded_by=acting.user, recorded_at=now)
    review.attendees.set(list(attendees.values()))
    fields = ["next_review_on"]
    if tier_decision != member.tier:
        _history(member, acting, TierChange.Kind.CHANGED, from_tier=member.tier, to_tier=tier_decision, now=now,
                 review=review, reason=f"Decided at the review of {long_date(held_on)}")
        member.tier = tier_decision
        fields.append("tier")
    member.next_review_on = next_review_on
    member.save(update_fields=fields)
    audit.record(acting, A.CREATE, review, young_person_id=member.young_person_id,
                 detail={"action": "record_review", "membership": member.pk, "tier": tier_decision})
    return review


# --- The 4P plan -------------------------------------------------------------------------------------------


@_keyed("add_plan_action")
@transaction.atomic
def add_plan_action(acting, membership, *, strand, description, owner, due_on, now):
    acting = _manager(acting)
    member = selectors.membership(acting, membership, for_update=True)
    _open(member)
    today = clock.today(now)
    description = _text(description)
    owners = {o.pk for o in selectors.action_owners(member.cohort, acting)}
    problems = {}
    if strand not in rules.STRANDS:
        problems["strand"] = "Select which of the four Ps the action is for"
    if not description:
        problems["description"] = "Describe the action"
    elif len(description) > 300:
        problems["description"] = "Describe the action in 300 characters or fewer"
    if owner is None or owner.pk not in owners:
        problems["owner"] = "Select the organisation that owns the action: one named on the cohort"
    if due_on is None:
        problems["due_on"] = "Enter the date the action is due"
    elif due_on < today:
        problems["due_on"] = "The due date must be today or in the future"
    if problems:
        raise ValidationError(problems)
    action = PlanAction.objects.create(membership=member, strand=strand, description=description, owner=owner,
                                       due_on=due_on, created_by=acting.user, created_at=now)
    audit.record(acting, A.CREATE, action, young_person_id=member.young_person_id,
                 detail={"action": "add_plan_action", "membership": member.pk, "strand": strand, "owner": owner.pk})
    return action


@transaction.atomic
def update_plan_action(acting, action, *, status, now, note=""):
    """Mark an action done, dropped (saying why) or open again."""
    acting = access.as_acting(acting)
    queryset = PlanAction.objects.select_for_update(of=("self",)).select_related("membership")
    action = access.get_visible_or_404(acting, queryset, pk=getattr(action, "pk", action))
    access.require_to(acting, "cohorts.update_plan_action", action)
    note = _text(note)
    problems = {}
    if status not in rules.ACTION_STATUSES:
        problems["status"] = "Select the action's status"
    elif status == action.status and note == action.status_note:
        problems["status"] = f"The action is already {rules.ACTION_STATUSES[status].lower()}"
    if status == rules.DROPPED and not note:
        problems["note"] = "Explain why the action is dropped"
    if problems:
        raise ValidationError(problems)
    before = action.status
    action.status, action.status_note, action.updated_by, action.updated_at = status, note, acting.user, now
    action.save(update_fields=["status", "status_note", "updated_by", "updated_at"])
    audit.record(acting, A.UPDATE, action, young_person_id=action.membership.young_person_id,
                 detail={"action": "update_plan_action", "from": before, "to": status})
    return action



# --- The daily review check --------------------------------------------------------------------------------


def review_key(member):
    return f"cohort-member:{member.pk}:review:{member.next_review_on.isoformat()}"


def flag_due_reviews(*, now):
    """Members whose review falls due today or is overdue: told once per review date to the managers of the
    cohort's lead organisation and to the VRU person who created the cohort (the cohort's owner).

    Set-based: one query finds the members, one their recipients, one what each was already told; a second
    run tells nobody again (the notification's key is unique per user). The message names the cohort and the
    member's number, never the young person.
    """
    today = clock.today(now)
    due = list(selectors.reviews_due(today).select_related("cohort__created_by"))
    managers = {}
    for row in Membership.objects.filter(organisation_id__in={m.cohort.lead_organisation_id for m in due},
                                         role=Role.MANAGER, active=True, user__is_active=True).select_related("user"):
        managers.setdefault(row.organisation_id, []).append(row.user)
    keys = {m.pk: review_key(m) for m in due}
    told = set(Notification.objects.filter(key__in=list(keys.values())).values_list("user_id", "key"))
    counts = {"due": len(due), "flagged": 0, "notifications": 0}
    for member in due:
        key = keys[member.pk]
        people = [*managers.get(member.cohort.lead_organisation_id, []), member.cohort.created_by]
        people = [p for p in people if (p.pk, key) not in told]
        if not people:
            continue
        created = notify(people, kind="cohort_review", key=key, organisations=[member.cohort.lead_organisation_id],
                         **notices.review_due(member, late=member.next_review_on < today))
        counts["flagged"] += bool(created)
        counts["notifications"] += len(created)
    return counts
