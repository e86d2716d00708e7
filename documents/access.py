"""Who sees and adds documents and case notes, in the terms of partners.access.

A document or a note is seen by whoever may see the record it is on (the record's own scope, asked in the same
query), with two narrowings: on a referral, the referring organisation sees a document only if it is shared with
it or it added it; a note not shared is read only by the organisation that wrote it and the VRU.
Adding follows the work: on a referral, its referrer, the VRU's triage and the partner it is live with; on an
intervention, the organisation delivering it; on a case, its lead agency and its police; on a cohort member, the
VRU's cohort managers and the member's lead agency. Downloading is seeing.
"""

from django.db.models import Exists, OuterRef, Q

from cohorts.models import CohortMembership
from outcomes import access as outcomes_access
from outcomes.models import DiversionCase, Intervention
from partners import access
from partners.access import Acting, Scope, can
from partners.audit_words import Named
from referrals import access as referrals_access
from referrals.models import Referral


def _seen(a: Acting, model, field: str) -> Q:
    return Q(Exists(access.visible(a, model.objects.filter(pk=OuterRef(field)))))


def _document_on_visible(a: Acting) -> Q:
    org = a.organisation.pk
    on_referral = Q(referral__isnull=False) & _seen(a, Referral, "referral_id") & (
        Q(shared_with_referrer=True) | Q(organisation_id=org) | ~Q(referral__referring_organisation_id=org))
    return (on_referral | (Q(intervention__isnull=False) & _seen(a, Intervention, "intervention_id"))
            | (Q(case__isnull=False) & _seen(a, DiversionCase, "case_id"))
            | (Q(membership__isnull=False) & _seen(a, CohortMembership, "membership_id")))


def _note_on_visible(a: Acting) -> Q:
    readable = Q() if a.is_vru else Q(shared=True) | Q(organisation_id=a.organisation.pk)
    return readable & ((Q(referral__isnull=False) & _seen(a, Referral, "referral_id"))
                       | (Q(intervention__isnull=False) & _seen(a, Intervention, "intervention_id"))
                       | (Q(case__isnull=False) & _seen(a, DiversionCase, "case_id")))


def add_to(a: Acting, parent) -> bool:
    """Add a document or a note to this record (one the person sees: the service asks the scope first)."""
    label = parent._meta.label_lower
    if label == "referrals.referral":
        live = any(x.organisation_id == a.organisation.pk for x in referrals_access.live_allocations(parent))
        return (referrals_access.act_as_referrer(a, parent) or can(a, "triage")
                or (can(a, "work_allocations") and live))
    if label == "outcomes.intervention":
        return can(a, "work_allocations") and a.organisation.pk == parent.organisation_id
    if label == "outcomes.diversioncase":
        return outcomes_access.change_conditions(a, parent)
    if label == "cohorts.cohortmembership":
        return can(a, "manage_cohorts") or (can(a, "view_cohorts") and a.organisation.pk == parent.lead_agency_id)
    return False


def amend(a: Acting, note) -> bool:
    """Amend a note: the organisation that wrote it, on the original (an amendment is not amended again)."""
    return note.amends_id is None and a.organisation.pk == note.organisation_id and add_to(a, note.parent)


RULES = {
    "documents.add": (add_to, "Only the organisations working on this record can add to it."),
    "documents.amend": (amend, "Only the organisation that wrote a note can amend it."),
}

SCOPES = {
    "documents.document": Scope(own=_document_on_visible),
    "documents.note": Scope(own=_note_on_visible),
}


def _parent_page(a, obj):
    parent = obj.parent
    named = access_names().get(parent._meta.label_lower)
    return named.page(a, parent) if named else None


def access_names():
    from partners.audit_words import NAMES

    return NAMES


# By kind and number, never the title (people write names into titles); the link opens the record it is on.
NAMES = {
    "documents.document": Named("document", name=lambda d: f"{d.pk} ({d.get_kind_display().lower()})",
                                page=_parent_page),
    "documents.note": Named("case note", page=_parent_page),
}
