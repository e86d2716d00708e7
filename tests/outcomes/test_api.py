"""The outcomes REST API (/api/v1/cases, interventions, re-referrals, reference data): who may do what, the
error answers, and the cost of each list.

The clock is held at Tuesday 24 November 2026, 10:00 in London (and moved on where a test needs days to
pass). A Checkpoint case started that day runs to 24 March 2027; its assessment is due 8 December 2026;
its return-to-police deadline (an either-way offence: contract end plus 28 days) is 21 April 2027.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from outcomes.models import Assessment, DiversionCase, Intervention, PoliceOutcome, ReturnToPolice, Session
from partners import token_services
from partners.access import acting_for
from partners.models import AuditAction, AuditEvent, Role
from partners.models import OrganisationKind as K
from referrals.models import YoungPerson
from tests.factories import OrganisationFactory, member
from tests.outcomes import factories as f
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
CASES = reverse("api-case-list")
ELIGIBILITY = reverse("api-case-eligibility")
INTERVENTIONS = reverse("api-intervention-list")
RE_REFERRALS = reverse("api-return-to-police-list")


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def yos_manager(yos):
    return member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")


@pytest.fixture
def other_caseworker(db):
    other_yos = OrganisationFactory(name="Test YOS Two", kind=K.YOS)
    return member(role=Role.CASEWORKER, organisation=other_yos, email="caseworker@yos-two.example.org")


def token_client(user):
    _, secret = token_services.create_token(acting_for(user), "Test partner system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def case_url(case, name="detail"):
    return reverse(f"api-case-{name}", args=[getattr(case, "pk", case)])


def intervention_url(intervention, name="detail"):
    return reverse(f"api-intervention-{name}", args=[getattr(intervention, "pk", intervention)])


def person(**overrides):
    return {"given_name": "Casey", "family_name": "Example", "date_of_birth": "2011-06-01", "sex": "male",
            "ethnicity": "not_stated", "postcode": "B1 1AA", "area": "birmingham", **overrides}


def case_payload(lead, **overrides):
    data = {
        "crime_reference": "20/000123/26", "offence": "CJA1988-S139", "offence_date": "2026-11-20", "pathway": "checkpoint",
        "lead_organisation": getattr(lead, "pk", lead), "start_date": "2026-11-24", "person": person(),
        "aggravating": False, "admission": True, "sufficient_evidence": True, "history": "none",
    }
    data.update(overrides)
    return data


def start(client, lead, **overrides):
    response = client.post(CASES, case_payload(lead, **overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def written():
    return {
        "cases": DiversionCase.objects.count(), "young people": YoungPerson.objects.count(),
        "interventions": Intervention.objects.count(), "sessions": Session.objects.count(),
        "assessments": Assessment.objects.count(), "re-referrals": ReturnToPolice.objects.count(),
        "outcomes": PoliceOutcome.objects.count(),
    }


def by_kind(case_body):
    return {c["kind"]: c for c in case_body["conditions"]}


# --- Starting a case ---------------------------------------------------------------------------------


def test_a_decision_maker_starts_a_checkpoint_case_and_sees_its_conditions_and_deadline(decision_maker, caseworker, yos,
                                                                                        police):
    response = token_client(decision_maker).post(CASES, case_payload(yos), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == case_url(body["id"])
    assert body["status"] == "active" and body["crime_reference"] == "20/000123/26"
    assert body["pathway"]["code"] == "checkpoint"
    assert body["offence"] == {"code": "CJA1988-S139", "name": f.offence().name, "mode_of_trial": "either_way"}
    assert body["lead_organisation"] == {"id": yos.pk, "name": "Test YOS"}
    assert body["police_organisation"] == {"id": police.pk, "name": "Test Police NPU"}
    assert (body["start_date"], body["end_date"]) == ("2026-11-24", "2027-03-24")
    assert [(c["kind"], c["due_on"], c["target"], c["progress"], c["status"]) for c in body["conditions"]] == [
        ("assessment", "2026-12-08", 1, 0, "pending"),
        ("sessions", "2027-03-24", 6, 0, "pending"),
        ("no_reoffending", "2027-03-24", None, 0, "pending"),
    ]
    assert (body["return_deadline"], body["days_left"]) == ("2027-04-21", 148)
    assert [r["rule"] for r in body["eligibility"]] == ["age", "offence", "aggravating", "admission", "evidence", "history"]
    assert all(r["passed"] and r["reason"] for r in body["eligibility"])
    assert body["return_to_police"] is None and body["police_outcome"] is None
    assert [(i["organisation"], i["programme"], i["status"]) for i in body["interventions"]] == [
        ("Test YOS", "Knife crime programme", "offered")
    ]
    case = DiversionCase.objects.get()
    assert (case.decision_maker, case.young_person.given_name, case.pk) == (decision_maker, "Casey", body["id"])
    # The lead agency's caseworker now sees the case through its own token.
    assert token_client(caseworker).get(case_url(case)).json()["id"] == case.pk


def test_a_known_young_person_must_be_one_the_decision_maker_may_see(decision_maker, yos, police):
    hidden = f.YoungPersonFactory()
    client = token_client(decision_maker)
    response = client.post(CASES, case_payload(yos, person=None, young_person=hidden.pk), format="json")
    assert response.status_code == 400 and "young_person" in response.json()
    assert "Sam" not in response.content.decode()  # nothing about the hidden person
    assert not DiversionCase.objects.exists()
    ReferralFactory(created_by=decision_maker, young_person=hidden)  # the force referred them: now it knows them
    body = start(client, yos, person=None, young_person=hidden.pk)
    assert DiversionCase.objects.get(pk=body["id"]).young_person == hidden and YoungPerson.objects.count() == 1


def test_an_ineligible_case_is_400_with_every_failed_rules_reason_and_nothing_is_written(decision_maker, yos):
    before = written()
    response = token_client(decision_maker).post(CASES, case_payload(yos, aggravating=True, admission=False), format="json")
    assert response.status_code == 400
    reasons = response.json()["eligibility"]
    assert len(reasons) == 2
    assert reasons[0].startswith("There are aggravating circumstances") and reasons[1].startswith("No admission")
    assert written() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"offence": "NOT-AN-OFFENCE"}, "offence"),
        ({"pathway": "caution"}, "pathway"),
        ({"lead_organisation": "school"}, "lead_organisation"),
        ({"lead_organisation": "police"}, "lead_organisation"),
        ({"lead_organisation": 999999}, "lead_organisation"),
        ({"offence_date": "2026-11-25"}, "offence_date"),  # tomorrow
        ({"crime_reference": "  "}, "crime_reference"),
        ({"person": None}, "young_person"),  # neither a known young person nor a new one
        ({"person": person(given_name="")}, "person"),
        ({"person": person(postcode="ZZ")}, "person"),  # found by the service, nested as sent
        ({"history": "unknown"}, "history"),
        ({"contract_months": 0}, "contract_months"),
    ],
)
def test_bad_case_details_are_400_with_the_field_to_blame(request, decision_maker, yos, school, police, overrides, field):
    overrides = dict(overrides)
    if overrides.get("lead_organisation") in ("school", "police"):
        overrides["lead_organisation"] = request.getfixturevalue(overrides["lead_organisation"]).pk
    before = written()
    response = token_client(decision_maker).post(CASES, case_payload(yos, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert written() == before


def test_a_new_persons_details_found_wrong_by_the_service_are_nested_under_person(decision_maker, yos):
    response = token_client(decision_maker).post(CASES, case_payload(yos, person=person(postcode="ZZ")), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"person"} and set(response.json()["person"]) == {"postcode"}


def test_a_contract_outliving_a_summary_offences_deadline_needs_acknowledging(decision_maker, yos):
    client = token_client(decision_maker)
    summary = {"pathway": "outcome22", "offence": "CJA1988-S39", "offence_date": "2026-08-24"}
    refused = client.post(CASES, case_payload(yos, **summary), format="json")
    assert refused.status_code == 400 and "27 January 2027" in refused.json()["acknowledge_deadline"][0]
    assert not DiversionCase.objects.exists()
    body = start(client, yos, acknowledge_deadline=True, **summary)
    assert (body["return_deadline"], body["deadline_acknowledged"], body["days_left"]) == ("2027-01-27", True, 64)


def test_only_a_police_decision_maker_starts_a_case(caseworker, yos_manager, referrer, triager, yos):
    for user in (caseworker, yos_manager, referrer, triager):
        assert token_client(user).post(CASES, case_payload(yos), format="json").status_code == 403
        assert token_client(user).post(CASES, {}, format="json").status_code == 403  # before the body is read
    assert not DiversionCase.objects.exists()


def test_the_start_date_defaults_to_today(decision_maker, yos):
    data = case_payload(yos)
    del data["start_date"]
    response = token_client(decision_maker).post(CASES, data, format="json")
    assert response.status_code == 201 and response.json()["start_date"] == "2026-11-24"


# --- Eligibility without writing -----------------------------------------------------------------------


def test_the_eligibility_check_gives_each_rule_and_writes_nothing(decision_maker, police):
    client = token_client(decision_maker)
    facts = {"pathway": "checkpoint", "offence": "CJA1988-S139", "offence_date": "2026-11-20", "date_of_birth": "2011-06-01",
             "aggravating": False, "admission": True, "sufficient_evidence": True, "history": "none"}
    before, audited = written(), AuditEvent.objects.count()
    ok = client.post(ELIGIBILITY, facts, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["eligible"] is True and len(ok.json()["results"]) == 6
    refused = client.post(ELIGIBILITY, {**facts, "offence": "CJA1988-S39", "history": "violent_or_serious"}, format="json")
    assert refused.status_code == 200 and refused.json()["eligible"] is False
    failed = {r["rule"]: r["reason"] for r in refused.json()["results"] if not r["passed"]}
    assert set(failed) == {"offence", "history"} and "Common assault is not eligible" in failed["offence"]
    outcome22 = client.post(ELIGIBILITY, {**facts, "pathway": "outcome22", "offence": "OAPA1861-S18"}, format="json")
    assert [r["rule"] for r in outcome22.json()["results"]] == ["age", "offence"] and not outcome22.json()["eligible"]
    assert written() == before and AuditEvent.objects.count() == audited


def test_the_eligibility_check_takes_only_a_young_person_the_caller_may_see(decision_maker, police):
    client = token_client(decision_maker)
    hidden = f.YoungPersonFactory(date_of_birth=date(2011, 6, 1))
    facts = {"pathway": "checkpoint", "offence": "CJA1988-S139", "offence_date": "2026-11-20", "young_person": hidden.pk,
             "aggravating": False, "admission": True, "sufficient_evidence": True, "history": "none"}
    assert client.post(ELIGIBILITY, facts, format="json").status_code == 400
    assert client.post(ELIGIBILITY, {**facts, "young_person": None}, format="json").status_code == 400  # neither given
    ReferralFactory(created_by=decision_maker, young_person=hidden)  # the force referred them: now it knows them
    response = client.post(ELIGIBILITY, facts, format="json")
    assert response.status_code == 200 and response.json()["results"][0]["reason"].startswith("Aged 15")


CHECKPOINT_FACTS = {
    "aggravating": ["Select whether there were aggravating circumstances"],
    "admission": ["Select whether the young person admitted the offence"],
    "sufficient_evidence": ["Select whether there is enough evidence to charge"],
    "history": ["Select the young person's criminal history"],
}


def test_a_checkpoint_fact_left_out_is_not_answered_never_no(decision_maker, police):
    """Leaving out "aggravating" must not pass the rule as "No aggravating circumstances": each fact is asked."""
    client = token_client(decision_maker)
    facts = {"pathway": "checkpoint", "offence": "CJA1988-S139", "offence_date": "2026-11-20", "date_of_birth": "2011-06-01"}
    response = client.post(ELIGIBILITY, facts, format="json")
    assert response.status_code == 400 and response.json() == CHECKPOINT_FACTS
    nulls = client.post(ELIGIBILITY, {**facts, **dict.fromkeys(CHECKPOINT_FACTS)}, format="json")
    assert nulls.status_code == 400 and nulls.json() == CHECKPOINT_FACTS
    # Outcome 22 does not ask them.
    outcome22 = client.post(ELIGIBILITY, {**facts, "pathway": "outcome22"}, format="json")
    assert outcome22.status_code == 200 and [r["rule"] for r in outcome22.json()["results"]] == ["age", "offence"]


def test_a_checkpoint_case_without_its_facts_is_400_on_each_and_nothing_is_written(decision_maker, yos):
    before = written()
    body = {k: v for k, v in case_payload(yos).items() if k not in CHECKPOINT_FACTS}
    response = token_client(decision_maker).post(CASES, body, format="json")
    assert response.status_code == 400
    assert {k: v for k, v in response.json().items() if k in CHECKPOINT_FACTS} == CHECKPOINT_FACTS
    assert written() == before


def test_only_decision_makers_check_eligibility(caseworker, referrer, triager):
    for user in (caseworker, referrer, triager):
        response = token_client(user).post(ELIGIBILITY, {"pathway": "checkpoint"}, format="json")
        assert response.status_code == 403


# --- Interventions: sessions, assessments, corrections, ending ------------------------------------------


def _intervention_of(case_body):
    return case_body["interventions"][0]["id"]


def test_sessions_and_the_assessment_recorded_through_the_api_meet_the_case_conditions(clock, decision_maker, caseworker,
                                                                                       yos):
    case = start(token_client(decision_maker), yos, sessions=2)
    intervention = _intervention_of(case)
    client = token_client(caseworker)
    clock.move_to(at(date(2026, 11, 30)), tick=False)
    assessed = client.post(intervention_url(intervention, "assessments"), {"kind": "checkpoint", "completed_on": "2026-11-30"},
                           format="json")
    assert assessed.status_code == 201, assessed.json()
    assert assessed.json()["kind"] == "checkpoint" and assessed.json()["recorded_by"] == str(caseworker)
    first = client.post(intervention_url(intervention, "sessions"), {"held_on": "2026-11-30", "attendance": "attended"},
                        format="json")
    assert first.status_code == 201, first.json()
    assert (first.json()["held_on"], first.json()["corrects"], first.json()["correction"]) == ("2026-11-30", None, None)
    conditions = by_kind(client.get(case_url(case["id"])).json())
    assert (conditions["assessment"]["status"], conditions["assessment"]["met_on"]) == ("met", "2026-11-30")
    assert (conditions["sessions"]["status"], conditions["sessions"]["progress"]) == ("pending", 1)

    clock.move_to(at(date(2026, 12, 7)), tick=False)
    second = client.post(intervention_url(intervention, "sessions"), {"held_on": "2026-12-07", "attendance": "attended"},
                         format="json")
    assert second.status_code == 201
    conditions = by_kind(client.get(case_url(case["id"])).json())
    assert (conditions["sessions"]["status"], conditions["sessions"]["progress"]) == ("met", 2)

    [row] = client.get(INTERVENTIONS).json()["results"]
    assert (row["id"], row["status"], row["sessions_attended"], row["last_session_on"]) == (
        intervention, "engaged", 2, "2026-12-07"
    )
    assert (row["case"]["id"], row["case"]["pathway"], row["next_due"]) == (case["id"], "checkpoint", "2027-03-24")
    detail = client.get(intervention_url(intervention)).json()
    assert [s["held_on"] for s in detail["sessions"]] == ["2026-11-30", "2026-12-07"]
    assert [a["completed_on"] for a in detail["assessments"]] == ["2026-11-30"]


def test_a_corrected_session_no_longer_counts_and_cannot_be_corrected_twice(clock, decision_maker, caseworker, yos):
    case = start(token_client(decision_maker), yos, sessions=1)
    client = token_client(caseworker)
    session = client.post(intervention_url(_intervention_of(case), "sessions"),
                          {"held_on": "2026-11-24", "attendance": "attended"}, format="json").json()
    assert by_kind(client.get(case_url(case["id"])).json())["sessions"]["status"] == "met"
    correct = reverse("api-session-correct", args=[session["id"]])
    without_reason = client.post(correct, {"held_on": "2026-11-24", "attendance": "did_not_attend", "reason": "Unwell.",
                                           "correction_reason": " "}, format="json")
    assert without_reason.status_code == 400 and set(without_reason.json()) == {"correction_reason"}
    corrected = client.post(correct, {"held_on": "2026-11-24", "attendance": "did_not_attend", "reason": "Unwell.",
                                      "correction_reason": "Wrong register."}, format="json")
    assert corrected.status_code == 201, corrected.json()
    assert corrected.json()["corrects"] == session["id"] and corrected.json()["attendance"] == "did_not_attend"
    sessions = by_kind(client.get(case_url(case["id"])).json())["sessions"]
    assert (sessions["status"], sessions["progress"]) == ("pending", 0)
    again = client.post(correct, {"held_on": "2026-11-24", "attendance": "attended", "correction_reason": "Again."},
                        format="json")
    assert again.status_code == 400 and "correct the correction instead" in again.json()["non_field_errors"][0]
    assert Session.objects.count() == 2
    assert Session.objects.get(pk=session["id"]).attendance == "attended"  # the original is never changed


def test_an_assessment_is_corrected_by_a_new_one(decision_maker, caseworker, other_caseworker, yos):
    case = start(token_client(decision_maker), yos)
    client = token_client(caseworker)
    first = client.post(intervention_url(_intervention_of(case), "assessments"),
                        {"kind": "checkpoint", "completed_on": "2026-11-24"}, format="json").json()
    correct = reverse("api-assessment-correct", args=[first["id"]])
    body = {"kind": "asset_plus", "completed_on": "2026-11-24", "correction_reason": "Wrong type."}
    assert token_client(other_caseworker).post(correct, body, format="json").status_code == 404
    corrected = client.post(correct, body, format="json")
    assert corrected.status_code == 201 and corrected.json()["corrects"] == first["id"]
    assert Assessment.objects.count() == 2


def test_a_session_before_the_intervention_started_is_400_on_held_on(decision_maker, caseworker, yos):
    case = start(token_client(decision_maker), yos)
    client = token_client(caseworker)
    url = intervention_url(_intervention_of(case), "sessions")
    response = client.post(url, {"held_on": "2026-11-23", "attendance": "attended"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"held_on"} and "on or after the intervention started" in response.json()["held_on"][0]
    assert client.post(url, {"held_on": "2026-11-25", "attendance": "attended"}, format="json").status_code == 400  # future
    dna = client.post(url, {"held_on": "2026-11-24", "attendance": "did_not_attend"}, format="json")
    assert dna.status_code == 400 and set(dna.json()) == {"reason"}
    assert client.post(url, {"held_on": "24/11/2026", "attendance": "attended"}, format="json").status_code == 400
    assert not Session.objects.exists()


def test_completing_an_intervention_twice_is_400(decision_maker, caseworker, yos):
    case = start(token_client(decision_maker), yos)
    intervention = _intervention_of(case)
    client = token_client(caseworker)
    done = client.post(intervention_url(intervention, "complete"), {"on": "2026-11-24", "note": "Finished."}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["ended_on"]) == ("completed", "2026-11-24")
    again = client.post(intervention_url(intervention, "complete"), {"on": "2026-11-24", "note": "Again."}, format="json")
    assert again.status_code == 400 and again.json() == {
        "non_field_errors": ["This intervention was already completed on 24 November 2026: it cannot be ended again."]}
    late = client.post(intervention_url(intervention, "sessions"), {"held_on": "2026-11-24", "attendance": "attended"},
                       format="json")
    assert late.status_code == 400 and "Correct an earlier entry instead" in late.json()["non_field_errors"][0]
    assert Intervention.objects.get(pk=intervention).status == "completed" and not Session.objects.exists()


def test_disengaging_needs_an_outcome_note(decision_maker, caseworker, yos):
    intervention = _intervention_of(start(token_client(decision_maker), yos))
    client = token_client(caseworker)
    url = intervention_url(intervention, "disengage")
    assert set(client.post(url, {"on": "2026-11-24", "note": " "}, format="json").json()) == {"note"}
    response = client.post(url, {"on": "2026-11-24", "note": "Moved out of area."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "disengaged"
    assert response.json()["end_reason"] == "Moved out of area."


def test_only_the_delivering_organisations_caseworker_records_work(decision_maker, caseworker, other_caseworker,
                                                                   yos_manager, triager, yos):
    intervention = _intervention_of(start(token_client(decision_maker), yos))
    body = {"held_on": "2026-11-24", "attendance": "attended"}
    # Another partner may not even know it exists; those who see it but do not deliver sessions are refused.
    assert token_client(other_caseworker).post(intervention_url(intervention, "sessions"), body, format="json").status_code == 404
    assert token_client(other_caseworker).get(intervention_url(intervention)).status_code == 404
    for user in (yos_manager, triager):
        assert token_client(user).post(intervention_url(intervention, "sessions"), body, format="json").status_code == 403
    assert token_client(decision_maker).post(intervention_url(intervention, "sessions"), body, format="json").status_code == 404
    assert not Session.objects.exists()
    assert token_client(caseworker).post(intervention_url(intervention, "sessions"), body, format="json").status_code == 201


# --- Breach, further chance, re-referral and outcomes -----------------------------------------------------


def test_a_breach_proposed_and_confirmed_by_the_same_person_is_400(decision_maker, yos_manager, yos):
    case = start(token_client(decision_maker), yos)
    client = token_client(yos_manager)
    proposed = client.post(case_url(case["id"], "propose-breach"), {"reason": "Missed the assessment."}, format="json")
    assert proposed.status_code == 200 and proposed.json()["status"] == "breach_proposed"
    assert proposed.json()["breach_proposed_by"] == str(yos_manager)
    response = client.post(case_url(case["id"], "confirm-breach"), {"reason": "Confirmed."}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The person who proposed a breach cannot also confirm it."]}
    assert DiversionCase.objects.get().status == "breach_proposed" and not ReturnToPolice.objects.exists()


def test_a_breach_confirmed_by_the_police_decision_maker_is_re_referred_received_and_given_an_outcome(
    decision_maker, caseworker, yos
):
    police = token_client(decision_maker)
    case = start(police, yos)
    worker = token_client(caseworker)
    blank = worker.post(case_url(case["id"], "propose-breach"), {"reason": ""}, format="json")
    assert blank.status_code == 400 and set(blank.json()) == {"reason"}
    assert worker.post(case_url(case["id"], "propose-breach"), {"reason": "No contact."}, format="json").status_code == 200
    assert worker.post(case_url(case["id"], "confirm-breach"), {"reason": "Yes."}, format="json").status_code == 403

    confirmed = police.post(case_url(case["id"], "confirm-breach"), {"reason": "No contact for a month."}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "re_referred"
    returned = confirmed.json()["return_to_police"]
    assert returned["deadline"] == "2027-04-21" and returned["received_at"] is None

    inbox = police.get(RE_REFERRALS)
    assert inbox.status_code == 200
    [row] = inbox.json()["results"]
    assert (row["id"], row["days_left"], row["return_to_police"]["reason"]) == (case["id"], 148, "No contact for a month.")
    assert worker.get(RE_REFERRALS).status_code == 403

    received = police.post(case_url(case["id"], "receive"))
    assert received.status_code == 200 and received.json()["return_to_police"]["received_at"]
    assert police.post(case_url(case["id"], "receive")).status_code == 400  # already received

    success = police.post(case_url(case["id"], "outcome"), {"outcome_code": 22}, format="json")
    assert success.status_code == 400 and "cannot close with outcome 22" in success.json()["outcome_code"][0]
    unknown = police.post(case_url(case["id"], "outcome"), {"outcome_code": 99}, format="json")
    assert unknown.status_code == 400 and unknown.json() == {"outcome_code": ["Select an outcome code"]}
    assert not PoliceOutcome.objects.exists()
    charged = police.post(case_url(case["id"], "outcome"), {"outcome_code": 1, "notes": "Charged."}, format="json")
    assert charged.status_code == 200, charged.json()
    assert charged.json()["status"] == "outcome_recorded"
    assert (charged.json()["police_outcome"]["code"], charged.json()["police_outcome"]["notes"]) == (1, "Charged.")
    assert police.get(RE_REFERRALS).json()["count"] == 0


def test_a_completed_case_closes_only_with_its_closing_outcome(clock, decision_maker, caseworker, yos):
    police = token_client(decision_maker)
    case = start(police, yos, sessions=1)
    worker = token_client(caseworker)
    intervention = _intervention_of(case)
    worker.post(intervention_url(intervention, "assessments"), {"kind": "checkpoint", "completed_on": "2026-11-24"},
                format="json")
    worker.post(intervention_url(intervention, "sessions"), {"held_on": "2026-11-24", "attendance": "attended"}, format="json")
    early = worker.post(case_url(case["id"], "propose-closure"))
    assert early.status_code == 400 and "24 March 2027" in early.json()["non_field_errors"][0]

    clock.move_to(at(date(2027, 3, 24)), tick=False)
    proposed = worker.post(case_url(case["id"], "propose-closure"))
    assert proposed.status_code == 200 and proposed.json()["status"] == "closure_proposed"
    wrong = police.post(case_url(case["id"], "close"), {"outcome_code": 1}, format="json")
    assert wrong.status_code == 400 and wrong.json() == {"outcome_code": ["A completed case closes with outcome 22, not 1."]}
    assert police.post(case_url(case["id"], "close"), {"outcome_code": "twenty-two"}, format="json").status_code == 400
    assert worker.post(case_url(case["id"], "close"), {"outcome_code": 22}, format="json").status_code == 403
    assert not PoliceOutcome.objects.exists()
    closed = police.post(case_url(case["id"], "close"), {"outcome_code": 22}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "completed"
    assert closed.json()["police_outcome"]["code"] == 22 and closed.json()["closed_at"]


def test_a_further_chance_takes_only_one_of_the_cases_own_conditions(decision_maker, caseworker, yos_manager, yos):
    police = token_client(decision_maker)
    case = start(police, yos)
    other = start(police, yos, crime_reference="20/000124/26")
    token_client(caseworker).post(case_url(case["id"], "propose-breach"), {"reason": "No contact."}, format="json")
    url = case_url(case["id"], "further-chance")
    theirs = {"condition": other["conditions"][0]["id"], "new_due_on": "2026-12-18", "reason": "Was in hospital."}
    response = police.post(url, theirs, format="json")
    assert response.status_code == 400 and set(response.json()) == {"condition"}
    ours = {**theirs, "condition": case["conditions"][0]["id"]}
    assert set(police.post(url, {**ours, "new_due_on": "2026-11-24"}, format="json").json()) == {"new_due_on"}
    assert DiversionCase.objects.get(pk=case["id"]).status == "breach_proposed"
    given = token_client(yos_manager).post(url, ours, format="json")
    assert given.status_code == 200, given.json()
    assert given.json()["status"] == "active" and by_kind(given.json())["assessment"]["due_on"] == "2026-12-18"


def test_a_reoffence_puts_the_case_at_risk_and_the_caseworker_says_why(decision_maker, caseworker, other_caseworker, yos):
    police = token_client(decision_maker)
    case = start(police, yos)
    url = case_url(case["id"], "reoffence")
    assert set(police.post(url, {"offence_date": "2026-11-01", "crime_reference": "20/000999/26"},
                           format="json").json()) == {"offence_date"}  # before the contract
    response = police.post(url, {"offence_date": "2026-11-24", "crime_reference": "20/000999/26"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "at_risk"
    condition = by_kind(response.json())["no_reoffending"]
    assert condition["status"] == "missed"
    reason_url = reverse("api-condition-reason", args=[condition["id"]])
    assert token_client(other_caseworker).post(reason_url, {"reason": "Peer pressure."}, format="json").status_code == 404
    assert set(token_client(caseworker).post(reason_url, {"reason": ""}, format="json").json()) == {"reason"}
    recorded = token_client(caseworker).post(reason_url, {"reason": "Peer pressure."}, format="json")
    assert recorded.status_code == 200 and recorded.json()["missed_reason"] == "Peer pressure."
    pending = by_kind(response.json())["assessment"]["id"]
    not_missed = token_client(caseworker).post(reverse("api-condition-reason", args=[pending]), {"reason": "x"},
                                               format="json")
    assert not_missed.status_code == 400 and not_missed.json()["non_field_errors"]


# --- Who sees what ----------------------------------------------------------------------------------------


def test_a_school_sees_no_case_or_intervention(decision_maker, caseworker, referrer, yos):
    case = start(token_client(decision_maker), yos)
    token_client(caseworker).post(case_url(case["id"], "propose-breach"), {"reason": "No contact."}, format="json")
    school = token_client(referrer)
    assert school.get(case_url(case["id"])).status_code == 404
    assert school.get(case_url(999999)).status_code == 404  # the same answer as for no such case
    for name, body in (("confirm-breach", {"reason": "x"}), ("receive", {}), ("close", {"outcome_code": 22}),
                       ("further-chance", {"condition": case["conditions"][0]["id"], "new_due_on": "2026-12-18",
                                           "reason": "x"})):
        assert school.post(case_url(case["id"], name), body, format="json").status_code == 404, name
    intervention = _intervention_of(case)
    assert school.get(intervention_url(intervention)).status_code == 404
    assert school.post(intervention_url(intervention, "sessions"), {"held_on": "2026-11-24", "attendance": "attended"},
                       format="json").status_code == 404
    assert school.post(reverse("api-condition-reason", args=[case["conditions"][0]["id"]]), {"reason": "x"},
                       format="json").status_code == 404
    listed = school.get(CASES)
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert school.get(INTERVENTIONS).status_code == 403
    assert school.get(RE_REFERRALS).status_code == 403
    assert "Casey" not in listed.content.decode()
    assert DiversionCase.objects.get().status == "breach_proposed" and not Session.objects.exists()


def test_another_partner_and_another_force_get_404_and_the_vru_sees_all(decision_maker, other_caseworker, triager, yos):
    case = start(token_client(decision_maker), yos)
    other_force = member(role=Role.DECISION_MAKER, kind=K.POLICE, email="decisions@other-force.example.org")
    for user in (other_caseworker, other_force):
        client = token_client(user)
        assert client.get(case_url(case["id"])).status_code == 404
        assert client.post(case_url(case["id"], "reoffence"), {"offence_date": "2026-11-24", "crime_reference": "X"},
                           format="json").status_code == 404
        assert client.get(CASES).json()["count"] == 0
    vru = token_client(triager)
    assert vru.get(case_url(case["id"])).status_code == 200
    assert [c["id"] for c in vru.get(CASES).json()["results"]] == [case["id"]]
    [row] = vru.get(INTERVENTIONS).json()["results"]
    assert row["id"] == _intervention_of(case) and row["organisation"]["name"] == "Test YOS"
    assert row["sessions_attended"] is None  # the caseload's figures are the delivering organisation's
    assert vru.post(case_url(case["id"], "propose-breach"), {"reason": "x"}, format="json").status_code == 403
    assert DiversionCase.objects.get().status == "active"


def test_opening_a_case_or_an_intervention_is_audited_and_the_answer_to_a_write_is_not_a_view(decision_maker, caseworker,
                                                                                             yos):
    case = start(token_client(decision_maker), yos)
    views = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert not views.exists()
    client = token_client(caseworker)
    assert client.get(case_url(case["id"])).status_code == 200
    assert client.get(intervention_url(_intervention_of(case))).status_code == 200
    assert sorted(views.filter(actor=caseworker).values_list("object_type", flat=True)) == [
        "outcomes.diversioncase", "outcomes.intervention"
    ]
    assert set(views.values_list("young_person_id", flat=True)) == {DiversionCase.objects.get().young_person_id}


def test_the_case_list_filters_by_status(decision_maker, caseworker, yos):
    client = token_client(decision_maker)
    active = start(client, yos)
    breached = start(client, yos, crime_reference="20/000124/26")
    token_client(caseworker).post(case_url(breached["id"], "propose-breach"), {"reason": "No contact."}, format="json")

    def ids(**query):
        response = client.get(CASES, query)
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["results"]]

    assert sorted(ids()) == sorted([active["id"], breached["id"]])
    assert ids(status="breach_proposed") == [breached["id"]]
    assert ids(status="active") == [active["id"]]
    assert ids(status="completed") == []
    assert client.get(CASES, {"status": "closed-ish"}).status_code == 400


def test_reference_data_is_for_any_signed_in_user(referrer):
    client = token_client(referrer)
    offences = client.get(reverse("api-offence-list"))
    assert offences.status_code == 200 and offences.json()[0]["code"] == "CDA1971-S1"
    assert {"code", "name", "mode_of_trial", "checkpoint_eligible", "outcome22_eligible"} <= set(offences.json()[0])
    codes = client.get(reverse("api-outcome-code-list")).json()
    assert len(codes) == 21 and [c["code"] for c in codes if c["closes_diversion"]] == [22]


def _routes(case, intervention, condition, session):
    return [
        ("get", CASES), ("post", CASES), ("get", case_url(case)), ("post", ELIGIBILITY),
        *[("post", case_url(case, name)) for name in ("propose-breach", "confirm-breach", "further-chance", "reoffence",
                                                      "propose-closure", "close", "receive", "outcome")],
        ("post", reverse("api-condition-reason", args=[condition])),
        ("get", INTERVENTIONS), ("get", intervention_url(intervention)),
        *[("post", intervention_url(intervention, name)) for name in ("sessions", "assessments", "complete", "disengage")],
        ("post", reverse("api-session-correct", args=[session])), ("post", reverse("api-assessment-correct", args=[1])),
        ("get", RE_REFERRALS), ("get", reverse("api-outcome-code-list")), ("get", reverse("api-offence-list")),
    ]


@pytest.mark.parametrize("credentials", [None, "Token not-a-real-token", "Bearer abc"])
def test_without_valid_credentials_every_outcomes_route_is_401(decision_maker, caseworker, yos, credentials):
    case = start(token_client(decision_maker), yos)
    session = token_client(caseworker).post(intervention_url(_intervention_of(case), "sessions"),
                                            {"held_on": "2026-11-24", "attendance": "attended"}, format="json").json()
    client = APIClient()
    if credentials:
        client.credentials(HTTP_AUTHORIZATION=credentials)
    before = written()
    routes = _routes(case["id"], _intervention_of(case), case["conditions"][0]["id"], session["id"])
    for method, url in routes:
        response = client.get(url) if method == "get" else client.post(url, {}, format="json")
        assert response.status_code == 401, f"{method} {url}: {response.status_code}"
        assert "Casey" not in response.content.decode()
    assert written() == before


# --- Cost per list ------------------------------------------------------------------------------------------

# Measured: the token, its memberships, the page's count and its rows (everything a row shows is joined).
CASE_LIST_QUERIES = 4
RE_REFERRAL_LIST_QUERIES = 4
# The caseload adds one: its cases' conditions, prefetched.
CASELOAD_QUERIES = 5
VRU_INTERVENTION_QUERIES = 4


def _cases(n, *, yos, police, decision_maker, status="active"):
    for _ in range(n):
        f.make_case(lead=yos, police=police, decision_maker=decision_maker, status=status)


def _count(client, url, expected_rows):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == expected_rows
    assert all(row["young_person"]["given_name"].startswith("Sam") for row in response.json()["results"])
    return len(queries)


@pytest.mark.parametrize(
    ("who", "url", "status", "expected"),
    [
        ("decision_maker", CASES, "active", CASE_LIST_QUERIES),
        ("caseworker", CASES, "active", CASE_LIST_QUERIES),
        ("triager", CASES, "active", CASE_LIST_QUERIES),
        ("decision_maker", RE_REFERRALS, "re_referred", RE_REFERRAL_LIST_QUERIES),
        ("caseworker", INTERVENTIONS, "active", CASELOAD_QUERIES),
        ("triager", INTERVENTIONS, "active", VRU_INTERVENTION_QUERIES),
    ],
    ids=["cases-police", "cases-lead", "cases-vru", "re-referrals", "caseload", "interventions-vru"],
)
def test_each_list_costs_the_same_number_of_queries_for_3_and_30_rows(request, yos, police, decision_maker, who, url,
                                                                     status, expected):
    client = token_client(request.getfixturevalue(who))
    client.get(url)  # the token's last_used_at is written on first use, not on every request
    _cases(3, yos=yos, police=police, decision_maker=decision_maker, status=status)
    three = _count(client, url, 3)
    _cases(27, yos=yos, police=police, decision_maker=decision_maker, status=status)
    thirty = _count(client, url, 30)
    assert three == thirty == expected


# --- Schema ----------------------------------------------------------------------------------------------------


def test_the_outcomes_endpoints_are_in_the_openapi_schema(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/cases/eligibility/", "/api/v1/cases/{id}/confirm-breach/",
                 "/api/v1/cases/{id}/further-chance/", "/api/v1/cases/{id}/outcome/", "/api/v1/conditions/{id}/reason/",
                 "/api/v1/interventions/", "/api/v1/interventions/{id}/sessions/", "/api/v1/sessions/{id}/correct/",
                 "/api/v1/returned-to-police/", "/api/v1/outcome-codes/", "/api/v1/offences/"):
        assert f"  {path}:" in schema, path
    for enum in ("CaseStatusEnum", "InterventionStatusEnum", "ConditionStatusEnum", "ConditionKindEnum"):
        assert f"    {enum}:" in schema, enum
