"""The one access policy of the portal.

Every view, API endpoint, task and export asks this module four questions:
- may this person, acting for this organisation, do this kind of thing at all (`can`)?
- which records of a queryset may they see (`visible`)?
- may they see this one record (`require`, which answers "not found", never a hint)?
- may they do this to this record (`may` for a page's flags, `require_to` in services)?

What an organisation sees follows live relations, written as conditions in each model's
scope (SCOPES, which each app fills from its access.py): a referral it made, an allocation
to it not handed back, a diversion case it leads or decided, a cohort it is named on. Nothing
is granted or revoked, so ending one relation (a hand-back) hides nothing that another still
gives. Each condition is one index probe per record; no object-permission rows are kept.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q

from .models import Organisation, OrganisationKind, Role

SESSION_KEY = "acting_organisation_id"


class NotFound(Exception):
    """No such record, or not this person's: one answer for both. Pages answer 404 (partners.middleware), the
    API a 404 JSON (partners.api_errors). Not Http404, so that services and selectors know nothing of the web."""

    denial = None  # the audit event of a refused action that answers "not found" (require_to(..., hide=True))


class NotAllowed(PermissionDenied):
    """A person who may see a record but not do this to it: 403, with a message a person can read."""

    def __init__(self, message, *, denial=None):
        super().__init__(message)
        self.denial = denial


@dataclass(frozen=True)
class Acting:
    """Who is asking: a user acting for one organisation, with their roles there."""

    user: object
    organisation: Organisation | None
    roles: frozenset = field(default_factory=frozenset)

    @property
    def kind(self):
        return self.organisation.kind if self.organisation else None

    def has_role(self, *roles):
        return bool(self.roles.intersection(roles))

    @property
    def is_vru(self):
        return self.kind == OrganisationKind.VRU


NOBODY = Acting(user=None, organisation=None)


def acting_for(user, organisation_id=None) -> Acting:
    """The Acting of a user for the chosen organisation (or their first, if none was chosen)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    # A deactivated membership (partners.admin_services.deactivate_person) counts for nothing, here and so
    # for sessions and API tokens alike; the person's other organisations are untouched.
    memberships = [m for m in user.memberships.select_related("organisation") if m.active and m.organisation.active]
    if not memberships:
        return Acting(user=user, organisation=None)
    chosen = [m for m in memberships if m.organisation_id == organisation_id] or [
        m for m in memberships if m.organisation_id == memberships[0].organisation_id
    ]
    org = chosen[0].organisation
    return Acting(user=user, organisation=org, roles=frozenset(m.role for m in memberships if m.organisation_id == org.id))


def as_acting(who) -> Acting:
    """Accept an Acting, a request (which carries .acting) or a bare user."""
    if isinstance(who, Acting):
        return who
    acting = getattr(who, "acting", None)
    if isinstance(acting, Acting):
        return acting
    return acting_for(who)


def organisations_of(user):
    return Organisation.objects.filter(memberships__user=user, memberships__active=True, active=True).distinct().order_by("name")


# --- What a role may do -------------------------------------------------------------

R = Role
K = OrganisationKind
# The organisations that work with young people (police included: they run diversion cases); the VRU and the
# referrers are not among them. Not the same set as referrals.selectors.ALLOCATABLE_KINDS.
WORKING_PARTNER_KINDS = {K.YOS, K.VOLUNTARY, K.LOCAL_AUTHORITY, K.POLICE}

CAPABILITIES: dict[str, Callable[[Acting], bool]] = {
    "refer": lambda a: a.has_role(R.REFERRER),
    "triage": lambda a: a.is_vru and a.has_role(R.TRIAGER, R.MANAGER),
    "work_allocations": lambda a: a.kind in WORKING_PARTNER_KINDS and a.has_role(R.CASEWORKER, R.MANAGER),
    "record_session": lambda a: a.kind in WORKING_PARTNER_KINDS and a.has_role(R.CASEWORKER),
    "decide_diversion": lambda a: a.kind == K.POLICE and a.has_role(R.DECISION_MAKER),
    "confirm_breach": lambda a: (a.kind == K.POLICE and a.has_role(R.DECISION_MAKER))
    or (a.kind in WORKING_PARTNER_KINDS and a.has_role(R.MANAGER)),
    "manage_cohorts": lambda a: a.is_vru and a.has_role(R.TRIAGER, R.MANAGER),
    # Which cohorts is the scope's business (cohorts/access.py): those naming the organisation, all for the VRU.
    "view_cohorts": lambda a: (a.is_vru and a.has_role(R.TRIAGER, R.MANAGER))
    or (a.kind in WORKING_PARTNER_KINDS and a.has_role(R.CASEWORKER, R.MANAGER, R.DECISION_MAKER)),
    "view_figures": lambda a: a.has_role(R.MANAGER),
    "manage_population": lambda a: a.is_vru and a.has_role(R.MANAGER),
    "view_audit": lambda a: a.is_vru and a.has_role(R.MANAGER),
    "view_outbox": lambda a: a.is_vru and a.has_role(R.MANAGER, R.TRIAGER),
    # The VRU's administrators run jobs by hand (jobs.run_now), so they see the page too.
    "view_jobs": lambda a: a.is_vru and a.has_role(R.MANAGER, R.ORG_ADMIN),
    "run_jobs": lambda a: a.is_vru and a.has_role(R.ORG_ADMIN),
    # An administrator manages their own organisation's people and API tokens (partners/admin_services.py).
    "manage_organisation": lambda a: a.has_role(R.ORG_ADMIN),
    # The VRU's administrators add organisations (with their first administrator) and deactivate them.
    "onboard_organisations": lambda a: a.is_vru and a.has_role(R.ORG_ADMIN),
    # The programmes a partner runs (outcomes/programmes.py): what its interventions are chosen from.
    "manage_programmes": lambda a: a.kind in WORKING_PARTNER_KINDS and a.has_role(R.ORG_ADMIN, R.MANAGER),
    # The case pages: police decision makers, the lead agencies' caseworkers and managers, the VRU's triagers and
    # managers. Which cases each sees is the scope's business; a school or an administrator gets 403.
    # Find a young person (referrals/search.py): every staff role; an administrator's work is people, not cases.
    # Who is found is the scope's business: a school finds only those it referred.
    "search_young_people": lambda a: a.has_role(R.REFERRER, R.TRIAGER, R.CASEWORKER, R.DECISION_MAKER, R.MANAGER),
    "view_cases": lambda a: any(CAPABILITIES[c](a) for c in ("decide_diversion", "work_allocations", "triage")),
}


def can(who, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability: {capability}")
    acting = as_acting(who)
    return acting.organisation is not None and CAPABILITIES[capability](acting)


def require_capability(who, capability: str) -> Acting:
    """For pages and actions a role may not use at all: 403 (no record is revealed)."""
    if not can(who, capability):
        raise PermissionDenied(f"Your role does not allow this: {capability}.")
    return as_acting(who)


# --- What a person may do to one record -----------------------------------------------


@dataclass(frozen=True)
class Rule:
    """`allows(acting, obj)`: a pure function of who is acting and the record's own fields (no query of its own,
    so a page may ask it for every button). `message`: what a person is told when they may not."""

    allows: Callable[[Acting, object], bool]
    message: str


# Keyed by "app_label.verb". Each app registers its own from its access.py when it is ready (see its apps.py).
ACTIONS: dict[str, Rule] = {}


def register_rule(action: str, rule: Callable[[Acting, object], bool], message: str = "You may not do this."):
    ACTIONS[action] = Rule(rule, message)


def may(who, action: str, obj) -> bool:
    """May this person do `action` to `obj`? For a page's or a serializer's flags: never audited, so that showing
    a button costs no query (services call require_to, which audits a refusal)."""
    if action not in ACTIONS:
        raise KeyError(f"Unknown action: {action}")
    acting = as_acting(who)
    return acting.organisation is not None and acting.user is not None and bool(ACTIONS[action].allows(acting, obj))


def require_to(who, action: str, obj, *, hide: bool = False) -> Acting:
    """The Acting if this person may do `action` to `obj`; otherwise NotAllowed (403) with the rule's message, or,
    with `hide`, NotFound for a record whose very existence the person must not learn (another's allocation).

    A refusal is audited (AuditAction.DENIED, one insert). An allowed action is not audited here: the service's
    own event of what it did is the record of it, so an allowed action costs no query more than before. A refusal
    inside a transaction is rolled back with it; the web and API error handlers write it again (keep_denial).
    """
    acting = as_acting(who)
    if may(acting, action, obj):
        return acting
    from . import audit

    denial = audit.record(acting, audit.AuditAction.DENIED, obj, detail={"action": action})
    if hide:
        error = NotFound("No such record.")
        error.denial = denial
        raise error
    raise NotAllowed(ACTIONS[action].message, denial=denial)


def keep_denial(error):
    """Write again the audit event of a refusal whose transaction was rolled back (the error handlers call this)."""
    from .models import AuditEvent

    denial = getattr(error, "denial", None)
    if denial is not None and not AuditEvent.objects.filter(pk=denial.pk).exists():
        denial.save(force_insert=True)


def _is_own_token(a: Acting, token) -> bool:
    return token.user_id == a.user.pk


register_rule("partners.revoke_token",
              lambda a, token: _is_own_token(a, token)
              or (a.organisation.pk == token.organisation_id and a.has_role(R.ORG_ADMIN)),
              "Only the token's own person or an administrator of its organisation can revoke it.")
# A token acts as its user: only an administrator gives one to another person of the organisation.
# A job (jobs.registry.Job) is nobody's record: only the VRU's administrators start one outside its schedule.
register_rule("jobs.run_now", lambda a, job: can(a, "run_jobs"), "Only the VRU's administrators can run a job now.")
register_rule("partners.make_token_for", lambda a, user: user.pk == a.user.pk or can(a, "manage_organisation"),
              "Your role does not allow this: manage_organisation.")
# An administrator resets another member's factors; a person changes their own on *Your sign-in*.
register_rule("partners.reset_factors", lambda a, person: can(a, "manage_organisation") and person.pk != a.user.pk,
              "Only an administrator of this organisation can reset another member's second factors.")


# --- Which records a person may see -------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """How one model is scoped.

    `everything`: the organisation sees every row (the VRU sees every young person).
    `own`: the conditions under which it sees a row, OR-ed: one callable or several, each taking the Acting and
    answering a Q or None (no row by this relation). Each is a live relation (a referral made, an
    allocation not handed back, a case led), so what one path ends does not hide what another still gives.
    """

    everything: Callable[[Acting], bool] = lambda a: False
    own: Callable[[Acting], Q | None] | tuple | None = None

    @property
    def conditions(self) -> tuple:
        if self.own is None:
            return ()
        return tuple(self.own) if isinstance(self.own, tuple | list) else (self.own,)


def _member_of(a: Acting) -> Q:
    from .models import Membership

    return Q(Exists(Membership.objects.filter(user_id=OuterRef("pk"), organisation_id=a.organisation.pk)))


# Keyed by "app_label.model"; each app registers its own models' scopes from its access.py (referrals, outcomes,
# cohorts), so this module imports no app above it.
SCOPES: dict[str, Scope] = {
    "partners.organisation": Scope(everything=lambda a: True),
    # People and API tokens: an organisation sees its own (a person of several organisations, in each of them).
    "partners.user": Scope(own=_member_of),
    "partners.apitoken": Scope(own=lambda a: Q(organisation_id=a.organisation.pk)),
    "partners.invitation": Scope(own=lambda a: Q(organisation_id=a.organisation.pk)),
    "partners.auditevent": Scope(everything=lambda a: can(a, "view_audit")),
}


def register_scope(label: str, scope: Scope):
    SCOPES[label] = scope


def extend_scope(label: str, own: Callable[[Acting], Q | None]):
    """OR one more condition into a model's scope: the app that owns a relation adds it (cohorts/access.py)."""
    scope = SCOPES.get(label, Scope())
    if own not in scope.conditions:
        SCOPES[label] = replace(scope, own=(*scope.conditions, own))


def register_app(policy):
    """Register an app's access module (its apps.py calls this in ready()): SCOPES of its own models, EXTENSIONS
    of other apps' scopes by a relation it owns, RULES for what a person may do to its records, and NAMES for how the
    audit trail names its records (partners.audit_words)."""
    for label, scope in getattr(policy, "SCOPES", {}).items():
        register_scope(label, scope)
    for label, own in getattr(policy, "EXTENSIONS", {}).items():
        extend_scope(label, own)
    for action, (rule, message) in getattr(policy, "RULES", {}).items():
        register_rule(action, rule, message)
    if getattr(policy, "NAMES", None):
        from .audit_words import register_names  # it asks this module's questions: imported when needed

        register_names(policy.NAMES)


def visible(who, queryset: models.QuerySet, action: str = "view") -> models.QuerySet:
    """The rows of `queryset` that this person may see. Use for every list.

    Seeing is one question for every action: what a person may do to a row they see is another (access.may).
    """
    if action != "view":
        raise ValueError(f"Visibility answers 'view' only, not {action!r}: ask what a person may do separately.")
    acting = as_acting(who)
    if acting.organisation is None:
        return queryset.none()
    scope = SCOPES.get(queryset.model._meta.label_lower, Scope())
    if scope.everything(acting):
        return queryset
    conditions = [condition for own in scope.conditions if (condition := own(acting)) is not None]
    if not conditions:
        return queryset.none()
    return queryset.filter(functools.reduce(operator.or_, conditions))


def visible_at(who, model: type[models.Model], outer: str = "pk") -> Exists:
    """Whether the `model` row that a list's row points to (its field `outer`) is one this person may see: the same
    answer as visible(), as an expression, so a list asks it for every row in its own query (no query per row).

    For what a list shows of another record than its own rows (the young person on an allocation handed back)."""
    return Exists(visible(who, model._default_manager.filter(pk=OuterRef(outer))))


def require(who, action: str, obj: models.Model, queryset: models.QuerySet | None = None):
    """The record itself if this person may see it; otherwise 404, as if it did not exist."""
    qs = queryset if queryset is not None else type(obj)._default_manager.all()
    if obj is None or not visible(who, qs.filter(pk=obj.pk), action).exists():
        raise NotFound("No such record.")
    return obj


def get_visible_or_404(who, queryset: models.QuerySet, action: str = "view", **lookup):
    """Fetch one record through the policy: 'not yours' and 'does not exist' look the same."""
    scoped = visible(who, queryset, action)
    try:
        return scoped.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such record.") from None


def get_object_or_404_in(scoped: models.QuerySet, **lookup):
    """For records scoped by their parent (a referral's events): the queryset must already be scoped."""
    try:
        return scoped.get(**lookup)
    except (scoped.model.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such record.") from None
