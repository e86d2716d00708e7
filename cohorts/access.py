"""Who sees cohorts, in the terms of partners.access: the VRU sees every cohort; the lead organisation and the
partner organisations named on a cohort see it, its members, their reviews, tier history and plans.

Registered with partners.access.register_scope and register_rule when the app is ready, so partners.access stays
the one policy that every read (access.visible, get_visible_or_404) and every action (may, require_to) goes through.
The young person's scope gains one condition from here (access.extend_scope): the organisations named on a cohort
see its members, those who left included, as they see the memberships themselves.
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from partners.access import Scope, can
from partners.audit_words import Named
from partners.models import Role


def _named_on_cohort(path=""):
    """Rows whose cohort (at `path`, "" for the cohort itself) names the acting organisation as lead or partner."""
    from .models import Cohort

    prefix = f"{path}__" if path else ""
    cohort_id = f"{path}_id" if path else "pk"

    def own(acting):
        partners = Cohort.partner_organisations.through.objects.filter(
            cohort_id=OuterRef(cohort_id), organisation_id=acting.organisation.pk
        )
        return Q(**{f"{prefix}lead_organisation_id": acting.organisation.pk}) | Q(Exists(partners))

    return own


def _young_person_in_cohort_of(acting):
    from .models import Cohort, CohortMembership

    partners = Cohort.partner_organisations.through.objects.filter(
        cohort_id=OuterRef("cohort_id"), organisation_id=acting.organisation.pk
    )
    memberships = CohortMembership.objects.filter(young_person_id=OuterRef("pk"))
    return Q(Exists(memberships.filter(Q(cohort__lead_organisation_id=acting.organisation.pk) | Q(Exists(partners)))))


def _vru(acting):
    return acting.is_vru


SCOPES = {
    "cohorts.cohort": Scope(everything=_vru, own=_named_on_cohort()),
    "cohorts.cohortmembership": Scope(everything=_vru, own=_named_on_cohort("cohort")),
    "cohorts.tierchange": Scope(everything=_vru, own=_named_on_cohort("membership__cohort")),
    "cohorts.review": Scope(everything=_vru, own=_named_on_cohort("membership__cohort")),
    "cohorts.planaction": Scope(everything=_vru, own=_named_on_cohort("membership__cohort")),
}

# Conditions OR-ed into other apps' scopes.
EXTENSIONS = {
    "referrals.youngperson": _young_person_in_cohort_of,
}


# --- What a person may do ----------------------------------------------------------------------------------

ACTION_UPDATERS = (Role.CASEWORKER, Role.MANAGER, Role.DECISION_MAKER)


def update_plan_action(a, action):
    """Mark a plan action done, dropped or open again: the VRU, or the staff of the organisation that owns it."""
    return can(a, "manage_cohorts") or (a.organisation.pk == action.owner_id and a.has_role(*ACTION_UPDATERS))


RULES = {
    "cohorts.update_plan_action": (update_plan_action,
                                   "Only the VRU or the organisation that owns this action can update it."),
}


# --- How the audit trail names these records (partners.audit_words) ---------------------------------------------


def _page(name):
    return lambda a, obj: reverse(name, args=[obj.pk]) if can(a, "view_cohorts") else None


NAMES = {
    "cohorts.cohort": Named("cohort", name=lambda c: c.name, page=_page("cohort-detail")),
    "cohorts.cohortmembership": Named("cohort member", related=("cohort",), name=lambda m: f"{m.pk} of {m.cohort.name}",
                                      page=_page("cohort-member")),
    "cohorts.planaction": Named("plan action"),
    "cohorts.review": Named("cohort review"),
}
