"""The outcomes pages through the test client: caseload, interventions, diversion cases and the re-referrals inbox.

The clock is frozen at Tuesday 24 November 2026, 10:00 in London. Most cases start on Tuesday 3 November 2026,
so their Checkpoint assessment was due 10 working days on, on 17 November 2026, and is missed today.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import Assessment, DiversionCase, Intervention, PoliceOutcome, ReturnToPolice, Session
from partners.access import acting_for
from partners.models import OrganisationKind as K
from partners.models import Role
from tests.factories import OrganisationFactory, member
from tests.outcomes import factories as f

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
TODAY = date(2026, 11, 24)
START = date(2026, 11, 3)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def yos_manager(yos):
    return member(role=Role.MANAGER, organisation=yos, email="manager@yos.example.org")


@pytest.fixture
def other_caseworker(db):
    return member(role=Role.CASEWORKER, organisation=OrganisationFactory(name="Test YOS Two", kind=K.YOS))


def d(name, day):
    """A GOV.UK date input's three boxes."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def start(decision_maker, yos, **overrides):
    kwargs = {
        "crime_reference": "20/000123/26", "offence": f.offence("CJA1988-S139"), "offence_date": date(2026, 11, 1),
        "pathway": f.pathway("checkpoint"), "lead_organisation": yos, "start_date": START, "now": NOW,
        "person": f.person_data(), "aggravating": False, "admission": True, "sufficient_evidence": True, "history": "none",
    }
    kwargs.update(overrides)
    return services.start_case(acting_for(decision_maker), **kwargs)


def html(response):
    return response.content.decode()


def text(response):
    """The page's text with its whitespace collapsed, for phrases that a template wraps across lines."""
    return " ".join(html(response).split())


# --- The caseworker's intervention page ---------------------------------------------------------------------


def test_the_caseworker_records_a_session_an_assessment_and_completion(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    url = reverse("intervention-detail", args=[intervention.pk])
    client.force_login(caseworker)
    page = client.get(url)
    assert page.status_code == 200 and "Record a session" in html(page) and "Casey Example" in html(page)

    response = client.post(reverse("intervention-session", args=[intervention.pk]),
                           {**d("held_on", date(2026, 11, 10)), "attendance": "attended"})
    assert response.status_code == 302 and response["Location"] == url
    session = Session.objects.get()
    assert (session.held_on, session.attendance, session.recorded_by) == (date(2026, 11, 10), "attended", caseworker)

    response = client.post(reverse("intervention-assessment", args=[intervention.pk]),
                           {"kind": "checkpoint", **d("completed_on", date(2026, 11, 12))})
    assert response.status_code == 302
    assert Assessment.objects.get().completed_on == date(2026, 11, 12)

    response = client.post(reverse("intervention-complete", args=[intervention.pk]),
                           {**d("on", date(2026, 11, 20)), "note": "Finished the programme."})
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.status, intervention.ended_on) == ("completed", date(2026, 11, 20))
    page = text(client.get(url))
    assert "10 November 2026" in page and "Checkpoint mandatory assessment" in page and "Completed" in page
    assert "Record a session" not in page


@pytest.mark.parametrize(("post", "message"), [
    ({**d("held_on", date(2026, 11, 2)), "attendance": "attended"},
     "The date of the session must be on or after the intervention started, 3 November 2026"),
    ({**d("held_on", date(2026, 11, 25)), "attendance": "attended"}, "The date of the session must be today or in the past"),
    ({**d("held_on", date(2026, 11, 10)), "attendance": "did_not_attend", "reason": " "},
     "Explain why the young person did not attend"),
    ({"held_on_0": "31", "held_on_1": "11", "held_on_2": "2026", "attendance": "attended"},
     "The session date must be a real date"),
    ({"attendance": "attended"}, "Enter the date of the session"),
], ids=["before the start", "in the future", "no reason", "not a date", "no date"])
def test_a_wrong_session_shows_the_error_and_saves_nothing(client, decision_maker, caseworker, yos, post, message):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    response = client.post(reverse("intervention-session", args=[intervention.pk]), post)
    assert response.status_code == 400
    page = html(response)
    assert "There is a problem" in page and page.count(message) == 2  # in the summary and by the field
    assert not Session.objects.exists()


def test_a_completion_recorded_twice_shows_the_error(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    url = reverse("intervention-complete", args=[intervention.pk])
    assert client.post(url, {**d("on", date(2026, 11, 20)), "note": "Finished."}).status_code == 302
    response = client.post(url, {**d("on", date(2026, 11, 23)), "note": "Again."})
    assert response.status_code == 400
    assert "This intervention was already completed on 20 November 2026: it cannot be ended again." in html(response)
    intervention.refresh_from_db()
    assert intervention.ended_on == date(2026, 11, 20)


def test_an_intervention_withdrawn_by_us_is_recorded_as_withdrawn(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    url = reverse("intervention-withdraw", args=[intervention.pk])
    client.post(url, {**d("on", date(2026, 11, 20)), "note": "Moved out of the area."})
    intervention.refresh_from_db()
    assert intervention.status == "withdrawn"


def test_disengagement_needs_a_reason(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(caseworker)
    url = reverse("intervention-disengage", args=[intervention.pk])
    response = client.post(url, {**d("on", date(2026, 11, 20)), "note": ""})
    assert response.status_code == 400 and "Write an outcome note: why the young person disengaged" in html(response)
    ended = {**d("on", date(2026, 11, 20)), "note": "Moved out of the area."}
    assert client.post(url, ended).status_code == 302
    intervention.refresh_from_db()
    assert (intervention.status, intervention.end_reason) == ("disengaged", "Moved out of the area.")


def test_a_session_correction_keeps_both_rows_and_shows_what_it_corrects(client, decision_maker, caseworker, yos):
    intervention = start(decision_maker, yos).interventions.get()
    original = services.record_session(acting_for(caseworker), intervention, held_on=date(2026, 11, 10),
                                       attendance="attended", now=NOW)
    client.force_login(caseworker)
    url = reverse("session-correct", args=[original.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {**d("held_on", date(2026, 11, 10)), "attendance": "did_not_attend", "reason": "Ill."})
    assert missing.status_code == 400 and "Explain why the session is corrected" in html(missing)
    response = client.post(url, {**d("held_on", date(2026, 11, 10)), "attendance": "did_not_attend", "reason": "Ill.",
                                 "correction_reason": "Ticked on the wrong register."})
    assert response.status_code == 302
    assert Session.objects.count() == 2
    original.refresh_from_db()
    assert original.attendance == "attended" and original.correction.attendance == "did_not_attend"
    page = text(client.get(reverse("intervention-detail", args=[intervention.pk])))
    assert "Corrects the session of 10 November 2026: Ticked on the wrong register." in page
    assert "Corrected" in page
    again = client.get(url)
    assert "already been corrected" in html(again)


def test_another_organisation_cannot_open_or_record_on_an_intervention(client, decision_maker, other_caseworker, referrer,
                                                                       yos):
    intervention = start(decision_maker, yos).interventions.get()
    client.force_login(other_caseworker)
    assert client.get(reverse("intervention-detail", args=[intervention.pk])).status_code == 404
    response = client.post(reverse("intervention-session", args=[intervention.pk]),
                           {**d("held_on", date(2026, 11, 10)), "attendance": "attended"})
    assert response.status_code == 404
    client.force_login(referrer)
    assert client.get(reverse("intervention-detail", args=[intervention.pk])).status_code == 403
    assert not Session.objects.exists()


# --- Deadlines (starting a case is tests/outcomes/test_case_start_pages.py) ----------------------------------


@pytest.mark.parametrize(("left", "shown", "red"), [(5, "5 days left", True), (8, "8 days left", False),
                                                   (-3, "passed 3 days ago", True)])
def test_the_deadline_is_red_within_7_days_on_the_case_and_in_the_list(client, decision_maker, police, yos, left, shown, red):
    case = f.make_case(lead=yos, police=police, decision_maker=decision_maker)
    DiversionCase.objects.filter(pk=case.pk).update(return_deadline=date.fromordinal(TODAY.toordinal() + left))
    client.force_login(decision_maker)
    marked = f'<span class="app-overdue">{shown}</span>' if red else f"<span>{shown}</span>"
    assert marked in html(client.get(reverse("case-detail", args=[case.pk])))
    assert marked in html(client.get(reverse("cases")))


# --- A case's life -------------------------------------------------------------------------------------------


def test_a_missed_condition_shows_the_case_at_risk_and_the_caseworker_records_why(client, decision_maker, caseworker, yos):
    case = services.refresh_case(start(decision_maker, yos), today=TODAY, now=NOW)
    assert case.status == "at_risk"
    client.force_login(caseworker)
    page = text(client.get(reverse("case-detail", args=[case.pk])))
    assert "At risk since 24 November 2026: missed Complete the YOS assessment within 10 working days " \
           "(due 17 November 2026)" in page
    condition = case.conditions.get(kind="assessment")
    url = reverse("condition-reason", args=[condition.pk])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Explain why the condition was missed" in html(empty)
    assert client.post(url, {"reason": "The assessor was off sick."}).status_code == 302
    condition.refresh_from_db()
    assert condition.missed_reason == "The assessor was off sick."
    assert "Why it was missed: The assessor was off sick." in text(client.get(reverse("case-detail", args=[case.pk])))


def test_a_breach_proposed_by_the_caseworker_is_confirmed_by_police_and_reaches_the_inbox(client, decision_maker,
                                                                                          caseworker, yos):
    case = start(decision_maker, yos)
    client.force_login(caseworker)
    response = client.post(reverse("case-propose-breach", args=[case.pk]), {"reason": "Missed three sessions."})
    assert response.status_code == 302
    page = text(client.get(reverse("case-detail", args=[case.pk])))
    assert "You proposed this breach, so someone else must confirm it" in page
    assert reverse("case-confirm-breach", args=[case.pk]) not in page
    # A caseworker may not confirm a breach at all.
    assert client.post(reverse("case-confirm-breach", args=[case.pk]), {"reason": "Mine."}).status_code == 403
    case.refresh_from_db()
    assert case.status == "breach_proposed"

    client.force_login(decision_maker)
    assert reverse("case-confirm-breach", args=[case.pk]) in html(client.get(reverse("case-detail", args=[case.pk])))
    response = client.post(reverse("case-confirm-breach", args=[case.pk]), {"reason": "No engagement."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "re_referred" and ReturnToPolice.objects.get(case=case).confirmed_by == decision_maker
    inbox = text(client.get(reverse("returned-to-police")))
    assert case.crime_reference in inbox and "Not received" in inbox and "Casey Example" in inbox


def test_the_person_who_proposed_a_breach_cannot_confirm_it(client, decision_maker, yos_manager, yos):
    case = start(decision_maker, yos)
    client.force_login(yos_manager)
    assert client.post(reverse("case-propose-breach", args=[case.pk]), {"reason": "No contact."}).status_code == 302
    response = client.post(reverse("case-confirm-breach", args=[case.pk]), {"reason": "Confirmed by me."})
    assert response.status_code == 400
    assert "The person who proposed a breach cannot also confirm it." in html(response)
    case.refresh_from_db()
    assert case.status == "breach_proposed" and not ReturnToPolice.objects.exists()


def test_a_further_chance_gives_a_condition_a_new_due_date(client, decision_maker, caseworker, yos):
    case = services.refresh_case(start(decision_maker, yos), today=TODAY, now=NOW)
    condition = case.conditions.get(kind="assessment")
    client.force_login(decision_maker)
    url = reverse("case-further-chance", args=[case.pk])
    past = client.post(url, {"condition": condition.pk, **d("new_due_on", TODAY), "reason": "Assessor ill."})
    assert past.status_code == 400 and "The new due date must be in the future" in html(past)
    response = client.post(url, {"condition": condition.pk, **d("new_due_on", date(2026, 12, 4)), "reason": "Assessor ill."})
    assert response.status_code == 302
    case.refresh_from_db()
    condition.refresh_from_db()
    assert case.status == "active" and condition.due_on == date(2026, 12, 4)


def test_police_receive_the_returned_case_and_record_the_outcome(client, decision_maker, police, yos):
    case = f.make_case(lead=yos, police=police, decision_maker=decision_maker, status="re_referred")
    client.force_login(decision_maker)
    assert client.post(reverse("case-receive", args=[case.pk])).status_code == 302
    assert ReturnToPolice.objects.get(case=case).received_by == decision_maker
    refused = client.post(reverse("case-outcome", args=[case.pk]), {"outcome_code": "22", "notes": ""})
    assert refused.status_code == 400 and "cannot close with outcome 22" in html(refused)
    response = client.post(reverse("case-outcome", args=[case.pk]), {"outcome_code": "1", "notes": "Charged."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "outcome_recorded" and PoliceOutcome.objects.get(case=case).outcome.code == 1
    page = text(client.get(reverse("case-detail", args=[case.pk])))
    assert "Outcome 1:" in page and "Charged." in page and "Police outcome recorded" in page


def test_a_further_offence_puts_the_case_at_risk(client, decision_maker, caseworker, yos):
    case = start(decision_maker, yos)
    client.force_login(caseworker)
    url = reverse("case-reoffence", args=[case.pk])
    assert client.post(url, {**d("offence_date", TODAY), "crime_reference": ""}).status_code == 400
    assert client.post(url, {**d("offence_date", TODAY), "crime_reference": "20/009999/26"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "at_risk"
    assert "Further offence on 24 November 2026" in text(client.get(reverse("case-detail", args=[case.pk])))


def test_a_school_or_another_organisation_cannot_open_or_act_on_a_case(client, decision_maker, referrer, other_caseworker,
                                                                       yos):
    case = start(decision_maker, yos)
    condition = case.conditions.first()
    for user, status in ((referrer, 403), (other_caseworker, 404)):
        client.force_login(user)
        assert client.get(reverse("case-detail", args=[case.pk])).status_code == status
        assert client.post(reverse("case-propose-breach", args=[case.pk]), {"reason": "x"}).status_code == status
        assert client.post(reverse("condition-reason", args=[condition.pk]), {"reason": "x"}).status_code == status
    case.refresh_from_db()
    assert case.status == "active"


def test_the_cases_list_filters_by_status(client, decision_maker, caseworker, police, yos):
    active = f.make_case(lead=yos, police=police, decision_maker=decision_maker)
    re_referred = f.make_case(lead=yos, police=police, decision_maker=decision_maker, status="re_referred")
    client.force_login(caseworker)
    listed = html(client.get(reverse("cases")))
    assert active.crime_reference in listed and re_referred.crime_reference in listed
    filtered = html(client.get(reverse("cases"), {"status": "re_referred"}))
    assert active.crime_reference not in filtered and re_referred.crime_reference in filtered


# --- Lists cost the same whatever their length -------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # warm up: the first request of a run also loads Django's content types cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _cases(n, **kwargs):
    return [f.make_case(**kwargs) for _ in range(n)]


def test_the_caseload_costs_the_same_number_of_queries_for_3_and_30_interventions(client, decision_maker, caseworker,
                                                                                   police, yos):
    made = _cases(3, lead=yos, police=police, decision_maker=decision_maker)
    client.force_login(caseworker)
    few = _queries(client, reverse("caseload"))
    page = html(client.get(reverse("caseload")))
    assert all(case.young_person.given_name in page for case in made)
    assert "Complete the YOS assessment within 10 working days, by 8 Dec 2026" in page
    _cases(27, lead=yos, police=police, decision_maker=decision_maker)
    many = _queries(client, reverse("caseload"))
    assert few == many, (few, many)
    assert Intervention.objects.filter(organisation=yos).count() == 30


def test_the_caseload_shows_live_interventions_and_ended_ones_on_their_own_list(client, decision_maker, caseworker,
                                                                                 police, yos):
    live, finished = _cases(2, lead=yos, police=police, decision_maker=decision_maker)
    Intervention.objects.filter(case=finished).update(status="completed", ended_on=timezone.localdate())
    client.force_login(caseworker)
    page = client.get(reverse("caseload"))
    assert [row["intervention"].case_id for row in page.context["rows"]] == [live.pk]
    assert "1 live intervention" in html(page) and "Show ended interventions" in html(page)
    ended = client.get(reverse("caseload"), {"show": "ended"})
    assert [row["intervention"].case_id for row in ended.context["rows"]] == [finished.pk]
    assert "1 ended intervention" in html(ended)


def test_the_returned_to_police_inbox_costs_the_same_number_of_queries_for_3_and_30(client, decision_maker, police, yos):
    made = _cases(3, lead=yos, police=police, decision_maker=decision_maker, status="re_referred")
    client.force_login(decision_maker)
    few = _queries(client, reverse("returned-to-police"))
    page = html(client.get(reverse("returned-to-police")))
    assert all(case.crime_reference in page for case in made)
    _cases(27, lead=yos, police=police, decision_maker=decision_maker, status="re_referred")
    many = _queries(client, reverse("returned-to-police"))
    assert few == many, (few, many)


def test_the_cases_list_costs_the_same_number_of_queries_for_3_and_30(client, decision_maker, police, yos):
    _cases(3, lead=yos, police=police, decision_maker=decision_maker)
    client.force_login(decision_maker)
    few = _queries(client, reverse("cases"))
    _cases(27, lead=yos, police=police, decision_maker=decision_maker)
    assert _queries(client, reverse("cases")) == few


# --- The young person's page and the navigation -----------------------------------------------------------


def test_the_young_persons_page_has_one_timeline_of_cases_interventions_and_sessions(client, decision_maker, caseworker,
                                                                                      yos):
    case = start(decision_maker, yos)
    services.record_session(acting_for(caseworker), case.interventions.get(), held_on=date(2026, 11, 10),
                            attendance="attended", now=NOW)
    client.force_login(caseworker)
    page = text(client.get(reverse("young-person", args=[case.young_person_id])))
    assert "Checkpoint case 20/000123/26 started, led by Test YOS" in page
    assert "Session: attended" in page and "10 November 2026" in page
    assert page.index("Checkpoint case 20/000123/26 started") < page.index("Session: attended")


def test_each_role_sees_its_outcomes_pages_in_the_navigation_once(client, decision_maker, caseworker, yos_manager):
    def labels(user):
        client.force_login(user)
        return [item["label"] for item in client.get(reverse("home")).context["navigation"]]

    assert labels(decision_maker).count("Diversion cases") == 1 and "Returned to police" in labels(decision_maker)
    assert "Our caseload" in labels(caseworker) and labels(caseworker).count("Diversion cases") == 1
    assert labels(yos_manager).count("Diversion cases") == 1 and "Our caseload" not in labels(yos_manager)
