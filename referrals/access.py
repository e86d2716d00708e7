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

from partners.access import Acting, Scope, can
from partners.audit_words import Named


def work_allocation(a, allocation):
    """Accept, hand back, record first contact: the caseworkers and managers of the organisation it is allocated to."""
    return can(a, "work_allocations") and a.organisation.pk == allocation.organisation_id


def act_as_referrer(a, referral):
    """The referring organisation's referrers: they answer the VRU's questions and continue their drafts."""
    return can(a, "refer") and a.organisation.pk == referral.referring_organisation_id


def decide(a, referral):
    """Record a triage decision: only the triager holding the claim (claimed_by), so two people never decide one
    referral at once and the timeline says who worked it. A lapsed claim not yet cleared is still the holder's."""
    return can(a, "triage") and referral.claimed_by_id is not None and referral.claimed_by_id == a.user.pk


def hand_back(a, allocation):
    """Hand back to the VRU: the partner's live allocation of a referral still allocated (not closed), so closed
    work is never sent back into the triage queue."""
    from .models import Allocation, Status

    return (work_allocation(a, allocation) and allocation.state in Allocation.LIVE
            and allocation.referral.status == Status.ALLOCATED)


def correct_event(a, event):
    """Correct a timeline entry: only what a person of this organisation recorded in words (a decision, a rating,
    a question, a closing reason), never what the portal recorded of itself (a draft started, a claim)."""
    from . import rules

    return (can(a, "triage") and event.actor_id is not None and event.organisation_id == a.organisation.pk
            and rules.is_correctable(event.kind))


def delete_draft(a, referral):
    """Delete a draft: only the person who started it, while it is still a draft of their organisation."""
    from .models import Status

    return act_as_referrer(a, referral) and referral.status == Status.DRAFT and referral.created_by_id == a.user.pk


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
    "referrals.decide": (decide, "Claim this referral before you record a decision: only the person working on it "
                                 "can decide."),
    "referrals.hand_back": (hand_back, "This referral is no longer allocated to you for work, so it cannot be handed "
                                       "back."),
    "referrals.correct_event": (correct_event, "Only an entry a person of your organisation wrote can be corrected."),
    "referrals.delete_draft": (delete_draft, "Only the person who started a draft can delete it."),
}


# --- Which records an organisation sees ------------------------------------------------------------


def _referral_made_by(a: Acting) -> Q:
    # A deleted draft (services.delete_draft) is gone for everyone: one answer, 404, as for any other record.
    return Q(referring_organisation_id=a.organisation.pk, deleted_at__isnull=True)


def _referral_submitted_to(a: Acting) -> Q | None:
    # A draft is the referrer's unfinished work: even the VRU sees it only once submitted.
    return ~Q(status="draft") if a.is_vru else None


def _referral_allocated_to(a: Acting) -> Q | None:
    if a.is_vru:
        return None  # the VRU allocates, to others; it sees every submitted referral anyway
    # The organisation of the live allocation, kept on the referral by the database (Referral.live_partner): with
    # "made by" it is two index scans, where asking the allocations (EXISTS or a join) read every referral.
    return Q(live_partner_id=a.organisation.pk)


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
