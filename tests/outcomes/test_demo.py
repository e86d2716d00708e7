"""The synthetic demo diversion cases and interventions: every state shown, built through the services, seeded once."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import clock
from outcomes import demo, rules
from outcomes.models import (
    Assessment,
    Attendance,
    CaseEvent,
    DiversionCase,
    Intervention,
    InterventionStatus,
    PoliceOutcome,
    Programme,
    ReturnToPolice,
    Session,
)
from reporting.demo import HISTORY_PREFIX

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", quiet_logins=True, stdout=out)
    return out.getvalue()


def snapshot():
    return {model.__name__: model.objects.count()
            for model in (DiversionCase, Intervention, Session, Assessment, CaseEvent, ReturnToPolice, PoliceOutcome, Programme)}


def test_every_case_status_is_shown_and_a_second_run_adds_nothing(seeded):
    # The scripted cases only: reporting/demo.py adds 18 months of finished cases for the figures.
    statuses = Counter(DiversionCase.objects.exclude(crime_reference__startswith=HISTORY_PREFIX).values_list("status", flat=True))
    assert statuses == demo.expected_statuses()
    assert len(set(rules.STATUSES) - set(statuses)) <= 1
    history = int(re.search(r"history for the figures: .* (\d+) interventions", seeded).group(1))
    scripted = Intervention.objects.count() - history
    assert f"Added {sum(statuses.values())} diversion cases and {scripted} interventions." in seeded

    before = snapshot()
    out = StringIO()
    call_command("seed_demo", quiet_logins=True, stdout=out)
    assert snapshot() == before
    assert "diversion cases" not in out.getvalue()


def test_interventions_show_every_status_and_the_kinds_of_session(seeded):
    assert {InterventionStatus.OFFERED, InterventionStatus.ENGAGED, InterventionStatus.COMPLETED,
            InterventionStatus.DISENGAGED} <= set(Intervention.objects.values_list("status", flat=True))
    from_referrals = Intervention.objects.filter(referral__isnull=False, case__isnull=True)
    assert from_referrals.exists()
    assert not from_referrals.exclude(referral__allocations__state="accepted").exists()
    assert Session.objects.filter(attendance=Attendance.DID_NOT_ATTEND).exclude(reason="").exists()
    assert not Session.objects.filter(attendance=Attendance.DID_NOT_ATTEND, reason="").exists()
    assert Session.objects.filter(attendance=Attendance.CANCELLED_BY_US).exists()
    assert Session.objects.filter(corrects__isnull=False).exclude(correction_reason="").exists()
    assert Assessment.objects.filter(kind=Assessment.Kind.CHECKPOINT).exists()
    assert Intervention.objects.filter(status=InterventionStatus.DISENGAGED).exclude(end_reason="").exists()


def test_cases_tell_the_stories_the_demo_needs(seeded):
    today = clock.today()
    cases = (DiversionCase.objects.exclude(crime_reference__startswith=HISTORY_PREFIX)
             .select_related("young_person", "pathway", "offence", "lead_organisation"))
    assert {c.lead_organisation.name for c in cases} == {"YOS Birmingham", "YOS Walsall"}
    assert {c.decision_maker.email for c in cases} == {"decisions@police.example.org"}
    for case in cases.filter(pathway__code="checkpoint"):
        assert 10 <= rules.age_on(case.young_person.date_of_birth, case.offence_date) <= 17
        assert case.offence.checkpoint_eligible
    assert all(case.events.filter(kind="started").exists() for case in cases)
    # Some young people were already known from the demo referrals, others are new.
    assert cases.filter(young_person__referrals__isnull=False).exists()
    assert cases.filter(young_person__referrals__isnull=True).exists()

    # Re-referred: confirmed by someone other than the proposer, some close to the deadline, one received.
    re_referred = cases.filter(status=rules.RETURNED_TO_POLICE).select_related("return_to_police")
    for case in re_referred:
        assert case.return_to_police.confirmed_by_id != case.breach_proposed_by_id
    assert any(0 <= rules.days_left(c.return_to_police.deadline, today) <= 7 for c in re_referred)
    assert any(c.return_to_police.received_at is not None for c in re_referred)

    at_risk = cases.get(status=rules.AT_RISK, lead_organisation__name="YOS Birmingham")
    assert at_risk.conditions.get(kind=rules.ASSESSMENT).status == rules.MISSED
    assert at_risk.conditions.get(kind=rules.ASSESSMENT).missed_reason
    assert cases.filter(status=rules.BREACH_PROPOSED, breach_proposed_by__email="manager@yos-birmingham.example.org").exists()
    assert cases.filter(status=rules.BREACH_PROPOSED, breach_proposed_by__isnull=True).exists()

    for case in cases.filter(status__in=[rules.CLOSURE_PROPOSED, rules.COMPLETED]):
        assert set(case.conditions.values_list("status", flat=True)) == {rules.MET}
    assert set(PoliceOutcome.objects.filter(case__status=rules.COMPLETED).values_list("outcome__code", flat=True)) == {22}
    recorded = set(PoliceOutcome.objects.filter(case__status=rules.OUTCOME_RECORDED).values_list("outcome__code", flat=True))
    assert recorded and 22 not in recorded

    assault = cases.get(pathway__code="outcome22", offence__code="CJA1988-S39")
    assert assault.offence.mode_of_trial == "summary"
    assert assault.end_date > assault.return_deadline and assault.deadline_acknowledged

    # The history is in the past, and what the portal shows today agrees with the conditions.
    assert not CaseEvent.objects.filter(at__gt=timezone.now()).exists()
    assert not Session.objects.filter(held_on__gt=today).exists()
