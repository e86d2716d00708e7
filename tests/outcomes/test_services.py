"""Diversion cases and interventions through their services: what each action changes, and what it refuses.

Dates: "now" is Tuesday 24 November 2026, 10:00 in London. A Checkpoint case started that day
runs to 24 March 2027; its assessment is due 10 working days on, 8 December 2026.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, OutboxMessage
from outcomes import selectors, services
from outcomes.models import (
    Assessment,
    CaseEvent,
    Condition,
    DiversionCase,
    Intervention,
    PoliceOutcome,
    Programme,
    ReturnToPolice,
    Session,
)
from partners.access import NotFound, acting_for, visible
from partners.models import AuditAction, AuditEvent, Role
from partners.models import OrganisationKind as K
from referrals.models import Allocation, YoungPerson
from tests.factories import OrganisationFactory, member
from tests.outcomes import factories as f
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
START = date(2026, 11, 24)
OFFENCE_DAY = date(2026, 11, 20)
ASSESSMENT_DUE = date(2026, 12, 8)  # 10 working days after 24 November 2026
END = date(2027, 3, 24)


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def yos_manager(yos):
    return member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")


@pytest.fixture
def other_yos(db):
    return OrganisationFactory(name="Test YOS Two", kind=K.YOS)


@pytest.fixture
def other_caseworker(other_yos):
    return member(role=Role.CASEWORKER, organisation=other_yos, email="caseworker@yos-two.example.org")


def start(decision_maker, yos, **overrides):
    kwargs = {
        "crime_reference": "20/000123/26", "offence": f.offence("CJA1988-S139"), "offence_date": OFFENCE_DAY,
        "pathway": f.pathway("checkpoint"), "lead_organisation": yos, "start_date": START, "now": NOW,
        "person": f.person_data(), "aggravating": False, "admission": True, "sufficient_evidence": True, "history": "none",
    }
    kwargs.update(overrides)
    return services.start_case(acting_for(decision_maker), **kwargs)


def nothing_written():
    return {
        "cases": DiversionCase.objects.count(), "conditions": Condition.objects.count(),
        "interventions": Intervention.objects.count(), "young people": YoungPerson.objects.count(),
        "programmes": Programme.objects.count(), "events": CaseEvent.objects.count(),
        "audit": AuditEvent.objects.count(), "notifications": Notification.objects.count(),
    } == {k: 0 for k in ("cases", "conditions", "interventions", "young people", "programmes", "events", "audit",
                         "notifications")}


def condition(case, kind):
    return Condition.objects.get(case=case, kind=kind)


def session(caseworker, case, day, attendance="attended", reason=""):
    return services.record_session(acting_for(caseworker), case.interventions.get(), held_on=day, attendance=attendance,
                                   reason=reason, now=at(day))


# --- Starting a case -----------------------------------------------------------------------------------


def test_a_checkpoint_case_for_an_eligible_15_year_old_sets_the_contract(decision_maker, caseworker, yos, police):
    case = start(decision_maker, yos)
    assert case.status == "active"
    assert (case.start_date, case.end_date) == (START, END)
    # Possession of a bladed article is either-way: contract end plus 28 days.
    assert case.return_deadline == date(2027, 4, 21)
    assert case.police_organisation == police and case.decision_maker == decision_maker
    assert [(c.kind, c.due_on, c.target, c.status) for c in case.conditions.order_by("position")] == [
        ("assessment", ASSESSMENT_DUE, 1, "pending"),
        ("sessions", END, 6, "pending"),
        ("no_reoffending", END, None, "pending"),
    ]
    assert [r["rule"] for r in case.eligibility] == ["age", "offence", "aggravating", "admission", "evidence", "history"]
    assert all(r["passed"] for r in case.eligibility)
    intervention = case.interventions.get()
    assert (intervention.organisation, intervention.status, intervention.started_on) == (yos, "offered", START)
    assert intervention.programme.name == "Knife crime programme" and intervention.programme.owner == yos
    assert list(visible(caseworker, DiversionCase.objects.all())) == [case]
    assert list(visible(caseworker, Intervention.objects.all())) == [intervention]
    assert list(visible(caseworker, YoungPerson.objects.all())) == [case.young_person]
    assert list(visible(decision_maker, YoungPerson.objects.all())) == [case.young_person]
    assert list(case.events.values_list("kind", flat=True)) == ["started"]
    note = Notification.objects.get(user=caseworker)
    assert note.key == f"case:{case.pk}:started" and "20/000123/26" in note.subject
    email = OutboxMessage.objects.get(notification=note)
    assert "Casey" not in email.subject + email.body and "Example" not in email.subject + email.body


def test_the_lead_agencys_own_programme_is_used_and_outcome_22_has_no_assessment(decision_maker, yos):
    own = f.ProgrammeFactory(owner=yos, name="Aspire mentoring")
    f.ProgrammeFactory(owner=yos, name="Zeal (closed)", active=False)
    case = start(decision_maker, yos, pathway=f.pathway("outcome22"), offence=f.offence("OAPA1861-S47"))
    assert case.interventions.get().programme == own
    assert [(c.kind, c.target) for c in case.conditions.all()] == [("sessions", 4), ("no_reoffending", None)]


def test_outcome_22_without_a_programme_creates_the_diversion_programme(decision_maker, yos):
    case = start(decision_maker, yos, pathway=f.pathway("outcome22"), offence=f.offence("OAPA1861-S47"))
    programme = case.interventions.get().programme
    assert (programme.name, programme.owner, programme.expected_sessions) == ("Diversion programme", yos, 4)


def test_outcome_22_stores_the_checkpoint_questions_as_not_asked_and_checkpoint_keeps_the_answers(decision_maker, yos):
    o22 = start(decision_maker, yos, pathway=f.pathway("outcome22"), offence=f.offence("OAPA1861-S47"),
                aggravating=None, admission=None, sufficient_evidence=None, history=None)
    o22.refresh_from_db()
    assert (o22.aggravating, o22.admission, o22.sufficient_evidence, o22.history) == (None, None, None, None)
    checkpoint = start(decision_maker, yos, crime_reference="20/000124/26")
    checkpoint.refresh_from_db()
    assert (checkpoint.aggravating, checkpoint.admission, checkpoint.sufficient_evidence, checkpoint.history) == (
        False, True, True, "none")


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"person": {"date_of_birth": date(2008, 11, 1)}}, "Aged 18 on the offence date"),
        ({"person": {"date_of_birth": date(2017, 1, 1)}}, "Aged 9 on the offence date"),
        ({"offence": "CJA1988-S39"}, "Common assault is not eligible"),
        ({"aggravating": True}, "There are aggravating circumstances"),
        ({"admission": False}, "No admission"),
        ({"sufficient_evidence": False}, "Not enough evidence to charge"),
        ({"history": "violent_or_serious"}, "A violent or serious criminal history"),
    ],
    ids=["too old", "too young", "offence", "aggravating", "admission", "evidence", "history"],
)
def test_each_checkpoint_rule_failing_alone_refuses_the_case_and_writes_nothing(decision_maker, yos, overrides, words):
    overrides = dict(overrides)
    if "person" in overrides:
        overrides["person"] = f.person_data(**overrides["person"])
    if "offence" in overrides:
        overrides["offence"] = f.offence(overrides["offence"])
    with pytest.raises(ValidationError) as error:
        start(decision_maker, yos, **overrides)
    reasons = error.value.message_dict["eligibility"]
    assert len(reasons) == 1 and words in reasons[0]
    assert nothing_written()


def test_a_very_minor_non_violent_history_is_eligible_for_checkpoint(decision_maker, yos):
    case = start(decision_maker, yos, history="minor_non_violent")
    assert case.history == "minor_non_violent" and case.status == "active"


@pytest.mark.parametrize("code", ["OAPA1861-S18", "TA1968-S8"])
def test_outcome_22_refuses_offences_above_wounding_without_intent(decision_maker, yos, code):
    with pytest.raises(ValidationError) as error:
        start(decision_maker, yos, pathway=f.pathway("outcome22"), offence=f.offence(code))
    [reason] = error.value.message_dict["eligibility"]
    assert "cannot be resolved by Outcome 22" in reason and "s20" in reason
    assert nothing_written()


def test_outcome_22_accepts_wounding_without_intent(decision_maker, yos):
    case = start(decision_maker, yos, pathway=f.pathway("outcome22"), offence=f.offence("OAPA1861-S20"))
    assert case.status == "active" and case.offence.code == "OAPA1861-S20"


def test_a_summary_only_offence_whose_contract_outlives_its_deadline_needs_an_acknowledgement(decision_maker, yos):
    kwargs = {"pathway": f.pathway("outcome22"), "offence": f.offence("CJA1988-S39"), "offence_date": date(2026, 8, 24)}
    with pytest.raises(ValidationError) as error:
        start(decision_maker, yos, **kwargs)
    assert error.value.message_dict == {"acknowledge_deadline": [
        "The contract would end on 24 March 2027, after the return-to-police deadline of 27 January 2027. "
        "Confirm you have seen this to start the case."
    ]}
    assert nothing_written()
    case = start(decision_maker, yos, acknowledge_deadline=True, **kwargs)
    # Six months from 24 August 2026 is 24 February 2027, less the 28-day safety margin.
    assert case.return_deadline == date(2027, 1, 27) and case.deadline_acknowledged
    assert case.end_date == END


def test_an_either_way_case_needs_no_acknowledgement_and_records_none(decision_maker, yos):
    assert start(decision_maker, yos, acknowledge_deadline=True).deadline_acknowledged is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"offence_date": date(2026, 11, 25)}, "offence_date"),  # tomorrow
        ({"offence_date": date(2026, 11, 20), "start_date": date(2026, 11, 19)}, "offence_date"),  # after the start
        ({"crime_reference": "  "}, "crime_reference"),
        ({"person": None}, "young_person"),
        ({"contract_months": 0}, "contract_months"),
        ({"history": "unknown"}, "history"),
    ],
)
def test_bad_case_details_are_refused_and_nothing_is_written(decision_maker, yos, overrides, field):
    with pytest.raises(ValidationError) as error:
        start(decision_maker, yos, **overrides)
    assert field in error.value.message_dict
    assert nothing_written()


def test_a_new_young_person_needs_real_details(decision_maker, yos):
    with pytest.raises(ValidationError) as error:
        start(decision_maker, yos, person=f.person_data(given_name="", date_of_birth=date(2027, 1, 1), postcode="ZZ"))
    assert set(error.value.message_dict) == {"given_name", "date_of_birth", "postcode"}
    assert nothing_written()


@pytest.mark.parametrize("kind", [K.SCHOOL, K.POLICE, K.VRU])
def test_the_lead_agency_must_be_a_partner_that_delivers_interventions(decision_maker, kind):
    lead = OrganisationFactory(name=f"Not a lead ({kind})", kind=kind)
    with pytest.raises(ValidationError) as error:
        start(decision_maker, lead)
    assert "lead_organisation" in error.value.message_dict
    assert not DiversionCase.objects.exists()


def test_an_inactive_lead_agency_is_refused(decision_maker):
    closed = OrganisationFactory(name="Closed YOS", kind=K.YOS, active=False)
    with pytest.raises(ValidationError) as error:
        start(decision_maker, closed)
    assert "lead_organisation" in error.value.message_dict


def test_only_a_police_decision_maker_starts_a_case(caseworker, yos_manager, yos):
    for user in (caseworker, yos_manager):
        with pytest.raises(PermissionDenied):
            start(user, yos)
    assert nothing_written()


def test_a_known_young_person_must_be_one_the_decision_maker_can_see(decision_maker, caseworker, yos, police):
    hidden = f.YoungPersonFactory()
    with pytest.raises(ValidationError) as error:
        start(decision_maker, yos, person=None, young_person=hidden)
    assert error.value.message_dict == {"young_person": ["Select a known young person"]}
    ReferralFactory(created_by=decision_maker, young_person=hidden)  # the force referred them: now it knows them
    assert visible(caseworker, YoungPerson.objects.all()).count() == 0
    case = start(decision_maker, yos, person=None, young_person=hidden)
    assert case.young_person == hidden and YoungPerson.objects.count() == 1
    # The lead agency now works with this young person, so it may see who they are.
    assert list(visible(caseworker, YoungPerson.objects.all())) == [hidden]
    with pytest.raises(ValidationError) as error:
        start(decision_maker, yos, person=None, young_person=hidden)
    assert "crime_reference" in error.value.message_dict


# --- Interventions: sessions, assessments, completion -------------------------------------------------


def test_a_session_before_the_intervention_started_or_in_the_future_is_refused(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    intervention = case.interventions.get()
    for day, now in ((date(2026, 11, 23), NOW), (date(2026, 11, 25), NOW)):
        with pytest.raises(ValidationError) as error:
            services.record_session(acting_for(caseworker), intervention, held_on=day, attendance="attended", now=now)
        assert "held_on" in error.value.message_dict
    assert not Session.objects.exists()


def test_did_not_attend_needs_a_reason(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    with pytest.raises(ValidationError) as error:
        session(caseworker, case, START, attendance="did_not_attend", reason="  ")
    assert error.value.message_dict == {"reason": ["Explain why the young person did not attend"]}
    assert not Session.objects.exists()
    recorded = session(caseworker, case, START, attendance="did_not_attend", reason="Unwell; parent phoned.")
    assert recorded.reason == "Unwell; parent phoned."
    assert case.interventions.get().status == "offered"  # not engaged until they attend


def test_the_first_attended_session_engages_the_young_person(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    session(caseworker, case, START, attendance="cancelled_by_us")
    assert case.interventions.get().status == "offered"
    session(caseworker, case, date(2026, 11, 26))
    assert case.interventions.get().status == "engaged"
    assert list(case.events.values_list("kind", flat=True)) == ["started", "session_recorded", "session_recorded"]


def test_only_the_delivering_organisations_caseworker_records_sessions(decision_maker, caseworker, yos_manager,
                                                                      other_caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    with pytest.raises(NotFound):
        services.record_session(acting_for(other_caseworker), intervention, held_on=START, attendance="attended", now=NOW)
    with pytest.raises(PermissionDenied):
        services.record_session(acting_for(yos_manager), intervention, held_on=START, attendance="attended", now=NOW)
    with pytest.raises(PermissionDenied):
        services.record_session(acting_for(decision_maker), intervention, held_on=START, attendance="attended", now=NOW)
    assert not Session.objects.exists()


def test_recording_the_assessment_meets_the_assessment_condition(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    done = date(2026, 11, 30)
    services.record_assessment(acting_for(caseworker), case.interventions.get(), kind="checkpoint", completed_on=done,
                               now=at(done))
    met = condition(case, "assessment")
    assert (met.status, met.met_on, met.progress) == ("met", done, 1)
    assert condition(case, "sessions").status == "pending"
    assert set(case.events.values_list("kind", flat=True)) == {"started", "assessment_recorded", "condition_met"}
    case.refresh_from_db()
    assert case.status == "active"


def test_an_assessment_needs_a_kind_and_a_date_within_the_intervention(decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    with pytest.raises(ValidationError) as error:
        services.record_assessment(acting_for(caseworker), intervention, kind="horoscope", completed_on=date(2026, 11, 1),
                                   now=NOW)
    assert set(error.value.message_dict) == {"kind", "completed_on"}
    assert not Assessment.objects.exists()


def test_n_attended_sessions_meet_the_sessions_condition_and_a_corrected_one_no_longer_counts(decision_maker, caseworker,
                                                                                             yos):
    case = start(decision_maker, yos, sessions=3)
    days = [date(2026, 11, 25), date(2026, 12, 2), date(2026, 12, 9)]
    recorded = [session(caseworker, case, day) for day in days]
    sessions = condition(case, "sessions")
    assert (sessions.status, sessions.progress, sessions.met_on) == ("met", 3, date(2026, 12, 9))

    correction = services.correct_session(
        acting_for(caseworker), recorded[1], held_on=date(2026, 12, 2), attendance="did_not_attend",
        reason="Did not turn up.", correction_reason="Ticked on the wrong register.", now=at(date(2026, 12, 10)),
    )
    sessions = condition(case, "sessions")
    assert (sessions.status, sessions.progress, sessions.met_on) == ("pending", 2, None)
    # Both rows stay: the original is untouched, the correction names it.
    assert Session.objects.count() == 4
    original = Session.objects.get(pk=recorded[1].pk)
    assert (original.attendance, original.held_on) == ("attended", date(2026, 12, 2))
    assert correction.corrects == original and original.correction == correction

    with pytest.raises(ValidationError) as error:
        services.correct_session(acting_for(caseworker), original, held_on=date(2026, 12, 2), attendance="attended",
                                 reason="", correction_reason="Again.", now=at(date(2026, 12, 10)))
    assert "correct the correction instead" in error.value.messages[0]
    services.correct_session(acting_for(caseworker), correction, held_on=date(2026, 12, 2), attendance="attended",
                             reason="", correction_reason="The first correction was itself wrong.", now=at(date(2026, 12, 11)))
    assert condition(case, "sessions").progress == 3 and Session.objects.count() == 5


def test_a_correction_must_say_why(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    original = session(caseworker, case, START)
    with pytest.raises(ValidationError) as error:
        services.correct_session(acting_for(caseworker), original, held_on=START, attendance="cancelled_by_us", reason="",
                                 correction_reason=" ", now=NOW)
    assert error.value.message_dict == {"correction_reason": ["Explain why the session is corrected"]}
    assert Session.objects.count() == 1


def test_a_corrected_assessment_no_longer_meets_the_condition_when_the_new_date_is_late(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    first = services.record_assessment(acting_for(caseworker), case.interventions.get(), kind="checkpoint",
                                       completed_on=date(2026, 12, 1), now=at(date(2026, 12, 1)))
    assert condition(case, "assessment").status == "met"
    services.correct_assessment(acting_for(caseworker), first, kind="checkpoint", completed_on=date(2026, 12, 10),
                                correction_reason="The date was mistyped.", now=at(date(2026, 12, 10)))
    assert condition(case, "assessment").status == "missed"
    case.refresh_from_db()
    assert case.status == "at_risk"
    assert Assessment.objects.count() == 2 and Assessment.objects.get(pk=first.pk).completed_on == date(2026, 12, 1)


def test_a_completion_recorded_twice_is_refused(decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    services.complete_intervention(acting_for(caseworker), intervention, on=date(2026, 12, 1), note="Finished.",
                                   now=at(date(2026, 12, 1)))
    with pytest.raises(ValidationError) as error:
        services.complete_intervention(acting_for(caseworker), intervention, on=date(2026, 12, 2), note="Again.",
                                       now=at(date(2026, 12, 2)))
    assert error.value.messages == ["This intervention was already completed on 1 December 2026: it cannot be ended again."]
    intervention.refresh_from_db()
    assert (intervention.status, intervention.ended_on) == ("completed", date(2026, 12, 1))
    with pytest.raises(ValidationError):
        services.record_session(acting_for(caseworker), intervention, held_on=date(2026, 12, 1), attendance="attended",
                                now=at(date(2026, 12, 2)))


def test_disengagement_needs_a_reason_and_ends_the_intervention(decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    with pytest.raises(ValidationError) as error:
        services.disengage(acting_for(caseworker), intervention, on=START, note="", now=NOW)
    assert "note" in error.value.message_dict
    services.disengage(acting_for(caseworker), intervention, on=START, note="Moved out of area.", now=NOW)
    intervention.refresh_from_db()
    assert (intervention.status, intervention.end_reason) == ("disengaged", "Moved out of area.")
    with pytest.raises(ValidationError):
        services.complete_intervention(acting_for(caseworker), intervention, on=START, note="Done.", now=NOW)


def test_a_partner_starts_an_intervention_only_with_an_accepted_allocation(caseworker, referrer, yos):
    person = f.YoungPersonFactory()
    referral = ReferralFactory(created_by=referrer, young_person=person, status="allocated")
    programme = f.ProgrammeFactory(owner=yos, name="Mentoring")
    allocation = Allocation.objects.create(referral=referral, organisation=yos, programme="Mentoring", allocated_by=referrer,
                                           allocated_at=NOW - timedelta(days=2), accept_due=NOW)
    kwargs = {"programme": programme, "started_on": START, "planned_sessions": 6, "now": NOW}
    with pytest.raises(ValidationError) as error:
        services.start_intervention(acting_for(caseworker), allocation, **kwargs)
    assert error.value.messages == ["Accept the allocation before starting work."]
    Allocation.objects.filter(pk=allocation.pk).update(state="accepted", accepted_at=NOW)
    intervention = services.start_intervention(acting_for(caseworker), allocation, **kwargs)
    assert (intervention.referral, intervention.allocation, intervention.case, intervention.status) == (
        referral, allocation, None, "offered")
    with pytest.raises(ValidationError):  # already started on this allocation
        services.start_intervention(acting_for(caseworker), allocation, **kwargs)


# --- Conditions, risk and breach ------------------------------------------------------------------------


def test_a_missed_condition_puts_the_case_at_risk(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    services.refresh_case(case, today=ASSESSMENT_DUE)
    case.refresh_from_db()
    assert case.status == "active"  # due today: not yet missed
    services.refresh_case(case, today=ASSESSMENT_DUE + timedelta(days=1))
    case.refresh_from_db()
    assert (case.status, case.at_risk_since) == ("at_risk", date(2026, 12, 9))
    assert condition(case, "assessment").status == "missed"
    at_risk = case.events.get(kind="at_risk")
    assert "Complete the YOS assessment within 10 working days" in at_risk.summary
    events = case.events.count()
    services.refresh_case(case, today=ASSESSMENT_DUE + timedelta(days=2))  # the daily sweep again: nothing new
    assert case.events.count() == events


def test_the_caseworker_records_why_a_condition_was_missed(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    with pytest.raises(ValidationError):  # not missed yet
        services.record_missed_reason(acting_for(caseworker), condition(case, "assessment"), reason="Ill.", now=NOW)
    services.refresh_case(case, today=date(2026, 12, 9))
    services.record_missed_reason(acting_for(caseworker), condition(case, "assessment"),
                                  reason="In hospital for a week.", now=at(date(2026, 12, 9)))
    assert condition(case, "assessment").missed_reason == "In hospital for a week."
    assert "In hospital for a week." in case.events.get(kind="missed_reason").summary


def test_a_further_offence_misses_no_reoffending_at_once(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    with pytest.raises(ValidationError) as error:
        services.record_reoffence(acting_for(decision_maker), case, offence_date=date(2026, 11, 1),
                                  crime_reference="20/000999/26", now=at(date(2026, 12, 3)))
    assert "offence_date" in error.value.message_dict
    services.record_reoffence(acting_for(decision_maker), case, offence_date=date(2026, 12, 2),
                              crime_reference="20/000999/26", now=at(date(2026, 12, 3)))
    case.refresh_from_db()
    assert case.status == "at_risk" and condition(case, "no_reoffending").status == "missed"
    services.refresh_case(case, today=END)  # still missed at the contract end, not met
    assert condition(case, "no_reoffending").status == "missed"


def propose(user, case, now=NOW):
    return services.propose_breach(acting_for(user) if user else None, case, reason="Missed the assessment.", now=now)


def test_the_person_who_proposed_a_breach_cannot_confirm_it(decision_maker, yos_manager, yos):
    case = start(decision_maker, yos)
    propose(yos_manager, case)
    with pytest.raises(ValidationError) as error:
        services.confirm_breach(acting_for(yos_manager), case, reason="Confirmed.", now=NOW)
    assert error.value.messages == ["The person who proposed a breach cannot also confirm it."]
    case.refresh_from_db()
    assert case.status == "breach_proposed" and case.breach_proposed_by == yos_manager
    assert not ReturnToPolice.objects.exists()


def test_a_breach_confirmed_by_a_police_decision_maker_re_refers_the_case(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    propose(caseworker, case)
    assert Notification.objects.filter(user=decision_maker, kind="breach_proposed").count() == 1
    services.confirm_breach(acting_for(decision_maker), case, reason="No contact for a month.", now=at(date(2026, 12, 1)))
    case.refresh_from_db()
    assert case.status == "re_referred"
    return_to_police = case.return_to_police
    assert (return_to_police.deadline, return_to_police.confirmed_by, return_to_police.received_at) == (
        date(2027, 4, 21), decision_maker, None
    )
    assert Notification.objects.filter(user=decision_maker, key=f"case:{case.pk}:re_referred").count() == 1
    assert list(selectors.returned_to_police_inbox(acting_for(decision_maker))) == [case]
    received = services.receive_return(acting_for(decision_maker), case, now=at(date(2026, 12, 2)))
    assert received.received_by == decision_maker
    with pytest.raises(ValidationError):
        services.receive_return(acting_for(decision_maker), case, now=at(date(2026, 12, 2)))


def test_a_caseworker_cannot_confirm_a_breach(decision_maker, caseworker, yos_manager, yos):
    case = start(decision_maker, yos)
    propose(yos_manager, case)
    with pytest.raises(PermissionDenied):
        services.confirm_breach(acting_for(caseworker), case, reason="Confirmed.", now=NOW)
    case.refresh_from_db()
    assert case.status == "breach_proposed"


def test_a_manager_of_another_organisation_cannot_see_the_case_to_confirm(decision_maker, caseworker, yos, other_yos):
    case = start(decision_maker, yos)
    propose(caseworker, case)
    stranger = member(role=Role.MANAGER, organisation=other_yos, email="manager@yos-two.example.org")
    with pytest.raises(NotFound):
        services.confirm_breach(acting_for(stranger), case, reason="Confirmed.", now=NOW)


def test_a_breach_proposed_by_the_system_is_confirmed_by_a_named_person(decision_maker, yos_manager, yos):
    case = start(decision_maker, yos)
    propose(None, case)
    case.refresh_from_db()
    assert case.status == "breach_proposed" and case.breach_proposed_by is None
    services.confirm_breach(acting_for(yos_manager), case, reason="Confirmed after review.", now=NOW)
    case.refresh_from_db()
    assert case.status == "re_referred" and case.return_to_police.confirmed_by == yos_manager


def test_only_the_lead_agency_proposes_a_breach(decision_maker, other_caseworker, yos):
    case = start(decision_maker, yos)
    with pytest.raises(PermissionDenied):
        propose(decision_maker, case)
    with pytest.raises(NotFound):
        propose(other_caseworker, case)
    case.refresh_from_db()
    assert case.status == "active"


def test_a_further_chance_moves_the_due_date_and_returns_the_case_to_active(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    services.refresh_case(case, today=date(2026, 12, 9))
    propose(caseworker, case, now=at(date(2026, 12, 9)))
    assessment = condition(case, "assessment")
    with pytest.raises(ValidationError) as error:
        services.further_chance(acting_for(decision_maker), case, condition=assessment, new_due_on=date(2026, 12, 10),
                                reason="Was in hospital.", now=at(date(2026, 12, 10)))
    assert "new_due_on" in error.value.message_dict
    services.further_chance(acting_for(decision_maker), case, condition=assessment, new_due_on=date(2026, 12, 18),
                            reason="Was in hospital.", now=at(date(2026, 12, 10)))
    case.refresh_from_db()
    assert (case.status, case.at_risk_since, case.breach_proposed_by) == ("active", None, None)
    assessment.refresh_from_db()
    assert (assessment.due_on, assessment.status) == (date(2026, 12, 18), "pending")
    event = case.events.get(kind="further_chance")
    assert event.detail["old_due_on"] == "2026-12-08" and event.detail["new_due_on"] == "2026-12-18"
    assert "Was in hospital." in event.summary
    # Work done by the new date now counts.
    services.record_assessment(acting_for(caseworker), case.interventions.get(), kind="checkpoint",
                               completed_on=date(2026, 12, 15), now=at(date(2026, 12, 15)))
    assert condition(case, "assessment").status == "met"


def test_a_refused_transition_says_why(decision_maker, yos_manager, yos):
    case = start(decision_maker, yos)
    with pytest.raises(ValidationError) as error:
        services.confirm_breach(acting_for(decision_maker), case, reason="Confirmed.", now=NOW)
    assert error.value.messages[0].startswith("Cannot confirm a breach on a case that is active.")
    with pytest.raises(ValidationError) as error:
        services.close_case(acting_for(decision_maker), case, outcome_code=22, now=NOW)
    assert error.value.messages[0].startswith("Cannot close a case that is active.")
    propose(yos_manager, case)
    with pytest.raises(ValidationError) as error:
        propose(yos_manager, case)
    assert error.value.messages[0].startswith("Cannot propose a breach on a case that is awaiting breach confirmation.")


# --- Closure and outcomes -----------------------------------------------------------------------------


def fulfil(caseworker, case):
    """Everything the contract asks: the assessment in time and both sessions."""
    intervention = case.interventions.get()
    services.record_assessment(acting_for(caseworker), intervention, kind="checkpoint", completed_on=date(2026, 11, 30),
                               now=at(date(2026, 11, 30)))
    session(caseworker, case, date(2026, 12, 7))
    session(caseworker, case, date(2027, 1, 11))


def test_closure_is_proposed_only_at_the_contract_end_with_every_condition_met(decision_maker, caseworker, yos):
    done = start(decision_maker, yos, sessions=2)
    fulfil(caseworker, done)
    undone = start(decision_maker, yos, sessions=2, crime_reference="20/000124/26")
    services.record_assessment(acting_for(caseworker), undone.interventions.get(), kind="checkpoint",
                               completed_on=date(2026, 11, 30), now=at(date(2026, 11, 30)))
    with pytest.raises(ValidationError) as error:
        services.propose_closure(done, now=at(END - timedelta(days=1)))
    assert "The contract ends on 24 March 2027" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.propose_closure(undone, now=at(END))
    assert "Not every condition is met: Attend 2 knife-crime programme sessions" in error.value.messages[0]
    undone.refresh_from_db()
    assert undone.status == "active"  # nothing half-written
    services.propose_closure(done, now=at(END))
    done.refresh_from_db()
    assert done.status == "closure_proposed"
    assert condition(done, "no_reoffending").status == "met"
    assert Notification.objects.filter(user=decision_maker, key=f"case:{done.pk}:closure").count() == 1


def test_closing_with_outcome_22_completes_and_outcome_1_is_refused(decision_maker, caseworker, yos):
    case = start(decision_maker, yos, sessions=2)
    fulfil(caseworker, case)
    services.propose_closure(case, now=at(END))
    with pytest.raises(ValidationError) as error:
        services.close_case(acting_for(decision_maker), case, outcome_code=1, now=at(END))
    assert error.value.message_dict == {"outcome_code": ["A completed case closes with outcome 22, not 1."]}
    assert not PoliceOutcome.objects.exists()
    with pytest.raises(ValidationError):
        services.close_case(acting_for(decision_maker), case, outcome_code=99, now=at(END))
    with pytest.raises(PermissionDenied):
        services.close_case(acting_for(caseworker), case, outcome_code=22, now=at(END))
    services.close_case(acting_for(decision_maker), case, outcome_code=22, now=at(END))
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.police_outcome.outcome.code) == ("completed", at(END), 22)


def re_referred(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    propose(caseworker, case)
    services.confirm_breach(acting_for(decision_maker), case, reason="No engagement.", now=NOW)
    return case


def test_a_re_referred_case_cannot_record_outcome_22_but_can_record_a_charge(decision_maker, caseworker, yos):
    case = re_referred(decision_maker, caseworker, yos)
    with pytest.raises(ValidationError) as error:
        services.record_police_outcome(acting_for(decision_maker), case, outcome_code=22, notes="", now=NOW)
    assert "cannot close with outcome 22" in error.value.message_dict["outcome_code"][0]
    with pytest.raises(ValidationError) as error:
        services.close_case(acting_for(decision_maker), case, outcome_code=22, now=NOW)
    assert error.value.messages[0].startswith("Cannot close a case that is returned to police.")
    services.record_police_outcome(acting_for(decision_maker), case, outcome_code=1, notes="Charged.", now=NOW)
    case.refresh_from_db()
    assert (case.status, case.police_outcome.outcome.code, case.police_outcome.notes) == ("outcome_recorded", 1, "Charged.")
    assert case.return_to_police.received_by == decision_maker
    with pytest.raises(ValidationError):
        services.record_police_outcome(acting_for(decision_maker), case, outcome_code=1, notes="", now=NOW)


def test_another_forces_decision_maker_cannot_record_the_outcome(decision_maker, caseworker, yos):
    case = re_referred(decision_maker, caseworker, yos)
    other = member(role=Role.DECISION_MAKER, kind=K.POLICE, email="decisions@other-force.example.org")
    with pytest.raises(NotFound):
        services.record_police_outcome(acting_for(other), case, outcome_code=1, notes="", now=NOW)
    assert selectors.returned_to_police_inbox(acting_for(other)).count() == 0


# --- Reads ------------------------------------------------------------------------------------------------


def test_a_school_sees_no_cases(decision_maker, caseworker, referrer, yos):
    case = start(decision_maker, yos)
    assert visible(referrer, DiversionCase.objects.all()).count() == 0
    assert selectors.cases_for(acting_for(referrer)).count() == 0
    with pytest.raises(NotFound):
        selectors.case_detail(acting_for(referrer), case.pk)
    with pytest.raises(NotFound):
        selectors.intervention_detail(acting_for(referrer), case.interventions.get().pk)
    assert [c.pk for c in selectors.cases_for(acting_for(caseworker))] == [case.pk]


def test_another_partner_cannot_open_the_case(decision_maker, other_caseworker, yos):
    case = start(decision_maker, yos)
    with pytest.raises(NotFound):
        selectors.case_detail(acting_for(other_caseworker), case.pk)
    assert selectors.caseload(acting_for(other_caseworker)).count() == 0


def test_viewing_a_case_or_an_intervention_is_audited(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    session(caseworker, case, START)
    shown = selectors.case_detail(acting_for(caseworker), case.pk)
    assert [c.kind for c in shown.conditions.all()] == ["assessment", "sessions", "no_reoffending"]
    assert len(shown.interventions.all()[0].sessions.all()) == 1
    selectors.intervention_detail(acting_for(caseworker), case.interventions.get().pk)
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=caseworker)
    assert sorted(views.values_list("object_type", flat=True)) == ["outcomes.diversioncase", "outcomes.intervention"]
    assert set(views.values_list("young_person_id", flat=True)) == {case.young_person_id}


def test_cases_are_listed_by_deadline_with_the_time_left(decision_maker, yos):
    later = start(decision_maker, yos)
    sooner = start(decision_maker, yos, pathway=f.pathway("outcome22"), offence=f.offence("CJA1988-S39"),
                   crime_reference="20/000200/26", acknowledge_deadline=True, offence_date=date(2026, 8, 24))
    listed = list(selectors.cases_for(acting_for(decision_maker), today=date(2027, 1, 20)))
    assert listed == [sooner, later]
    assert listed[0].time_left.days == 7
    assert selectors.deadline_state(listed[0], today=date(2027, 1, 20))["near"] is True
    assert selectors.deadline_state(listed[1], today=date(2027, 1, 20))["near"] is False
    assert list(selectors.cases_for(acting_for(decision_maker), status="at_risk")) == []


def test_the_caseload_shows_next_due_overdue_and_sessions_attended(decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    first = session(caseworker, case, date(2026, 11, 25))
    session(caseworker, case, date(2026, 11, 26))
    services.correct_session(acting_for(caseworker), first, held_on=date(2026, 11, 25), attendance="did_not_attend",
                             reason="Not there.", correction_reason="Wrong register.", now=at(date(2026, 11, 27)))
    ended = services.start_case(
        acting_for(decision_maker), crime_reference="20/000300/26", offence=f.offence("PCA1953-S1"), offence_date=OFFENCE_DAY,
        pathway=f.pathway("checkpoint"), lead_organisation=yos, start_date=START, now=NOW, person=f.person_data(given_name="Rio"),
        aggravating=False, admission=True, sufficient_evidence=True, history="none",
    ).interventions.get()
    services.complete_intervention(acting_for(caseworker), ended, on=START, note="Done.", now=NOW)
    rows = list(selectors.caseload(acting_for(caseworker), today=date(2026, 12, 1)))
    assert [r.pk for r in rows] == [case.interventions.get().pk, ended.pk]  # live first
    live = rows[0]
    assert (live.next_due, live.assessment_due, live.overdue) == (ASSESSMENT_DUE, ASSESSMENT_DUE, False)
    assert (live.sessions_attended, live.last_session_on) == (1, date(2026, 11, 26))
    assert selectors.caseload(acting_for(caseworker), today=date(2026, 12, 9)).first().overdue is True


def build(n, *, yos, police, decision_maker, status):
    for _ in range(n):
        f.make_case(lead=yos, police=police, decision_maker=decision_maker, status=status)


def count_queries(fn):
    shown = []
    with CaptureQueriesContext(connection) as queries:
        rows = list(fn())
        for row in rows:  # touch what a page shows
            shown.append(str(row.young_person))
            if isinstance(row, Intervention):
                shown += [row.programme.name, *(c.status for c in row.case.conditions.all())]
            else:
                shown += [row.offence.name, str(row.lead_organisation), row.return_to_police.deadline]
    assert shown
    return len(queries), len(rows)


def test_the_caseload_costs_the_same_queries_for_3_and_30_cases(decision_maker, caseworker, yos, police):
    acting = acting_for(caseworker)
    build(3, yos=yos, police=police, decision_maker=decision_maker, status="active")
    three, rows = count_queries(lambda: selectors.caseload(acting, today=START))
    assert rows == 3
    build(27, yos=yos, police=police, decision_maker=decision_maker, status="active")
    thirty, rows = count_queries(lambda: selectors.caseload(acting, today=START))
    assert rows == 30 and thirty == three and three <= 3


def test_the_returned_to_police_inbox_costs_the_same_queries_for_3_and_30_cases(decision_maker, yos, police):
    acting = acting_for(decision_maker)
    build(3, yos=yos, police=police, decision_maker=decision_maker, status="re_referred")
    build(2, yos=yos, police=police, decision_maker=decision_maker, status="active")
    three, rows = count_queries(lambda: selectors.returned_to_police_inbox(acting))
    assert rows == 3
    build(27, yos=yos, police=police, decision_maker=decision_maker, status="re_referred")
    thirty, rows = count_queries(lambda: selectors.returned_to_police_inbox(acting))
    assert rows == 30 and thirty == three and three <= 2


def test_a_caseworker_has_no_returned_to_police_inbox(caseworker):
    with pytest.raises(PermissionDenied):
        selectors.returned_to_police_inbox(acting_for(caseworker))


def test_a_young_persons_timeline_puts_cases_and_interventions_in_date_order(decision_maker, caseworker, referrer, triager,
                                                                             yos, police):
    case = start(decision_maker, yos)
    person = case.young_person
    ReferralFactory(created_by=referrer, young_person=person, received_at=at(date(2026, 10, 1)))
    session(caseworker, case, date(2026, 11, 26))
    services.record_assessment(acting_for(caseworker), case.interventions.get(), kind="checkpoint",
                               completed_on=date(2026, 11, 25), now=at(date(2026, 11, 25)))
    entries = selectors.young_person_timeline(acting_for(triager), person)
    assert [(e["on"], e["kind"]) for e in entries] == [
        (date(2026, 10, 1), "referral"), (START, "case"), (START, "intervention"),
        (date(2026, 11, 25), "assessment"), (date(2026, 11, 26), "session"),
    ]
    # The lead agency sees its case and intervention, not the school's referral.
    assert "referral" not in [e["kind"] for e in selectors.young_person_timeline(acting_for(caseworker), person)]
    with pytest.raises(NotFound):
        selectors.young_person_timeline(acting_for(referrer), f.YoungPersonFactory())


def test_reference_data_selectors():
    assert selectors.offences().first().code == "CDA1971-S1"
    assert [p.code for p in selectors.pathways()] == ["checkpoint", "outcome22"]
    assert [o.code for o in selectors.outcome_codes(closing_only=True)] == [22]
    assert selectors.outcome_codes().count() == 21


# --- The audit trail ---------------------------------------------------------------------------------------


def audited_actions():
    return [e.detail.get("action") for e in AuditEvent.objects.order_by("id") if e.action != AuditAction.GRANT]


def test_every_action_writes_an_audit_event(decision_maker, caseworker, yos_manager, yos):
    case = start(decision_maker, yos, sessions=2)
    intervention = case.interventions.get()
    assert audited_actions() == ["start_case", "start_case", "start_case"]  # the young person, the case, the intervention
    first = session(caseworker, case, START)
    services.correct_session(acting_for(caseworker), first, held_on=START, attendance="attended", reason="",
                             correction_reason="Date confirmed.", now=NOW)
    assessment = services.record_assessment(acting_for(caseworker), intervention, kind="checkpoint", completed_on=START,
                                            now=NOW)
    services.correct_assessment(acting_for(caseworker), assessment, kind="asset_plus", completed_on=START,
                                correction_reason="Wrong type.", now=NOW)
    services.record_reoffence(acting_for(decision_maker), case, offence_date=START, crime_reference="20/000777/26", now=NOW)
    services.record_missed_reason(acting_for(caseworker), condition(case, "no_reoffending"), reason="Peer pressure.", now=NOW)
    propose(caseworker, case)
    services.further_chance(acting_for(yos_manager), case, condition=condition(case, "no_reoffending"),
                            new_due_on=END, reason="First further offence, minor.", now=NOW)
    condition_added = services.add_condition(acting_for(caseworker), case, description="Attend school every day",
                                             due_on=date(2027, 1, 29), now=NOW)
    services.mark_condition_met(acting_for(caseworker), condition_added, on=START, now=NOW)
    propose(yos_manager, case)
    services.confirm_breach(acting_for(decision_maker), case, reason="Confirmed.", now=NOW)
    services.receive_return(acting_for(decision_maker), case, now=NOW)
    services.record_police_outcome(acting_for(decision_maker), case, outcome_code=8, notes="", now=NOW)
    services.complete_intervention(acting_for(caseworker), intervention, on=START, note="Done.", now=NOW)
    actions = audited_actions()[3:]
    assert actions == [
        "record_session", "correct_session", "record_assessment", "correct_assessment", "mark_at_risk",
        "record_reoffence", "record_missed_reason", "propose_breach", "further_chance", "add_condition",
        "mark_condition_met", "propose_breach", "confirm_breach", "receive_rereferral", "record_police_outcome", "complete",
    ]
    people = [e.actor for e in AuditEvent.objects.all() if e.detail.get("action") != "mark_at_risk"]
    assert people and None not in people  # only the system's own step is unattributed


def test_a_booked_next_session_shows_on_the_caseload_and_must_be_in_the_future(caseworker, yos, decision_maker, police):
    case = f.make_case(lead=yos, police=police, decision_maker=decision_maker)
    intervention = case.interventions.get()
    now = datetime(2026, 11, 26, 10, tzinfo=ZoneInfo("UTC"))
    with pytest.raises(ValidationError) as error:
        services.record_session(acting_for(caseworker), intervention, held_on=date(2026, 11, 25),
                                attendance="attended", next_session_on=date(2026, 11, 24), now=now)
    assert "next_session_on" in error.value.message_dict
    assert not intervention.sessions.exists()
    services.record_session(acting_for(caseworker), intervention, held_on=date(2026, 11, 25),
                            attendance="attended", next_session_on=date(2026, 12, 2), now=now)
    row = next(i for i in selectors.caseload(acting_for(caseworker)) if i.pk == intervention.pk)
    assert row.next_session_on == date(2026, 12, 2)


def test_an_intervention_withdrawn_by_us_is_not_a_disengagement(caseworker, yos, decision_maker, police):
    case = f.make_case(lead=yos, police=police, decision_maker=decision_maker)
    intervention = case.interventions.get()
    now = datetime(2026, 11, 26, 10, tzinfo=ZoneInfo("UTC"))
    services.withdraw(acting_for(caseworker), intervention, on=date(2026, 11, 25), note="Moved out of area.", now=now)
    intervention.refresh_from_db()
    assert intervention.status == "withdrawn" and intervention.end_reason == "Moved out of area."
    with pytest.raises(ValidationError):
        services.disengage(acting_for(caseworker), intervention, on=date(2026, 11, 25), note="Again", now=now)
