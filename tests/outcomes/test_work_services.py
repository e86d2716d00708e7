"""Starting work on an accepted allocation and ending it: the rules, what the referrer is told, and nothing half-written."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from outcomes import services
from outcomes.models import Intervention
from partners.access import NotFound, acting_for
from partners.models import AuditEvent, Role
from partners.models import OrganisationKind as K
from referrals import selectors as referral_selectors
from referrals import services as referral_services
from referrals.models import ReferralEvent
from tests.factories import OrganisationFactory, member

from .work import NOW, STARTED, allocation_to, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocation(yos, referrer, triager, caseworker):
    return allocation_to(yos, referrer=referrer, triager=triager, caseworker=caseworker)


@pytest.fixture
def knife(yos):
    return programme(yos)


def start(caseworker, allocation, knife, **overrides):
    kwargs = {"programme": knife, "started_on": STARTED, "planned_sessions": 6, "now": NOW}
    kwargs.update(overrides)
    return services.start_intervention(acting_for(caseworker), allocation, **kwargs)


def work_events(referral):
    return list(ReferralEvent.objects.filter(referral=referral, kind__in=["work_started", "work_ended"]).order_by("id"))


def test_starting_work_links_the_referral_and_allocation_and_tells_the_referrer(caseworker, allocation, knife, referrer):
    intervention = start(caseworker, allocation, knife)
    assert (intervention.referral_id, intervention.allocation_id, intervention.young_person_id) == (
        allocation.referral_id, allocation.pk, allocation.referral.young_person_id)
    assert (intervention.programme, intervention.planned_sessions, intervention.started_on, intervention.status) == (
        knife, 6, STARTED, "offered")
    [event] = work_events(allocation.referral)
    assert (event.summary, event.shared_with_referrer) == ("Work started with Test YOS", True)
    # The school sees it on its timeline.
    timeline = referral_selectors.timeline(acting_for(referrer), allocation.referral)
    assert "Work started with Test YOS" in [e.summary for e in timeline]
    assert AuditEvent.objects.filter(object_type="outcomes.intervention", detail__action="start_intervention").exists()


def test_the_same_idempotency_key_returns_the_same_intervention(caseworker, allocation, knife):
    key = uuid.uuid4()
    first = start(caseworker, allocation, knife, idempotency_key=key)
    again = start(caseworker, allocation, knife, idempotency_key=key)
    assert first.pk == again.pk and Intervention.objects.count() == 1 and len(work_events(allocation.referral)) == 1


def test_work_starts_once_per_allocation(caseworker, allocation, knife):
    start(caseworker, allocation, knife)
    with pytest.raises(ValidationError) as error:
        start(caseworker, allocation, knife, idempotency_key=uuid.uuid4())
    assert error.value.messages == ["Work has already started on this allocation, on 23 November 2026."]
    assert Intervention.objects.count() == 1


def test_work_starts_only_on_an_accepted_allocation(yos, referrer, triager, caseworker, knife):
    pending = allocation_to(yos, referrer=referrer, triager=triager)
    with pytest.raises(ValidationError) as error:
        start(caseworker, pending, knife)
    assert error.value.messages == ["Accept the allocation before starting work."]
    assert not Intervention.objects.exists() and not work_events(pending.referral)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"planned_sessions": None}, "planned_sessions", "Enter the planned number of sessions"),
    ({"planned_sessions": 0}, "planned_sessions", "The planned number of sessions must be between 1 and 50"),
    ({"planned_sessions": 51}, "planned_sessions", "The planned number of sessions must be between 1 and 50"),
    ({"started_on": None}, "started_on", "Enter the start date"),
    ({"started_on": date(2026, 11, 25)}, "started_on", "The start date must be today or in the past"),
    ({"started_on": date(2026, 11, 18)}, "started_on", "The start date must be on or after the allocation, 19 November 2026"),
    ({"programme": None}, "programme", "Select one of your organisation's active programmes"),
], ids=["no sessions", "zero sessions", "too many", "no date", "future", "before the allocation", "no programme"])
def test_a_wrong_start_is_refused_field_by_field_and_writes_nothing(caseworker, allocation, knife, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        start(caseworker, allocation, knife, **overrides)
    assert error.value.message_dict[field] == [message]
    assert not Intervention.objects.exists() and not work_events(allocation.referral)


def test_another_organisations_or_an_inactive_programme_is_refused(caseworker, allocation, yos):
    theirs = programme(OrganisationFactory(name="Other YOS", kind=K.YOS))
    retired = programme(yos, name="Old programme", active=False)
    for chosen in (theirs, retired):
        with pytest.raises(ValidationError) as error:
            start(caseworker, allocation, chosen)
        assert "programme" in error.value.message_dict
    assert not Intervention.objects.exists()


def test_another_organisations_allocation_is_404(referrer, triager, knife, caseworker):
    other_yos = OrganisationFactory(name="Other YOS", kind=K.YOS)
    theirs = allocation_to(other_yos, referrer=referrer, triager=triager,
                           caseworker=member(role=Role.CASEWORKER, organisation=other_yos))
    with pytest.raises(NotFound):
        start(caseworker, theirs, knife)


@pytest.mark.parametrize(("end", "status", "words"), [
    (services.complete_intervention, "completed", "Work completed by Test YOS"),
    (services.disengage, "disengaged", "Work with Test YOS ended: the young person disengaged"),
    (services.withdraw, "withdrawn", "Work with Test YOS ended: withdrawn"),
])
def test_each_ending_tells_the_referrer_in_words_and_keeps_the_note_from_them(caseworker, allocation, knife, referrer,
                                                                             end, status, words):
    intervention = start(caseworker, allocation, knife)
    later = NOW + timedelta(days=1)
    end(acting_for(caseworker), intervention, on=date(2026, 11, 25), note="Private outcome note.", now=later)
    intervention.refresh_from_db()
    assert (intervention.status, intervention.end_reason) == (status, "Private outcome note.")
    started, ended = work_events(allocation.referral)
    assert (ended.summary, ended.shared_with_referrer, ended.detail["status"]) == (words, True, status)
    shown = [(e.summary, str(e.detail)) for e in referral_selectors.timeline(acting_for(referrer), allocation.referral)]
    assert not any("Private outcome note" in summary + detail for summary, detail in shown)


@pytest.mark.parametrize("end", [services.complete_intervention, services.disengage, services.withdraw])
def test_every_ending_needs_an_outcome_note(caseworker, allocation, knife, end):
    intervention = start(caseworker, allocation, knife)
    with pytest.raises(ValidationError) as error:
        end(acting_for(caseworker), intervention, on=STARTED, note="  ", now=NOW)
    assert list(error.value.message_dict) == ["note"]
    intervention.refresh_from_db()
    assert intervention.ended_on is None and len(work_events(allocation.referral)) == 1


def test_ended_work_cannot_be_ended_again(caseworker, allocation, knife):
    intervention = start(caseworker, allocation, knife)
    services.disengage(acting_for(caseworker), intervention, on=STARTED, note="Stopped coming.", now=NOW)
    for end in (services.complete_intervention, services.disengage, services.withdraw):
        with pytest.raises(ValidationError) as error:
            end(acting_for(caseworker), intervention, on=STARTED, note="Again.", now=NOW)
        assert error.value.messages == ["This intervention was already disengaged on 23 November 2026: "
                                        "it cannot be ended again."]
    assert len(work_events(allocation.referral)) == 2


def test_an_allocation_with_work_started_cannot_be_handed_back(caseworker, allocation, knife):
    start(caseworker, allocation, knife)
    with pytest.raises(ValidationError) as error:
        referral_services.hand_back(acting_for(caseworker), allocation, "No capacity.", now=NOW)
    assert error.value.messages == ["Work has started on this allocation: end the work before handing it back."]
    allocation.refresh_from_db()
    assert allocation.state == "accepted"
