"""Adding a further condition, and recording one met or missed: who may, what is refused, what it changes.

"Now" is Tuesday 24 November 2026, 10:00 in London. A Checkpoint case started that day runs to 24 March 2027
and has three standard conditions (the assessment, the sessions, no further offending).
"""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from outcomes import services
from outcomes.models import CaseEvent, Condition
from partners.access import NotFound, acting_for
from partners.models import AuditEvent, Role
from partners.models import OrganisationKind as K
from tests.factories import OrganisationFactory, member
from tests.outcomes import factories as f

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))
LATER = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
DUE = date(2027, 1, 29)


@pytest.fixture
def case(yos, police, decision_maker):
    return f.make_case(lead=yos, police=police, decision_maker=decision_maker)


def add(user, case, **kwargs):
    data = {"description": "Write a letter of apology", "due_on": DUE, "now": NOW, **kwargs}
    return services.add_condition(acting_for(user), case, **data)


def test_the_police_decision_maker_adds_a_condition_to_their_forces_case(decision_maker, case):
    condition = add(decision_maker, case)
    assert (condition.kind, condition.status, condition.position) == ("other", "pending", 3)
    event = CaseEvent.objects.get(case=case, kind="condition_added")
    assert event.actor == decision_maker and "Write a letter of apology (due 29 January 2027)" in event.summary
    assert AuditEvent.objects.filter(detail__action="add_condition").count() == 1


def test_the_lead_agencys_manager_adds_one_too(yos, case):
    manager = member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")
    assert add(manager, case).case_id == case.pk


def test_another_forces_decision_maker_gets_404_and_the_vru_may_see_but_not_add(triager, case):
    other = member(role=Role.DECISION_MAKER, organisation=OrganisationFactory(name="Other force", kind=K.POLICE))
    with pytest.raises(NotFound):
        add(other, case)
    with pytest.raises(PermissionDenied):
        add(triager, case)
    assert case.conditions.count() == 3


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"description": " "}, "description", "Describe the condition"),
    ({"due_on": None}, "due_on", "Enter the date the condition is due"),
    ({"due_on": date(2026, 11, 24)}, "due_on", "The due date must be in the future"),
    ({"due_on": date(2027, 3, 25)}, "due_on", "The due date must be on or before the contract end, 24 March 2027"),
])
def test_a_wrong_condition_says_which_field_and_adds_nothing(decision_maker, case, kwargs, field, message):
    with pytest.raises(ValidationError) as error:
        add(decision_maker, case, **kwargs)
    assert error.value.message_dict[field] == [message]
    assert case.conditions.count() == 3


def test_a_contract_has_at_most_five_conditions(decision_maker, case):
    add(decision_maker, case)
    add(decision_maker, case, description="Attend school every day")
    with pytest.raises(ValidationError) as error:
        add(decision_maker, case, description="A sixth")
    assert error.value.messages == ["A contract has at most 5 conditions: this case has 5 already."]
    assert case.conditions.count() == 5


def test_the_same_idempotency_key_adds_one_condition(decision_maker, case):
    key = uuid.uuid4()
    first = add(decision_maker, case, idempotency_key=key)
    again = add(decision_maker, case, idempotency_key=key)
    assert again.pk == first.pk and case.conditions.count() == 4
    assert add(decision_maker, case, idempotency_key=uuid.uuid4()).pk != first.pk


def test_a_closed_case_takes_no_new_condition(decision_maker, yos, police):
    closed = f.make_case(lead=yos, police=police, decision_maker=decision_maker, status="completed")
    with pytest.raises(ValidationError) as error:
        add(decision_maker, closed)
    assert "conditions cannot change" in error.value.messages[0]


def test_police_record_a_further_condition_met(decision_maker, case):
    condition = add(decision_maker, case)
    met = services.mark_condition_met(acting_for(decision_maker), condition, on=date(2026, 11, 24), now=NOW)
    assert (met.status, met.met_on) == ("met", date(2026, 11, 24))
    with pytest.raises(ValidationError):
        services.mark_condition_met(acting_for(decision_maker), condition, on=date(2026, 11, 24), now=NOW)


def test_a_standard_condition_is_not_marked_met_or_missed_by_hand(decision_maker, case):
    sessions = case.conditions.get(kind="sessions")
    with pytest.raises(ValidationError):
        services.mark_condition_met(acting_for(decision_maker), sessions, on=date(2026, 11, 24), now=NOW)
    with pytest.raises(ValidationError):
        services.mark_condition_missed(acting_for(decision_maker), sessions, reason="No.", now=NOW)
    assert case.conditions.get(kind="sessions").status == "pending"


def test_a_condition_marked_missed_puts_the_case_at_risk_and_stays_missed(decision_maker, case):
    condition = add(decision_maker, case)
    with pytest.raises(ValidationError) as error:
        services.mark_condition_missed(acting_for(decision_maker), condition, reason=" ", now=NOW)
    assert error.value.message_dict == {"reason": ["Explain why the condition was missed"]}
    missed = services.mark_condition_missed(acting_for(decision_maker), condition, reason="Refused to write it.", now=NOW)
    assert (missed.status, missed.missed_reason) == ("missed", "Refused to write it.")
    case.refresh_from_db()
    assert case.status == "at_risk" and case.at_risk_since == date(2026, 11, 24)
    # Recomputing from the work recorded, days later and before its due date, leaves it missed.
    services.refresh_case(case, today=LATER.date(), now=LATER)
    assert Condition.objects.get(pk=condition.pk).status == "missed"
    with pytest.raises(ValidationError):
        services.mark_condition_missed(acting_for(decision_maker), condition, reason="Again.", now=NOW)


def test_a_missed_condition_later_recorded_met_makes_the_case_active_again(decision_maker, caseworker, case):
    condition = add(decision_maker, case)
    services.mark_condition_missed(acting_for(caseworker), condition, reason="Refused to write it.", now=NOW)
    services.mark_condition_met(acting_for(caseworker), condition, on=date(2026, 11, 24), now=LATER)
    case.refresh_from_db()
    assert case.status == "active" and Condition.objects.get(pk=condition.pk).status == "met"
