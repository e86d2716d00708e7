"""What a person may see of referrals and young people, and do to a referral or an allocation, in the terms of
partners.access.

Registered with partners.access when the app is ready (referrals/apps.py). Scopes: conditions on live relations,
so partners.access, below this app, need not import its models; outcomes and cohorts extend the young person's
scope with the relations they own. Rules: services call access.require_to, pages and serializers access.may.
Each rule reads only the acting person and the record's fields (plus the referral's live allocations,
prefetched where a list shows many).
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from partners.access import Acting, Joined, Scope, can
from partners.audit_words import Named


def work_allocation(a, allocation):
    """Accept, hand back, record first contact: the caseworkers and managers of the organisation it is allocated to."""
    return can(a, "work_allocations") and a.organisation.pk == allocation.organisation_id


def act_as_referrer(a, referral):
    """The referring organisation's referrers: they answer the VRU's questions and continue their drafts."""
    return can(a, "refer") and a.organisation.pk == referral.referring_organisation_id


def live_allocations(referral):
    """The allocations not handed back: prefetched as `live_allocations` by lists (referrals/api.py), else read."""
    live = getattr(referral, "live_allocations", None)
    if live is None:
        from .models import Allocation

        live = referral.allocations.exclude(state=Allocation.State.HANDED_BACK)
    return live


def see_rag(a, referral):
    """The RAG rating is the VRU's triage: shown to the VRU, and to the partner the referral is live with."""
    return a.is_vru or any(x.organisation_id == a.organisation.pk for x in live_allocations(referral))


RULES = {
    "referrals.work_allocation": (work_allocation, "Only the organisation this referral is allocated to can do this."),
    "referrals.act_as_referrer": (act_as_referrer, "Only the referring organisation answers the VRU's questions."),
    "referrals.see_rag": (see_rag, "Only the VRU and the organisation the referral is allocated to see its rating."),
}


# --- Which records an organisation sees ------------------------------------------------------------


def _referral_made_by(a: Acting) -> Q:
    return Q(referring_organisation_id=a.organisation.pk)


def _referral_submitted_to(a: Acting) -> Q | None:
    # A draft is the referrer's unfinished work: even the VRU sees it only once submitted.
    return ~Q(status="draft") if a.is_vru else None


def _referral_allocated_to(a: Acting) -> Joined | None:
    from .models import Allocation

    if a.is_vru:
        return None  # the VRU allocates, to others; it sees every submitted referral anyway
    # One live allocation per referral (alloc_one_live_per_referral), so the join repeats no referral.
    return Joined("allocations", Q(allocations__organisation_id=a.organisation.pk, allocations__state__in=Allocation.LIVE))


def _young_person_referred_by(a: Acting) -> Q:
    from .models import Referral

    return Q(Exists(Referral.objects.filter(young_person_id=OuterRef("pk"), referring_organisation_id=a.organisation.pk)))


def _young_person_allocated_to(a: Acting) -> Q:
    from .models import Allocation

    return Q(Exists(Allocation.objects.filter(referral__young_person_id=OuterRef("pk"), organisation_id=a.organisation.pk,
                                              state__in=Allocation.LIVE)))


def _vru(a: Acting) -> bool:
    return a.is_vru


SCOPES = {
    # The referring organisation sees its own referrals, the VRU every submitted one, a partner those allocated
    # to it until it hands them back.
    "referrals.referral": Scope(own=(_referral_made_by, _referral_submitted_to, _referral_allocated_to)),
    # A young person: to whoever referred them and a partner with a live allocation of theirs; outcomes/access.py
    # adds the lead agency and the force of their diversion cases, cohorts/access.py the organisations of their
    # cohorts (INSTALLED_APPS registers referrals first).
    "referrals.youngperson": Scope(everything=_vru, own=(_young_person_referred_by, _young_person_allocated_to)),
}


# --- How the audit trail names these records (partners.audit_words) ---------------------------------------------


def _referral_page(a, referral):
    return reverse("triage-referral", args=[referral.pk]) if can(a, "triage") else reverse("referral-detail", args=[referral.pk])


NAMES = {
    "referrals.referral": Named("referral", name=lambda r: r.reference, page=_referral_page),
    # The number, never the name: the audit trail holds no personal data.
    "referrals.youngperson": Named("young person", page=lambda a, person: reverse("young-person", args=[person.pk])),
    "referrals.allocation": Named("allocation", related=("referral", "organisation"),
                                  name=lambda x: f"of referral {x.referral.reference} to {x.organisation.name}"),
    "referrals.possiblematch": Named("possible match"),
    "referrals.referralevent": Named("timeline entry"),
    "referrals.inforequest": Named("question"),
}
