"""The daily compliance sweep: missed cases go at risk (their caseworkers told), cases at risk for 5 working days are
proposed for breach (a person decides), and finished cases are proposed for closure; each once."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from jobs import registry
from notifications.models import Notification, OutboxMessage
from outcomes import services
from outcomes.models import CaseEvent, Condition, DiversionCase
from partners.access import acting_for
from partners.models import AuditEvent, Role
from tests.factories import member
from tests.outcomes.factories import make_case

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NO_WORK = {"conditions_missed": 0, "conditions_met": 0, "at_risk": 0, "breach_proposed": 0, "closure_proposed": 0, "told": 0}


def _at(day, hour=6):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def _sweep(day, minutes=0):
    run = registry.run("compliance_sweep", now=_at(day) + timedelta(minutes=minutes))
    assert run.outcome == "succeeded", run.error
    return run.counts


def _do_all_the_work(case, caseworker):
    """Assessed and every session attended, recorded through the services as a caseworker would."""
    acting, intervention = acting_for(caseworker), case.interventions.get()
    services.record_assessment(acting, intervention, kind="checkpoint", completed_on=case.start_date + timedelta(days=2),
                               now=_at(case.start_date + timedelta(days=2), 15))
    for i in range(case.conditions.get(kind="sessions").target):
        day = case.start_date + timedelta(days=5 + 7 * i)
        services.record_session(acting, intervention, held_on=day, attendance="attended", now=_at(day, 15))


@pytest.fixture
def manager(yos):
    return member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")


def test_the_sweep_marks_missed_cases_at_risk_and_proposes_completed_ones_once(yos, police, decision_maker, caseworker):
    missed = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 7, 1))
    done = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 7, 1))
    _do_all_the_work(done, caseworker)

    # The assessment of one case was never done; "no further offending" is met on both at the contract end.
    counts = _sweep(done.end_date)
    assert counts == {**NO_WORK, "checked": 2, "conditions_missed": 1, "conditions_met": 2, "at_risk": 1,
                      "closure_proposed": 1, "told": 2}
    missed.refresh_from_db()
    done.refresh_from_db()
    assert missed.status == "at_risk" and missed.at_risk_since == done.end_date
    assert done.status == "closure_proposed"
    assert Notification.objects.filter(user=decision_maker, kind="closure").count() == 1
    assert list(done.events.filter(kind="closure_proposed").values_list("actor", "summary")) == [
        (None, "Every condition met at the contract end: proposed for closure")]
    assert AuditEvent.objects.filter(object_id=str(done.pk), detail__action="propose_closure", actor=None).count() == 1

    assert _sweep(done.end_date, minutes=5) == {**NO_WORK, "checked": 1}
    assert Notification.objects.filter(user=decision_maker, kind="closure").count() == 1
    assert done.events.filter(kind="closure_proposed").count() == 1


def test_the_caseworkers_and_managers_of_the_lead_agency_are_told_once_when_a_case_goes_at_risk(
        yos, police, decision_maker, caseworker, manager):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 8, 12))
    assessment = case.conditions.get(kind="assessment")
    assert _sweep(assessment.due_on)["at_risk"] == 0  # due today, not yet missed

    day = assessment.due_on + timedelta(days=1)
    assert _sweep(day) == {**NO_WORK, "checked": 1, "conditions_missed": 1, "at_risk": 1, "told": 2}
    case.refresh_from_db()
    assert (case.status, case.at_risk_since) == ("at_risk", day)
    told = Notification.objects.filter(kind="at_risk")
    assert sorted(told.values_list("user__email", flat=True)) == ["caseworker@yos.example.org", "manager@yos.example.org"]
    assert set(told.values_list("key", flat=True)) == {f"case:{case.pk}:at_risk:{day}"}
    assert told.first().url == f"/cases/{case.pk}/"
    assert OutboxMessage.objects.filter(notification__kind="at_risk").count() == 2
    assert decision_maker.notifications.count() == 0
    assert list(case.events.filter(kind__in=["condition_missed", "at_risk"]).values_list("kind", "summary")) == [
        ("condition_missed", "Missed: Complete the YOS assessment within 10 working days (due 26 August 2026)"),
        ("at_risk", "At risk: missed Complete the YOS assessment within 10 working days (due 26 August 2026)"),
    ]
    assert AuditEvent.objects.get(object_id=str(case.pk), detail__action="mark_at_risk").detail["missed"] == [assessment.pk]

    assert _sweep(day, minutes=5) == {**NO_WORK, "checked": 1}
    assert _sweep(day + timedelta(days=1)) == {**NO_WORK, "checked": 1}
    assert told.count() == 2 and case.events.filter(kind="at_risk").count() == 1


def test_a_case_at_risk_for_5_working_days_is_proposed_for_breach_once_and_a_person_confirms_it(
        yos, police, decision_maker, caseworker, manager):
    # The assessment was due Wednesday 26 August 2026: at risk from Thursday 27th. Monday 31st is a bank holiday,
    # so the fifth working day after is Friday 4 September, not Thursday 3rd.
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 8, 12))
    _sweep(date(2026, 8, 27))
    for day in (date(2026, 8, 28), date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)):
        assert _sweep(day)["breach_proposed"] == 0, day
    assert not Notification.objects.filter(kind="breach_due").exists()

    assert _sweep(date(2026, 9, 4)) == {**NO_WORK, "checked": 1, "breach_proposed": 1, "told": 2}
    told = Notification.objects.filter(kind="breach_due")
    key = f"case:{case.pk}:breach_due:2026-08-27"
    assert sorted((n.user.email, n.key) for n in told) == sorted([(manager.email, key), (decision_maker.email, key)])
    assert OutboxMessage.objects.filter(notification__in=told).count() == 2  # these emails cannot be switched off
    case.refresh_from_db()
    # The system proposes; a person decides, and since no person proposed it, either decider may confirm it.
    assert (case.status, case.breach_proposed_by, case.breach_proposed_at) == ("breach_proposed", None, _at(date(2026, 9, 4)))
    assert case.events.filter(kind="breach_proposed").count() == 1

    for day in (date(2026, 9, 4), date(2026, 9, 7), date(2026, 9, 8)):
        assert _sweep(day)["breach_proposed"] == 0
    assert Notification.objects.filter(kind="breach_due").count() == 2
    assert case.events.filter(kind="breach_proposed").count() == 1

    services.confirm_breach(acting_for(manager), case, reason="No contact since the start.", now=_at(date(2026, 9, 8), 10))
    case.refresh_from_db()
    assert case.status == "re_referred"


def test_a_new_spell_at_risk_after_a_further_chance_is_proposed_for_breach_again(
        yos, police, decision_maker, caseworker, manager):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 8, 12))
    _sweep(date(2026, 8, 27))
    _sweep(date(2026, 9, 4))
    services.further_chance(acting_for(manager), case, condition=case.conditions.get(kind="assessment"),
                            new_due_on=date(2026, 9, 9), reason="Assessment rebooked with the family.",
                            now=_at(date(2026, 9, 4), 11))
    assert _sweep(date(2026, 9, 10))["at_risk"] == 1  # missed again
    assert _sweep(date(2026, 9, 16))["breach_proposed"] == 0
    assert _sweep(date(2026, 9, 17))["breach_proposed"] == 1
    assert sorted(set(Notification.objects.filter(kind="breach_due").values_list("key", flat=True))) == [
        f"case:{case.pk}:breach_due:2026-08-27", f"case:{case.pk}:breach_due:2026-09-10"]


def test_a_breach_a_caseworker_proposed_is_not_proposed_again(yos, police, decision_maker, caseworker, manager):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 8, 12))
    _sweep(date(2026, 8, 27))
    services.propose_breach(acting_for(caseworker), case, reason="No contact since the start.", now=_at(date(2026, 9, 1), 10))
    assert _sweep(date(2026, 9, 4))["breach_proposed"] == 0
    assert not Notification.objects.filter(kind="breach_due").exists()


def test_a_case_whose_sessions_fall_short_is_not_proposed_for_closure_and_goes_at_risk_the_next_day(
        yos, police, decision_maker, caseworker):
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 7, 1))
    acting, intervention = acting_for(caseworker), case.interventions.get()
    services.record_assessment(acting, intervention, kind="checkpoint", completed_on=date(2026, 7, 3), now=_at(date(2026, 7, 3)))
    services.record_session(acting, intervention, held_on=date(2026, 7, 6), attendance="attended", now=_at(date(2026, 7, 6)))

    assert _sweep(case.end_date)["closure_proposed"] == 0
    case.refresh_from_db()
    assert case.status == "active"
    counts = _sweep(case.end_date + timedelta(days=1))
    assert (counts["conditions_missed"], counts["at_risk"], counts["closure_proposed"]) == (1, 1, 0)
    assert not Notification.objects.filter(kind="closure").exists()


# --- The same results as the case-by-case path it replaces -----------------------------------------


def _old_sweep(now):
    """What the job did before, case by case: refresh_case, then propose_closure where the contract had ended."""
    today = now.astimezone(LONDON).date()
    for pk, end_date in DiversionCase.objects.filter(status__in=["active", "at_risk"]).values_list("pk", "end_date"):
        case = services.refresh_case(pk, today=today, now=now)
        if case.status == "active" and today >= end_date:
            try:
                services.propose_closure(case, now=now)
            except ValidationError:
                pass


def _outcome():
    def rows(queryset, *fields):
        return sorted(tuple(json.dumps(v, sort_keys=True, default=str) for v in row) for row in queryset.values_list(*fields))

    # The old path never proposed a breach: the new sweep's proposals are left out, and the rest must be the same.
    cases = [(pk, "at_risk" if status == "breach_proposed" else status, since)
             for pk, status, since in DiversionCase.objects.values_list("pk", "status", "at_risk_since")]
    return {
        "cases": sorted(json.dumps(row, default=str) for row in cases),
        "conditions": rows(Condition.objects, "pk", "status", "progress", "met_on"),
        "events": rows(CaseEvent.objects.exclude(kind="breach_proposed"),
                       "case_id", "kind", "at", "actor_id", "summary", "detail"),
        "audit": rows(AuditEvent.objects.filter(object_type="outcomes.diversioncase", actor=None)
                      .exclude(detail__action="propose_breach"), "object_id", "detail"),
        "closure": rows(Notification.objects.filter(kind="closure"), "user_id", "key", "subject", "body", "url"),
    }


def test_the_sweep_leaves_cases_exactly_as_the_case_by_case_path_did(yos, police, decision_maker, caseworker):
    start = date(2026, 7, 1)
    cases = [make_case(lead=yos, police=police, decision_maker=decision_maker, start=start) for _ in range(5)]
    never, done, short, reoffended, assessed = cases
    _do_all_the_work(done, caseworker)
    acting = acting_for(caseworker)
    services.record_session(acting, short.interventions.get(), held_on=date(2026, 7, 8), attendance="attended",
                            now=_at(date(2026, 7, 8)))
    services.record_reoffence(acting, reoffended, offence_date=date(2026, 7, 9), crime_reference="20/999999/26",
                              now=_at(date(2026, 7, 10)))
    services.record_assessment(acting, assessed.interventions.get(), kind="checkpoint", completed_on=date(2026, 7, 2),
                               now=_at(date(2026, 7, 2)))
    days = [date(2026, 7, 14), date(2026, 7, 16), done.end_date, done.end_date + timedelta(days=1)]

    expected = []
    with transaction.atomic():
        for day in days:
            _old_sweep(_at(day))
            expected.append(_outcome())
        transaction.set_rollback(True)

    for day, want in zip(days, expected, strict=True):
        _sweep(day)
        assert _outcome() == want, day
    statuses = dict(DiversionCase.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in cases] == ["breach_proposed", "closure_proposed", "breach_proposed", "breach_proposed",
                                               "at_risk"]  # the last went at risk only on the contract's end


@pytest.mark.django_db(transaction=False)
def test_every_bulk_move_of_the_sweep_is_one_the_case_rules_allow():
    """One state machine: each set-based UPDATE of the sweep is a transition of rules.next_status, and lands where a
    person's action would. A change to rules.TRANSITIONS that drops one of these fails here, not in production."""
    from outcomes import rules, sweep

    expected = {
        sweep.MARK_AT_RISK: rules.AT_RISK,
        sweep.PROPOSE_BREACH: rules.BREACH_PROPOSED,
        sweep.PROPOSE_CLOSURE: rules.CLOSURE_PROPOSED,
    }
    assert set(sweep.MOVES) == set(expected)
    for (action, source), target in expected.items():
        assert source in rules.ACTIVE_STATUSES  # the sweep only looks at live cases
        assert rules.next_status(source, action) == target
