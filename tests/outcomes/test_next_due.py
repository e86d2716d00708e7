"""The caseload's next due date is stored on the intervention (outcomes/next_due.py), and every service that
changes a condition keeps it: it always equals the earliest pending condition worked out from the conditions."""

import datetime

import pytest
from django.db.models import Min, Q
from django.utils import timezone

from jobs import registry
from outcomes import services
from outcomes.models import ConditionStatus, DiversionCase, Intervention
from partners.access import acting_for
from partners.models import Role
from tests.factories import member
from tests.outcomes.factories import make_case

pytestmark = pytest.mark.django_db


def _worked_out():
    return {i.pk: i.pending for i in Intervention.objects.filter(case__isnull=False).annotate(
        pending=Min("case__conditions__due_on", filter=Q(case__conditions__status=ConditionStatus.PENDING)))}


def _stored():
    return dict(Intervention.objects.filter(case__isnull=False).values_list("pk", "next_due"))


def test_every_change_to_a_condition_keeps_the_stored_next_due_date(yos, police, decision_maker, caseworker):
    manager = member(role=Role.MANAGER, organisation=yos, email="manager.due@yos.example.org")
    now = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0))
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, start=datetime.date(2026, 11, 24))
    other = make_case(lead=yos, police=police, decision_maker=decision_maker, start=datetime.date(2026, 11, 20))
    assert _stored() == _worked_out() and None not in _stored().values()

    tomorrow = now.date() + datetime.timedelta(days=1)
    added = services.add_condition(acting_for(caseworker), case, description="Attend school every day", due_on=tomorrow,
                                   now=now)
    assert _stored() == _worked_out() and _stored()[case.interventions.get().pk] == tomorrow
    services.mark_condition_missed(acting_for(caseworker), added, reason="Excluded for a week.", now=now)
    assert _stored() == _worked_out()
    DiversionCase.objects.filter(pk=case.pk).update(status="breach_proposed")  # as the sweep leaves it
    later = now.date() + datetime.timedelta(days=2)
    services.further_chance(acting_for(manager), case, condition=added, new_due_on=later, reason="A fresh start.",
                            now=now)
    assert _stored() == _worked_out() and _stored()[case.interventions.get().pk] == later
    services.record_reoffence(acting_for(caseworker), other, offence_date=datetime.date(2026, 11, 22),
                              crime_reference="20/R00001/26", now=now)
    assert _stored() == _worked_out()
    # The daily sweep misses, all at once, the conditions whose day has passed.
    registry.JOBS["compliance_sweep"].func(now + datetime.timedelta(days=120))
    assert _stored() == _worked_out()
    assert _stored()[case.interventions.get().pk] != later
