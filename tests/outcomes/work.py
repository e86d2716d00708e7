"""Shared by the start-and-end-work tests: a school's referral allocated by the VRU to Test YOS and accepted.

The clock is Tuesday 24 November 2026, 10:00 in London; the referral was allocated and accepted on
Thursday 19 November 2026.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from partners.access import acting_for
from referrals import services as referral_services
from tests.outcomes import factories as f
from tests.referrals.factories import referral_data

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
TODAY = date(2026, 11, 24)
ALLOCATED = datetime(2026, 11, 19, 11, 0, tzinfo=LONDON)
STARTED = date(2026, 11, 23)


def allocation_to(organisation, *, referrer, triager, caseworker=None, given_name="Jordan"):
    """A submitted referral from the referrer's school, allocated to `organisation`; accepted if a caseworker is given."""
    school = acting_for(referrer)
    draft = referral_services.save_draft(school, referral_data(given_name=given_name), now=ALLOCATED)
    referral = referral_services.submit_referral(school, draft, now=ALLOCATED)
    referral_services.claim(acting_for(triager), referral, now=ALLOCATED)
    referral_services.decide(acting_for(triager), referral, decision="allocate", rag="amber", organisation=organisation,
                             programme="Knife crime programme", now=ALLOCATED)
    allocation = referral.allocations.get()
    if caseworker is not None:
        referral_services.accept_allocation(acting_for(caseworker), allocation, now=ALLOCATED)
        allocation.refresh_from_db()
    return allocation


def programme(owner, name="Knife crime programme", sessions=6, **kwargs):
    return f.ProgrammeFactory(owner=owner, name=name, expected_sessions=sessions, **kwargs)


def d(name, day):
    """A GOV.UK date input's three boxes."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
