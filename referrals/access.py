"""What a person may do to a referral or an allocation, in the terms of partners.access.

Registered with partners.access.register_rule when the app is ready: services call access.require_to, pages and
serializers access.may. Each rule reads only the acting person and the record's fields (plus the referral's live
allocations, prefetched where a list shows many).
"""

from partners.access import can


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
