"""The compliance sweep over 20,000 live cases costs the same few queries as over 200 (the one deliberate volume test)."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jobs import registry
from notifications.models import Notification, OutboxMessage
from outcomes import rules
from outcomes.models import CaseEvent, Condition, DiversionCase
from partners.models import OrganisationKind, Role
from referrals.models import YoungPerson
from tests.factories import OrganisationFactory, member
from tests.outcomes.factories import offence, pathway

pytestmark = pytest.mark.django_db

# Friday 4 September 2026. Monday 31 August was a bank holiday, so a case at risk since Thursday 27 August has been
# at risk for 5 working days today, and one at risk since Friday 28th for only 4.
TODAY = date(2026, 9, 4)
NOW = datetime(2026, 9, 4, 6, 0, tzinfo=ZoneInfo("Europe/London"))
FIVE_DAYS, FOUR_DAYS = date(2026, 8, 27), date(2026, 8, 28)
LATER = date(2026, 10, 1)
START = date(2026, 6, 1)

# Case i falls in group GROUPS[i % 10].
GROUPS = ["missed", "missed", "reoffending_due", "reoffending_due", "ended_all_met", "breach_due", "breach_due",
          "at_risk_4_days", "quiet", "quiet"]


def _conditions(group, end):
    """(kind, due_on, target, progress, status, met_on) for each condition of a case in `group`."""
    met = rules.MET
    if group == "missed":  # the assessment was due yesterday and is not done
        return [("assessment", TODAY - timedelta(days=1), 1, 0, "pending", None),
                ("sessions", end, 4, 1, "pending", None), ("no_reoffending", end, None, 0, "pending", None)]
    if group == "reoffending_due":  # the contract ends today, all the work done
        return [("assessment", START + timedelta(days=10), 1, 1, met, START + timedelta(days=3)),
                ("sessions", end, 4, 4, met, end - timedelta(days=7)), ("no_reoffending", end, None, 0, "pending", None)]
    if group == "ended_all_met":
        return [("assessment", START + timedelta(days=10), 1, 1, met, START + timedelta(days=3)),
                ("sessions", end, 4, 4, met, end - timedelta(days=7)), ("no_reoffending", end, None, 0, met, end)]
    if group in ("breach_due", "at_risk_4_days"):
        return [("assessment", START + timedelta(days=10), 1, 0, "missed", None),
                ("sessions", end, 4, 2, "pending", None), ("no_reoffending", end, None, 0, "pending", None)]
    return [("assessment", START + timedelta(days=10), 1, 1, met, START + timedelta(days=3)),
            ("sessions", end, 4, 2, "pending", None), ("no_reoffending", end, None, 0, "pending", None)]


def build(indices, *, leads, police, decision_maker):
    """Cases, their young people and conditions, written in bulk: a mix in which every step of the sweep has work."""
    indices = list(indices)
    path, off = pathway("checkpoint"), offence()
    people = YoungPerson.objects.bulk_create([
        YoungPerson(given_name=f"Vol{i}", family_name="Example", date_of_birth=date(2011, 6, 1), sex="not_known",
                    area="birmingham") for i in indices])
    cases = []
    for i, person in zip(indices, people, strict=True):
        group = GROUPS[i % 10]
        end = {"reoffending_due": TODAY, "ended_all_met": TODAY - timedelta(days=3)}.get(group, LATER)
        since = {"breach_due": FIVE_DAYS, "at_risk_4_days": FOUR_DAYS}.get(group)
        cases.append(DiversionCase(
            crime_reference=f"20/{i:06d}/26", offence=off, offence_date=START - timedelta(days=3), young_person=person,
            pathway=path, lead_organisation=leads[i % len(leads)], police_organisation=police,
            decision_maker=decision_maker, status=rules.AT_RISK if since else rules.ACTIVE, at_risk_since=since,
            admission=True, sufficient_evidence=True, start_date=START, end_date=end,
            return_deadline=end + timedelta(days=28),
        ))
    DiversionCase.objects.bulk_create(cases)
    Condition.objects.bulk_create([
        Condition(case=case, position=n, kind=kind, description=kind.replace("_", " "), due_on=due_on, target=target,
                  progress=progress, status=status, met_on=met_on)
        for i, case in zip(indices, cases, strict=True)
        for n, (kind, due_on, target, progress, status, met_on) in enumerate(_conditions(GROUPS[i % 10], case.end_date))
    ])


def expected_counts(n):
    group = Counter(GROUPS[i % 10] for i in range(n))
    closing = group["reoffending_due"] + group["ended_all_met"]
    return {
        "checked": n, "conditions_missed": group["missed"], "conditions_met": group["reoffending_due"],
        "at_risk": group["missed"], "breach_proposed": group["breach_due"], "closure_proposed": closing,
        # each lead agency has a caseworker and a manager; a proposed breach goes to the manager and the decision maker
        "told": 2 * group["missed"] + 2 * group["breach_due"] + closing,
    }


def sweep():
    with CaptureQueriesContext(connection) as queries:
        run = registry.run("compliance_sweep", now=NOW)
    assert run.outcome == "succeeded", run.error
    return run.counts, len(queries)


def test_the_sweep_over_20000_cases_costs_the_same_few_queries_as_over_200(police, decision_maker):
    leads = [OrganisationFactory(name=f"YOS volume {n}", kind=OrganisationKind.YOS) for n in (1, 2)]
    for n, lead in enumerate(leads):
        member(role=Role.CASEWORKER, organisation=lead, email=f"caseworker{n}@yos.example.org")
        member(role=Role.MANAGER, organisation=lead, email=f"manager{n}@yos.example.org")
    parties = {"leads": leads, "police": police, "decision_maker": decision_maker}
    build(range(200), **parties)
    with transaction.atomic():
        small, small_queries = sweep()
        transaction.set_rollback(True)
    assert small == expected_counts(200)

    build(range(200, 20_000), **parties)
    counts, queries = sweep()

    assert counts == expected_counts(20_000)
    assert queries == small_queries <= 50  # about 36 by the sweep (8 of them savepoints), 10 by the registry
    group = Counter(GROUPS[i % 10] for i in range(20_000))
    assert Counter(DiversionCase.objects.values_list("status", flat=True)) == {
        rules.AT_RISK: group["missed"] + group["at_risk_4_days"],
        rules.BREACH_PROPOSED: group["breach_due"],
        rules.CLOSURE_PROPOSED: group["reoffending_due"] + group["ended_all_met"],
        rules.ACTIVE: group["quiet"],
    }
    assert DiversionCase.objects.filter(at_risk_since=TODAY).count() == group["missed"]
    assert Condition.objects.filter(kind="no_reoffending", status="met", met_on=TODAY).count() == group["reoffending_due"]
    assert Counter(CaseEvent.objects.values_list("kind", flat=True)) == {
        "condition_missed": group["missed"], "at_risk": group["missed"], "condition_met": group["reoffending_due"],
        "breach_proposed": group["breach_due"], "closure_proposed": counts["closure_proposed"],
    }
    assert Notification.objects.count() == OutboxMessage.objects.count() == counts["told"]

    again, _ = sweep()  # the next run that morning: nothing left to do
    left = counts["checked"] - counts["closure_proposed"] - counts["breach_proposed"]
    assert again == {"checked": left, **{k: 0 for k in list(counts)[1:]}}
