"""What a person may see of diversion cases, interventions and programmes, and do to them, in the terms of
partners.access.

Registered with partners.access when the app is ready (outcomes/apps.py). Scopes: a case also shows its young
person to the lead agency and the force, a condition OR-ed into the young person's scope (referrals/access.py).
Rules: each reads only the acting person and the record's own fields (which organisation leads the case, which
police organisation decided it, who proposed the breach), so a page may ask for every button at no query.
Services call access.require_to, pages and serializers access.may. Whether the case's status allows the step is
the state machine's (rules.next_status).
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from partners.access import Acting, Scope, can
from partners.audit_words import Named

from . import rules


def _lead(a, case):
    return a.organisation.pk == case.lead_organisation_id


def _police(a, case):
    return a.organisation.pk == case.police_organisation_id


def work_case(a, case):
    """The lead organisation's caseworkers and managers: propose a breach."""
    return can(a, "work_allocations") and _lead(a, case)


def record_missed_reason(a, case):
    return can(a, "record_session") and _lead(a, case)


def decide_breach(a, case):
    """Confirm a breach or give a further chance: the lead's managers or the case's police decision makers."""
    return can(a, "confirm_breach") and (_lead(a, case) or _police(a, case))


def confirm_breach(a, case):
    """Deciding, on a breach proposed by someone else (four eyes: rules.breach_confirmer_problem)."""
    return (case.status == rules.BREACH_PROPOSED and decide_breach(a, case)
            and rules.breach_confirmer_problem(case.breach_proposed_by_id, a.user.pk) is None)


def record_reoffence(a, case):
    return (can(a, "record_session") and _lead(a, case)) or (can(a, "decide_diversion") and _police(a, case))


def change_conditions(a, case):
    """Police set the contract's conditions when they divert a crime, so they may add to them and record them
    met or missed as the contract goes on; the lead agency does the same as it works with the young person."""
    return (can(a, "work_allocations") and _lead(a, case)) or (can(a, "decide_diversion") and _police(a, case))


def police_decide(a, case):
    """Receive a case sent back, record the police outcome, close the case: its own police organisation only."""
    return can(a, "decide_diversion") and _police(a, case)


def record_work(a, intervention):
    """Sessions, assessments and endings: the delivering organisation's caseworkers (the VRU sees, never records)."""
    return can(a, "record_session") and a.organisation.pk == intervention.organisation_id


RULES = {
    "outcomes.work_case": (work_case, "Only the lead organisation's caseworkers and managers can do this."),
    "outcomes.record_missed_reason": (record_missed_reason,
                                      "Only the lead organisation's caseworkers record why a condition was missed."),
    "outcomes.decide_breach": (decide_breach,
                               "Only the lead organisation's managers or the police decision makers can decide this."),
    "outcomes.confirm_breach": (confirm_breach, "Only a decision maker other than the proposer confirms a breach."),
    "outcomes.record_reoffence": (record_reoffence,
                                  "Only the lead organisation or the police organisation of the case can do this."),
    "outcomes.propose_closure": (change_conditions,
                                 "Only the lead organisation or the police decision maker can propose closure."),
    "outcomes.change_conditions": (change_conditions, "Only the lead organisation's caseworkers and managers or the "
                                   "police decision makers of the case can change its conditions."),
    "outcomes.police_decide": (police_decide, "Only the police organisation that made the decision can do this."),
    "outcomes.record_work": (record_work, "Only the organisation that delivers this intervention records its work."),
}


# --- Which records an organisation sees ------------------------------------------------------------


def _young_person_in_case_of(a: Acting) -> Q:
    from .models import DiversionCase

    cases = DiversionCase.objects.filter(young_person_id=OuterRef("pk"))
    return Q(Exists(cases.filter(lead_organisation_id=a.organisation.pk))) | Q(
        Exists(cases.filter(police_organisation_id=a.organisation.pk)))


def _vru(a: Acting) -> bool:
    return a.is_vru


SCOPES = {
    "outcomes.programme": Scope(everything=_vru, own=lambda a: Q(owner_id=a.organisation.pk)),
    # Diversion cases: the lead agency and the police organisation that made the decision; never a school.
    "outcomes.diversioncase": Scope(
        everything=_vru,
        own=lambda a: Q(lead_organisation_id=a.organisation.pk) | Q(police_organisation_id=a.organisation.pk),
    ),
    "outcomes.intervention": Scope(everything=_vru, own=lambda a: Q(organisation_id=a.organisation.pk)),
}

# Conditions OR-ed into other apps' scopes.
EXTENSIONS = {
    "referrals.youngperson": _young_person_in_case_of,
}


# --- How the audit trail names these records (partners.audit_words) ---------------------------------------------


def _page(name):
    return lambda a, obj: reverse(name, args=[obj.pk]) if can(a, "view_cases") else None


NAMES = {
    "outcomes.diversioncase": Named("diversion case", name=lambda case: f"{case.pk} ({case.crime_reference})",
                                    page=_page("case-detail")),
    "outcomes.intervention": Named("intervention", related=("programme",),
                                   name=lambda i: f"{i.pk} ({i.programme.name})", page=_page("intervention-detail")),
    "outcomes.condition": Named("condition", name=lambda c: f"{c.pk} of diversion case {c.case_id}"),
    "outcomes.programme": Named("programme", name=lambda p: p.name),
}
