"""Who sees referrals and young people, in the terms of partners.access: conditions on live relations.

Registered with partners.access.register_scope when the app is ready (as cohorts/access.py registers its own), so
partners.access, below this app, need not import its models; outcomes and cohorts extend the young person's
scope with the relations they own.
"""

from django.db.models import Exists, OuterRef, Q

from partners.access import Acting, Joined, Scope


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
