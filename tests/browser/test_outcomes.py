"""Diversion cases in a real browser: a Checkpoint case from the police decision to its Outcome 22 closure, a case
whose missed condition ends in a breach, a re-referral and a police outcome, and an ineligible case refused.

The live server runs on the real clock. Cases start a few days ago, so the caseworker records sessions and the
assessment on past dates through the pages; what only time would bring (the contract end, a due date passing) is
brought by calling the services directly, with the date they would run on, in the database the live server uses.

Every page on the way is checked with axe-core. Pages with conditionally revealing radios (the intervention page's
attendance question) leave "aria-allowed-attr" out, and then only for GOV.UK Frontend's aria-expanded on those
radios (see test_referrals.py).
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import clock
from outcomes.rules import contract_end
from partners import demo as demo_data

from .conftest import assert_accessible, sign_in
from .test_referrals import assert_accessible_with_conditional_radios

pytestmark = pytest.mark.browser

PASSWORD = demo_data.DEMO_PASSWORD
DECISION_MAKER = "decisions@police.example.org"
CASEWORKER = "caseworker@yos-birmingham.example.org"
YOS_MANAGER = "manager@yos-birmingham.example.org"
POLICE = "West Midlands Police – Birmingham West NPU"
LEAD = "YOS Birmingham"
BLADED_ARTICLE = "Possession of a bladed article in a public place (Criminal Justice Act 1988 s139; either way)"
ASSESSMENT = "Complete the YOS assessment within 10 working days"
SESSIONS = "Attend 6 knife-crime programme sessions"
NO_REOFFENDING = "No further offending during the contract"
OUTCOME_22 = ("Outcome 22: Diversionary, educational or intervention activity, resulting from the crime report, has been "
              "undertaken and it is not in the public interest to take any further action")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def reference_data(transactional_db):
    """Offences, outcome codes and pathways: a data migration puts them in, but an earlier test's flush removes them."""
    from outcomes import reference_data

    reference_data.ensure()


def today():
    return clock.today()


def long_date(day):
    return f"{day:%-d %B %Y}"


def navigation(page):
    return page.locator(".govuk-service-navigation")


def go_to(page, name):
    """Follow a link in the service navigation, as a user would."""
    navigation(page).get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def switch_user(page, email):
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)
    expect(page.get_by_test_id("identity")).to_be_visible()


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def fill_date(page, group, day):
    """A GOV.UK date input: the three boxes of the question (fieldset) named `group`."""
    fieldset = page.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def answer(page, question, choice):
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def fill_new_case(page, *, crime_reference, offence_date, date_of_birth, given_name, family_name, start_date=None):
    """The question pages up to the eligibility result: the crime, a new young person, the Checkpoint questions."""
    page.get_by_label("Crime reference").fill(crime_reference)
    page.get_by_label("Offence", exact=True).select_option(label=BLADED_ARTICLE)
    fill_date(page, "When was the offence committed?", offence_date)
    answer(page, "Which pathway?", "Checkpoint")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find the young person")
    assert_accessible(page)
    page.get_by_role("link", name="None of these: enter a new young person").click()
    page.get_by_label("First name").fill(given_name)
    page.get_by_label("Last name").fill(family_name)
    fill_date(page, "Date of birth", date_of_birth)
    answer(page, "Sex", "Male")
    page.get_by_label("Local authority area").select_option(label="Birmingham")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkpoint questions")
    answer(page, "Were there aggravating circumstances?", "No")
    answer(page, "Did the young person admit the offence?", "Yes")
    answer(page, "Is there enough evidence to charge?", "Yes")
    answer(page, "What is the young person's criminal history?", "No previous criminal history")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eligibility")


def fill_contract(page, *, start_date, further=()):
    """From an eligible result to Check your answers: the contract, the programme if asked, further conditions."""
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The contract")
    page.get_by_label("Lead agency").select_option(label=LEAD)
    fill_date(page, "When does the contract start?", start_date)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    if page.get_by_role("heading", level=1, name="The programme").count():
        page.get_by_role("group", name="Which programme will the young person attend?").get_by_role("radio").first.check()
        assert_accessible(page)
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conditions")
    for description, due_on in further:
        page.get_by_label("What must the young person do?").fill(description)
        fill_date(page, "When is it due?", due_on)
        page.get_by_role("button", name="Add condition").click()
        expect(page.get_by_role("term").filter(has_text=description)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before starting the case")


def open_new_case(page):
    go_to(page, "Diversion cases")
    assert_accessible(page)
    page.get_by_role("link", name="Start a diversion case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The crime")


def case_status(page):
    """The status tag under the case page's heading."""
    return page.get_by_role("heading", level=1).locator("xpath=following-sibling::p[1]").locator(".govuk-tag")


def checklist(page):
    return page.get_by_role("list", name="Eligibility checklist")


def summary_row(page, key):
    """The row of a GOV.UK summary list whose key (a condition, "Return-to-police deadline") is `key`."""
    return page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text=key))


def after_heading(page, heading):
    """What follows a level 2 heading (a summary list, a paragraph): the section it heads."""
    return page.get_by_role("heading", level=2, name=heading, exact=True).locator("xpath=following-sibling::*[1]")


def born_aged(age, on):
    """A date of birth that makes the young person `age` on the day `on` (their birthday is 1 January)."""
    return datetime.date(on.year - age, 1, 1)


def start_through_services(*, crime_reference, offence_date, start_date, date_of_birth):
    """A Checkpoint case started by the demo decision maker with the services, led by YOS Birmingham."""
    from outcomes import selectors, services
    from partners.access import acting_for
    from partners.models import Organisation, User

    return services.start_case(
        acting_for(User.objects.get(email=DECISION_MAKER)), crime_reference=crime_reference,
        offence=selectors.offences().get(code="CJA1988-S139"), offence_date=offence_date,
        pathway=selectors.pathways().get(code="checkpoint"), lead_organisation=Organisation.objects.get(name=LEAD),
        start_date=start_date, now=timezone.now(), aggravating=False, admission=True, sufficient_evidence=True,
        history="none",
        person={"given_name": "Morgan", "family_name": "Missedit", "date_of_birth": date_of_birth, "sex": "female",
                "area": "birmingham"},
    )


def test_a_checkpoint_case_from_the_police_decision_to_outcome_22(page, demo_users, reference_data):
    from outcomes import services
    from outcomes.models import DiversionCase

    day = today()
    start = day - datetime.timedelta(days=10)  # the assessment (10 working days) is still to come
    offence_date = start - datetime.timedelta(days=3)
    crime_reference = "20/004321/26"

    # --- The police decision maker checks eligibility and starts the case -------------------------
    sign_in(page, DECISION_MAKER, PASSWORD)
    open_new_case(page)
    fill_new_case(page, crime_reference=crime_reference, offence_date=offence_date,
                  date_of_birth=born_aged(15, offence_date), given_name="Jordan", family_name="Checkpoint")

    items = checklist(page).get_by_role("listitem")
    expect(items).to_have_count(6)
    for reason in ("Aged 15 on the offence date: within 10 to 17.",
                   "Possession of a bladed article in a public place is eligible for Checkpoint.",
                   "No aggravating circumstances.", "The young person admitted the offence.",
                   "There is enough evidence to charge.", "No previous criminal history."):
        expect(items.filter(has_text=reason)).to_contain_text("Met")
    expect(items.filter(has_text="Not met")).to_have_count(0)
    assert_accessible(page)
    fill_contract(page, start_date=start)
    end = contract_end(start, 4)
    deadline = end + datetime.timedelta(days=28)  # either way: the contract end plus 28 days
    expect(summary_row(page, "Contract ends")).to_contain_text(long_date(end))
    expect(summary_row(page, "Contract length")).to_contain_text("4 months (the pathway's standard)")
    deadline_row = summary_row(page, "Return-to-police deadline")
    expect(deadline_row).to_contain_text(long_date(deadline))
    expect(deadline_row).to_contain_text("Either way offence: the contract end plus 28 days.")
    assert_accessible(page)
    page.get_by_role("button", name="Start case").click()

    expect(success_banner(page)).to_contain_text(f"Case {crime_reference} started. The lead agency has been told.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Checkpoint")
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Checkpoint case {crime_reference}")
    expect(case_status(page)).to_have_text("Active")
    for description in (ASSESSMENT, SESSIONS, NO_REOFFENDING):
        expect(summary_row(page, description)).to_contain_text("Pending")
    days_left = (deadline - day).days
    expect(summary_row(page, "Return-to-police deadline")).to_contain_text(f"{long_date(deadline)} ({days_left} days left)")
    assert_accessible(page)
    case = DiversionCase.objects.get(crime_reference=crime_reference)

    # --- The YOS Birmingham caseworker records the assessment and the six sessions ---------------
    switch_user(page, CASEWORKER)
    go_to(page, "Our caseload")
    card = page.locator(".govuk-summary-card").filter(has_text="Jordan Checkpoint")
    expect(card).to_contain_text("0 of 6")
    expect(card).to_contain_text(crime_reference)
    assert_accessible(page)
    card.get_by_role("link", name=re.compile(r"^Jordan Checkpoint")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Checkpoint")
    assert_accessible_with_conditional_radios(page)

    answer(page, "Type of assessment", "Checkpoint mandatory assessment")
    fill_date(page, "Completed on", start + datetime.timedelta(days=1))
    page.get_by_role("button", name="Record assessment").click()
    expect(success_banner(page)).to_contain_text("Assessment recorded.")

    for n in range(1, 7):
        held_on = start + datetime.timedelta(days=n)
        fill_date(page, "Date of the session", held_on)
        answer(page, "Did the young person attend?", "Attended")
        page.get_by_role("button", name="Record session").click()
        expect(success_banner(page)).to_contain_text("Session recorded.")
        expect(after_heading(page, "Sessions").locator("dt").nth(n - 1)).to_have_text(long_date(held_on))
    expect(after_heading(page, "Sessions").locator("dd", has_text="Attended")).to_have_count(6)
    assert_accessible_with_conditional_radios(page)

    page.get_by_role("link", name=crime_reference).click()
    expect(summary_row(page, ASSESSMENT)).to_contain_text("Met")
    expect(summary_row(page, SESSIONS)).to_contain_text("6 of 6")
    expect(summary_row(page, SESSIONS)).to_contain_text("Met")
    expect(summary_row(page, NO_REOFFENDING)).to_contain_text("Pending")  # met only at the contract end
    assert_accessible(page)

    # --- The contract ends: the portal proposes closure (the daily job would, on the end date) ----
    case = services.propose_closure(case, now=datetime.datetime.combine(end, datetime.time(7), tzinfo=LONDON))
    assert case.status == "closure_proposed"

    # --- The decision maker closes the case with outcome 22 ---------------------------------------
    switch_user(page, DECISION_MAKER)
    go_to(page, "Diversion cases")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=crime_reference))
    expect(row).to_contain_text("Proposed for closure")
    row.get_by_role("link", name=crime_reference).click()
    for description in (ASSESSMENT, SESSIONS, NO_REOFFENDING):
        expect(summary_row(page, description)).to_contain_text("Met")
    assert_accessible(page)
    page.get_by_label("Closing outcome").select_option(label=OUTCOME_22)
    page.get_by_role("button", name="Close the case").click()

    expect(success_banner(page)).to_contain_text("The case is closed as completed.")
    expect(case_status(page)).to_have_text("Completed")
    outcome = after_heading(page, "Police outcome")
    expect(outcome).to_contain_text(f"{OUTCOME_22}, recorded by Dee Decider on {long_date(day)}")
    expect(page.get_by_role("button", name="Close the case")).to_have_count(0)
    assert_accessible(page)


def test_a_missed_condition_ends_in_a_breach_a_return_to_police_and_a_police_outcome(page, demo_users, reference_data):
    from outcomes import services

    day = today()
    start = day - datetime.timedelta(days=30)  # the assessment was due 10 working days after the start
    offence_date = start - datetime.timedelta(days=3)
    crime_reference = "20/008765/26"
    case = start_through_services(crime_reference=crime_reference, offence_date=offence_date, start_date=start,
                                  date_of_birth=born_aged(16, offence_date))
    case = services.refresh_case(case, today=day)  # the daily sweep, after the assessment's due date
    assert case.status == "at_risk"
    assessment_due = case.conditions.get(kind="assessment").due_on
    reason = "Synthetic: Morgan was in hospital for the week of the assessment."

    # --- The caseworker sees the case at risk and records why the assessment was missed -----------
    sign_in(page, CASEWORKER, PASSWORD)
    go_to(page, "Our caseload")
    card = page.locator(".govuk-summary-card").filter(has_text="Morgan Missedit")
    expect(card.locator(".govuk-summary-list__row").filter(has_text="Missed")).to_contain_text(ASSESSMENT)
    assert_accessible(page)
    go_to(page, "Diversion cases")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=crime_reference))
    expect(row).to_contain_text("At risk")
    assert_accessible(page)
    row.get_by_role("link", name=crime_reference).click()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"At risk since {long_date(day)}: missed {ASSESSMENT} (due {long_date(assessment_due)})")
    expect(summary_row(page, ASSESSMENT)).to_contain_text("Missed")
    page.get_by_text("Record why it was missed").click()
    page.get_by_label("Why was it missed?").fill(reason)
    assert_accessible(page)
    page.get_by_role("button", name="Record the reason").click()
    expect(success_banner(page)).to_contain_text("Reason recorded.")
    expect(summary_row(page, ASSESSMENT)).to_contain_text(f"Why it was missed: {reason}")
    # A caseworker may propose a breach, but only a manager or the police may decide one.
    expect(page.get_by_role("button", name="Confirm the breach and return to police")).to_have_count(0)
    assert_accessible(page)

    # --- The YOS manager proposes a breach; the page says someone else must confirm it ------------
    switch_user(page, YOS_MANAGER)
    go_to(page, "Diversion cases")
    page.get_by_role("link", name=crime_reference).click()
    expect(page.get_by_text(f"Why it was missed: {reason}")).to_be_visible()
    page.get_by_text("The young person is not keeping to the contract").click()
    page.get_by_label("Why do you propose a breach?").fill("Synthetic: no assessment, and two sessions missed since.")
    assert_accessible(page)
    page.get_by_role("button", name="Propose a breach").click()
    expect(success_banner(page)).to_contain_text("Breach proposed.")
    expect(case_status(page)).to_have_text("Breach proposed")
    expect(page.locator(".govuk-inset-text")).to_contain_text("You proposed this breach, so someone else must confirm it")
    expect(page.get_by_role("button", name="Confirm the breach and return to police")).to_have_count(0)
    assert_accessible(page)

    # --- The police decision maker confirms it: the case is re-referred -------------------------
    switch_user(page, DECISION_MAKER)
    go_to(page, "Diversion cases")
    page.get_by_role("link", name=crime_reference).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("A breach was proposed by Morgan Lead")
    page.get_by_label("Why is the breach confirmed?").fill("Synthetic: reviewed with the YOS; the contract has failed.")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the breach and return to police").click()
    expect(success_banner(page)).to_contain_text("Breach confirmed: the case is returned to police.")
    expect(case_status(page)).to_have_text("Returned to police")
    assert_accessible(page)

    # --- In the police "Returned to police" inbox with its deadline; received, then the outcome -----------
    go_to(page, "Returned to police")
    deadline = case.return_deadline
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=crime_reference))
    expect(row).to_contain_text("Not received")
    expect(row).to_contain_text("Morgan Missedit")
    expect(row).to_contain_text(f"{deadline:%-d %b %Y}")
    expect(row).to_contain_text(f"{(deadline - day).days} days left")
    assert_accessible(page)
    row.get_by_role("link", name=crime_reference).click()
    page.get_by_role("button", name="Mark as received by police").click()
    expect(success_banner(page)).to_contain_text("Received by police.")
    received = page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text="Received by police"))
    expect(received).to_contain_text("by Dee Decider")
    expect(page.get_by_role("button", name="Mark as received by police")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Police outcome").select_option(label="Outcome 1: Charge/summons")
    page.get_by_label("Notes (optional)").fill("Synthetic: summons issued for the youth court.")
    page.get_by_role("button", name="Record the police outcome").click()
    expect(success_banner(page)).to_contain_text("Police outcome recorded. The case is closed.")
    expect(case_status(page)).to_have_text("Police outcome recorded")
    outcome = after_heading(page, "Police outcome")
    expect(outcome).to_contain_text("Outcome 1: Charge/summons, recorded by Dee Decider")
    expect(page.get_by_text("Synthetic: summons issued for the youth court.")).to_be_visible()
    assert_accessible(page)

    # Dealt with: it leaves the inbox.
    go_to(page, "Returned to police")
    expect(page.get_by_role("link", name=crime_reference)).to_have_count(0)
    expect(page.get_by_role("table")).to_contain_text("Nothing has been returned to your force.")
    assert_accessible(page)


def test_an_ineligible_checkpoint_case_says_why_and_cannot_be_started(page, demo_users, reference_data):
    from outcomes.models import DiversionCase

    start = today() - datetime.timedelta(days=2)
    offence_date = start - datetime.timedelta(days=3)
    sign_in(page, DECISION_MAKER, PASSWORD)
    open_new_case(page)
    fill_new_case(page, crime_reference="20/009999/26", offence_date=offence_date,
                  date_of_birth=born_aged(18, offence_date), given_name="Alex", family_name="Toolate")

    items = checklist(page).get_by_role("listitem")
    age = items.filter(has_text="Age:")
    expect(age).to_contain_text("Not met")
    expect(age).to_contain_text("Aged 18 on the offence date: Checkpoint is for 10 to 17 year olds.")
    expect(items.filter(has_text="Not met")).to_have_count(1)
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This case is not eligible for Checkpoint and cannot be started: Aged 18 on the offence date")
    expect(page.get_by_role("link", name="Continue")).to_have_count(0)
    expect(page.get_by_role("link", name="Change the young person")).to_be_visible()
    assert_accessible(page)
    assert not DiversionCase.objects.exists()
