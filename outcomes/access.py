"""Who sees diversion cases, interventions and programmes, in the terms of partners.access.

Registered with partners.access.register_scope when the app is ready (as cohorts/access.py registers its own);
a case also shows its young person to the lead agency and the force, a condition OR-ed into the young person's
scope (referrals/access.py).
"""

from django.db.models import Exists, OuterRef, Q

from partners.access import Acting, Scope


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
