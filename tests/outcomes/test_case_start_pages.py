"""*Start a diversion case* as question pages, through the test client: each step, its errors, Back and Change.

The clock is frozen at Tuesday 24 November 2026, 10:00 in London. The crime is possession of a bladed article
(either way, Checkpoint) on 1 November 2026; the young person, born 1 June 2011, was 15.
"""

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from outcomes import services
from outcomes.models import DiversionCase
from partners.access import acting_for
from partners.models import OrganisationKind as K
from partners.models import Role
from referrals.models import YoungPerson
from tests.factories import OrganisationFactory, member
from tests.outcomes import factories as f
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def d(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def text(response):
    return " ".join(html.unescape(response.content.decode()).split())


def summary_links(response):
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', response.content.decode())


class Journey:
    """One decision maker's journey: its URL for each step."""

    def __init__(self, client):
        self.client = client
        response = client.get(reverse("case-new"))
        assert response.status_code == 302
        self.base = response["Location"].rsplit("/", 2)[0]

    def url(self, step):
        return f"{self.base}/{step}/"

    def get(self, step, **params):
        return self.client.get(self.url(step), params)

    def post(self, step, data):
        return self.client.post(self.url(step), data)


CRIME = {"crime_reference": "20/000777/26", **d("offence_date", date(2026, 11, 1))}
FACTS = {"aggravating": "no", "admission": "yes", "sufficient_evidence": "yes", "history": "none"}
NEW_PERSON = {"given_name": "Casey", "family_name": "Example", **d("date_of_birth", date(2011, 6, 1)), "sex": "male",
              "ethnicity": "", "postcode": "", "area": "birmingham"}


def crime(pathway="checkpoint", offence="CJA1988-S139", **overrides):
    return {**CRIME, "offence": f.offence(offence).pk, "pathway": f.pathway(pathway).pk, **overrides}


@pytest.fixture
def journey(client, decision_maker):
    client.force_login(decision_maker)
    return Journey(client)


def to_contract(journey, yos, pathway="checkpoint", **crime_overrides):
    assert journey.post("crime", crime(pathway, **crime_overrides))["Location"] == journey.url("young-person")
    assert journey.post("new-young-person", NEW_PERSON).status_code == 302
    if pathway == "checkpoint":
        assert journey.post("facts", FACTS)["Location"] == journey.url("eligibility")
    assert journey.get("eligibility").status_code == 200
    contract = {"lead_organisation": yos.pk, **d("start_date", date(2026, 11, 24)), "contract_months": "", "sessions": ""}
    return journey.post("contract", contract)


def test_a_checkpoint_case_is_started_page_by_page(journey, decision_maker, yos):
    first = journey.get("crime")
    assert first.status_code == 200 and "checked" not in first.content.decode()  # no pathway pre-selected
    assert journey.post("crime", crime())["Location"] == journey.url("young-person")
    assert journey.post("new-young-person", NEW_PERSON)["Location"] == journey.url("facts")
    facts_page = journey.get("facts").content.decode()
    assert "checked" not in facts_page
    assert journey.post("facts", FACTS)["Location"] == journey.url("eligibility")
    result = text(journey.get("eligibility"))
    for reason in ("Aged 15 on the offence date: within 10 to 17.", "is eligible for Checkpoint.",
                   "The young person admitted the offence.", "There is enough evidence to charge."):
        assert reason in result
    assert f'href="{journey.url("contract")}"' in result
    contract_page = text(journey.get("contract"))
    assert "Leave blank to use the Checkpoint standard: 4 months" in contract_page
    assert "Leave blank to use the Checkpoint standard: 6 sessions" in contract_page
    response = journey.post("contract", {"lead_organisation": yos.pk, **d("start_date", date(2026, 11, 24)),
                                         "contract_months": "", "sessions": ""})
    assert response["Location"] == journey.url("conditions")  # the YOS runs no programme yet: not asked
    conditions = text(journey.get("conditions"))
    assert "Complete the YOS assessment within 10 working days, due 8 December 2026" in conditions
    assert "you can add 2 more" in conditions
    added = journey.post("conditions", {"add": "add", "description": "Write a letter of apology",
                                        **d("due_on", date(2027, 1, 29))})
    assert added["Location"] == journey.url("conditions")
    assert journey.post("conditions", {"continue": "continue"})["Location"] == journey.url("check")
    check = text(journey.get("check"))
    assert "20/000777/26" in check and "Casey Example" in check and "4 months (the pathway's standard)" in check
    assert "Write a letter of apology" in check and "21 April 2027" in check
    assert f'href="{journey.url("crime")}"' in check and f'href="{journey.url("new-young-person")}"' in check
    assert not DiversionCase.objects.exists()
    started = journey.post("check", {})
    case = DiversionCase.objects.get()
    assert started["Location"] == reverse("case-detail", args=[case.pk])
    assert (case.admission, case.aggravating, case.history) == (True, False, "none")
    assert [c.kind for c in case.conditions.all()] == ["assessment", "sessions", "no_reoffending", "other"]
    assert case.decision_maker == decision_maker and case.young_person.given_name == "Casey"


def test_start_case_clicked_twice_makes_one_case(journey, yos):
    to_contract(journey, yos)
    journey.post("conditions", {"continue": "continue"})
    first = journey.post("check", {})
    # The second click's request still carries the journey; the case it finds is the first one's.
    second = journey.post("check", {})
    assert DiversionCase.objects.count() == 1 and first["Location"] == second["Location"]
    assert journey.get("crime")["Location"] == first["Location"]  # Back after starting lands on the case


def test_the_service_finds_the_first_case_by_the_journey_id_when_the_session_has_not_caught_up(decision_maker, yos):
    kwargs = {"crime_reference": "20/000888/26", "offence": f.offence(), "offence_date": date(2026, 11, 1),
              "pathway": f.pathway("checkpoint"), "lead_organisation": yos, "start_date": date(2026, 11, 24),
              "person": f.person_data(), "aggravating": False, "admission": True, "sufficient_evidence": True,
              "history": "none", "now": NOW}
    key = "5d7f4c1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f"
    first = services.start_case(acting_for(decision_maker), idempotency_key=key, **kwargs)
    again = services.start_case(acting_for(decision_maker), idempotency_key=key, **kwargs)
    assert again.pk == first.pk and DiversionCase.objects.count() == 1 and YoungPerson.objects.count() == 1


def test_each_page_says_what_is_missing_and_the_summary_links_to_the_field(journey):
    crime_errors = journey.post("crime", {"crime_reference": "", "offence": "", "pathway": ""})
    assert crime_errors.status_code == 400
    links = summary_links(crime_errors)
    assert ("#crime_crime_reference", "Enter the crime reference") in links
    assert ("#id_pathway_1", "Select the pathway: Outcome 22 or Checkpoint") in links
    assert ("#crime_offence_date_0", "Enter the offence date") in links
    html = crime_errors.content.decode()
    assert 'id="crime_crime_reference"' in html and 'id="id_pathway_1"' in html and 'id="crime_offence_date_0"' in html
    future = journey.post("crime", crime(**d("offence_date", date(2026, 12, 1))))
    assert ("#crime_offence_date_0", "The offence date must be today or in the past") in summary_links(future)
    journey.post("crime", crime())
    person = journey.post("new-young-person", {**NEW_PERSON, "given_name": "", "sex": "", "area": ""})
    assert person.status_code == 400
    assert ("#person_given_name", "Enter the young person's first name") in [
        (href, message.replace("&#x27;", "'")) for href, message in summary_links(person)]
    journey.post("new-young-person", NEW_PERSON)
    facts = journey.post("facts", {"aggravating": "no"})
    assert facts.status_code == 400
    messages = [m.replace("&#x27;", "'") for _, m in summary_links(facts)]
    assert messages == ["Select whether the young person admitted the offence",
                        "Select whether there is enough evidence to charge", "Select the young person's criminal history"]
    assert "facts" not in journey.client.session["case_start"][journey.base.rsplit("/", 1)[1]]


def test_a_later_page_before_its_questions_sends_you_back_to_the_first_unanswered(journey):
    assert journey.get("check")["Location"] == journey.url("crime")
    journey.post("crime", crime())
    assert journey.get("contract")["Location"] == journey.url("young-person")


def test_an_ineligible_case_cannot_go_on_and_says_why(journey, yos):
    journey.post("crime", crime())
    journey.post("new-young-person", {**NEW_PERSON, **d("date_of_birth", date(2008, 10, 1))})
    journey.post("facts", {**FACTS, "admission": "no"})
    page = text(journey.get("eligibility"))
    assert "Aged 18 on the offence date: Checkpoint is for 10 to 17 year olds." in page
    assert "No admission: Checkpoint needs an admission of the offence." in page
    assert "cannot be started" in page and f'href="{journey.url("contract")}"' not in page
    assert journey.get("contract")["Location"] == journey.url("eligibility")
    assert journey.get("check")["Location"] == journey.url("eligibility")
    assert not DiversionCase.objects.exists()


def test_outcome_22_asks_no_checkpoint_questions(journey, yos):
    journey.post("crime", crime("outcome22", offence="CJA1988-S139"))
    response = journey.post("new-young-person", NEW_PERSON)
    assert response["Location"] == journey.url("eligibility"), text(response)
    page = text(journey.get("eligibility"))
    assert "may be resolved by Outcome 22" in page and "admission" not in page.lower()


def test_back_links_go_to_the_previous_question_and_change_returns_to_check(journey, yos):
    to_contract(journey, yos)
    assert f'href="{journey.url("eligibility")}" class="govuk-back-link"' in journey.get("contract").content.decode()
    assert f'href="{journey.url("young-person")}" class="govuk-back-link"' in journey.get("new-young-person").content.decode()
    journey.post("conditions", {"continue": "continue"})
    assert journey.get("check").status_code == 200
    changed = journey.post("crime", crime(crime_reference="20/000999/26"))
    assert changed["Location"] == journey.url("eligibility")  # the crime decides eligibility: shown again
    assert f'href="{journey.url("check")}"' in journey.get("eligibility").content.decode()
    assert "20/000999/26" in text(journey.get("check"))


def test_a_summary_only_offence_ending_after_the_deadline_needs_the_acknowledgement(journey, yos):
    response = to_contract(journey, yos, "outcome22", offence="CJA1988-S39", **d("offence_date", date(2026, 8, 24)))
    assert response["Location"] == journey.url("deadline")
    page = text(journey.get("deadline"))
    assert "after the return-to-police deadline of 27 January 2027" in page
    refused = journey.post("deadline", {})
    assert refused.status_code == 400
    assert "Confirm you have seen that the contract ends after the return-to-police deadline" in refused.content.decode()
    assert journey.post("deadline", {"acknowledge": "on"})["Location"] == journey.url("conditions")
    journey.post("conditions", {"continue": "continue"})
    journey.post("check", {})
    case = DiversionCase.objects.get()
    assert case.deadline_acknowledged and case.return_deadline == date(2027, 1, 27)


def test_the_lead_agencys_programme_is_asked_when_it_runs_some(journey, yos):
    f.ProgrammeFactory(owner=yos, name="Knife crime programme")
    chosen = f.ProgrammeFactory(owner=yos, name="Mentoring")
    assert to_contract(journey, yos)["Location"] == journey.url("programme")
    page = journey.get("programme").content.decode()
    assert "Mentoring" in page and "checked" not in page
    assert journey.post("programme", {}).status_code == 400
    assert journey.post("programme", {"programme": chosen.pk})["Location"] == journey.url("conditions")
    journey.post("conditions", {"continue": "continue"})
    journey.post("check", {})
    assert DiversionCase.objects.get().interventions.get().programme == chosen


def test_a_known_young_person_is_found_by_name_and_date_of_birth_among_those_the_officer_may_see(
        journey, decision_maker, police):
    known = f.YoungPersonFactory(given_name="Jordan", family_name="Smith", date_of_birth=date(2011, 6, 1))
    ReferralFactory(created_by=decision_maker, young_person=known)  # the force referred them once
    hidden = f.YoungPersonFactory(given_name="Jordan", family_name="Smith", date_of_birth=date(2011, 6, 1))
    journey.post("crime", crime())
    found = journey.get("young-person", name="jordan", search="Search", **d("date_of_birth", date(2011, 6, 1)))
    page = text(found)
    assert "1 young person found" in page and f'value="{known.pk}"' in page and f'value="{hidden.pk}"' not in page
    assert "None of these: enter a new young person" in page
    refused = journey.post("young-person", {"name": "jordan", **d("date_of_birth", date(2011, 6, 1)),
                                            "young_person": hidden.pk})
    assert refused.status_code == 400 and "Select the young person, or choose None of these" in text(refused)
    picked = journey.post("young-person", {"name": "jordan", **d("date_of_birth", date(2011, 6, 1)),
                                           "young_person": known.pk})
    assert picked["Location"] == journey.url("facts")


def test_two_tabs_are_two_journeys(client, decision_maker):
    client.force_login(decision_maker)
    one, two = Journey(client), Journey(client)
    one.post("crime", crime(crime_reference="20/000001/26"))
    assert two.get("young-person")["Location"] == two.url("crime")
    assert 'value="20/000001/26"' not in two.get("crime").content.decode()


def test_another_persons_journey_is_404_and_only_decision_makers_start_cases(client, decision_maker, caseworker):
    client.force_login(decision_maker)
    journey = Journey(client)
    other = member(role=Role.DECISION_MAKER, organisation=OrganisationFactory(name="Other force", kind=K.POLICE))
    client.force_login(other)
    assert client.get(journey.url("crime")).status_code == 404
    client.force_login(caseworker)
    assert client.get(reverse("case-new")).status_code == 403
    assert client.get(journey.url("crime")).status_code == 403
