"""The jobs that tell people about many things cost the same number of queries for a few things as for many."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jobs import registry
from partners.access import acting_for
from partners.models import OrganisationKind, Role
from referrals import services as referral_services
from referrals.models import Allocation
from tests.factories import OrganisationFactory, member
from tests.jobs.scenarios import _submitted, _vru, at
from tests.outcomes.factories import make_case

pytestmark = pytest.mark.django_db


def measured(name, now):
    """Queries and counts of one run, undone afterwards so the same morning can be measured again."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            run = registry.run(name, now=now)
        transaction.set_rollback(True)
    assert run.outcome == "succeeded", run.error
    return len(queries), run.counts


def test_overdue_escalations_cost_the_same_queries_for_2_referrals_and_for_10():
    _vru("queries")  # two triagers get the digest, the triage lead each escalation
    wednesday = at(2026, 9, 2, 7, 30)  # Friday afternoon's referrals are overdue after the bank holiday weekend
    _submitted("few", 2, at(2026, 8, 28, 16, 30))
    few, counts = measured("triage_digest", wednesday)
    assert counts == {"digest": 2, "escalated": 2}
    _submitted("many", 8, at(2026, 8, 28, 16, 45))
    many, counts = measured("triage_digest", wednesday)
    assert counts == {"digest": 2, "escalated": 10}
    assert many == few


def _allocated(triager, partners, n, when):
    referrals = _submitted(f"alloc{n}-{len(partners)}", n, when - timedelta(hours=1))
    for i, referral in enumerate(referrals):
        referral_services.claim(acting_for(triager), referral, now=when)
        referral_services.decide(acting_for(triager), referral, decision="allocate", rag="amber",
                                 organisation=partners[i % len(partners)], programme="Mentoring", now=when)


def _partner(n):
    partner = OrganisationFactory(name=f"Partner {n}", kind=OrganisationKind.VOLUNTARY)
    member(role=Role.MANAGER, organisation=partner, email=f"manager{n}@partner.example.org")
    return partner


def test_late_allocation_escalations_cost_the_same_queries_for_2_allocations_and_for_10_across_partners():
    triager = _vru("alloc-queries")["triagers"][0]
    allocated, late = at(2026, 11, 23, 11, 0), at(2026, 12, 10, 12, 0)
    _allocated(triager, [_partner(0)], 2, allocated)
    few, counts = measured("allocation_escalations", late)
    assert counts == {"late": 2, "told": 2}
    _allocated(triager, [_partner(n) for n in (1, 2, 3, 4)], 8, allocated)
    many, counts = measured("allocation_escalations", late)
    assert counts == {"late": 10, "told": 10}
    assert Allocation.objects.values("organisation").distinct().count() == 5
    assert many == few


def test_deadline_warnings_cost_the_same_queries_for_2_cases_and_for_10_across_lead_agencies(police, decision_maker):
    leads = []
    for n in range(4):
        lead = OrganisationFactory(name=f"YOS {n}", kind=OrganisationKind.YOS)
        member(role=Role.CASEWORKER, organisation=lead, email=f"caseworker{n}@yos.example.org")
        leads.append(lead)
    start = date(2026, 11, 24)
    first = make_case(lead=leads[0], police=police, decision_maker=decision_maker, start=start)
    make_case(lead=leads[0], police=police, decision_maker=decision_maker, start=start)
    day = first.return_deadline - timedelta(days=7)
    morning = at(day.year, day.month, day.day, 6, 15)
    few, counts = measured("deadline_warnings", morning)
    assert counts == {"cases": 2, "told": 4, "deadline_missed": 0}  # the caseworker and the decision maker, each case
    for i in range(8):
        make_case(lead=leads[i % 4], police=police, decision_maker=decision_maker, start=start)
    many, counts = measured("deadline_warnings", morning)
    assert counts == {"cases": 10, "told": 20, "deadline_missed": 0}
    assert many == few
