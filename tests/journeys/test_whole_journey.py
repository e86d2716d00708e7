"""One young person's story through every role, from an empty portal, in Chromium.

The bootstrap administrator onboards a school, a YOS, St Giles and a police unit; their administrators invite
their people, who set passwords from the emails and sign in. The school refers; the VRU triages and allocates;
the YOS accepts, starts work, records a session and an assessment, and completes; the school sees it. Police
start a Checkpoint case for the young person and add a condition; the YOS misses it; the daily sweep runs
(`run_job`, a few days later); a breach is proposed by the YOS and confirmed by police, reaches the police
inbox before its deadline, and police record the outcome. The VRU manager's figures count each step.

Every step presses links and buttons on the page; no URL is typed but the portal's address.
"""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

from . import steps
from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from .steps import answer, fill_date, heading, nav, sign_in, success

pytestmark = [pytest.mark.browser, pytest.mark.journey]

SCHOOL, YOS, ST_GILES, POLICE = ("Journey Park Academy", "Journey YOS Birmingham", "Journey St Giles Trust",
                                 "Journey Police Birmingham NPU")
PEOPLE = {
    "vru_triager": "triager@vru.journey.example.org",
    "vru_manager": "manager@vru.journey.example.org",
    "school_admin": "admin@school.journey.example.org",
    "school_lead": "dsl@school.journey.example.org",
    "yos_admin": "admin@yos.journey.example.org",
    "yos_caseworker": "caseworker@yos.journey.example.org",
    "stgiles_admin": "admin@stgiles.journey.example.org",
    "police_admin": "admin@police.journey.example.org",
    "police_decider": "decisions@police.journey.example.org",
}
YOUNG_PERSON = "Jordan Journeyman"
PROGRAMME = "Knife crime mentoring"
CRIME_REFERENCE = "20/777111/26"
CONDITION = "Attend a victim awareness workshop"
BLADED_ARTICLE = "Possession of a bladed article in a public place (Criminal Justice Act 1988 s139; either way)"


def long_date(day):
    return f"{day:%-d %B %Y}"


@pytest.fixture
def journey_page(page, empty_portal, live_server, settings):
    settings.PORTAL_URL = live_server.url  # the links in emails point at this portal
    page.mail = empty_portal
    return page


def onboarding(page):
    """The bootstrap administrator sets up the region; each organisation's administrator invites its people."""
    mail = page.mail
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert_accessible(page)
    for name, kind, area, admin_name, admin_email in (
        (SCHOOL, "School or college", "Birmingham", "Sam Schooladmin", PEOPLE["school_admin"]),
        (YOS, "Youth Offending Service", "Birmingham", "Yan Yosadmin", PEOPLE["yos_admin"]),
        (ST_GILES, "Voluntary sector", "", "Gil Stgilesadmin", PEOPLE["stgiles_admin"]),
        (POLICE, "Police", "Birmingham", "Pat Policeadmin", PEOPLE["police_admin"]),
    ):
        steps.onboard(page, name=name, kind=kind, area=area, admin_name=admin_name, admin_email=admin_email)
    steps.invite(page, name="Tia Triager", email=PEOPLE["vru_triager"], roles=["Triager"])
    steps.invite(page, name="Max Manager", email=PEOPLE["vru_manager"], roles=["Manager"])
    assert_accessible(page)

    steps.accept_invitation(page, mail, PEOPLE["school_admin"])
    steps.invite(page, name="Dee Safeguarding", email=PEOPLE["school_lead"], roles=["Referrer"])

    steps.accept_invitation(page, mail, PEOPLE["yos_admin"])
    steps.invite(page, name="Cass Caseworker", email=PEOPLE["yos_caseworker"], roles=["Caseworker"])
    nav(page, "Programmes")
    page.get_by_role("link", name="Add a programme").click()
    page.get_by_label("Name").fill(PROGRAMME)
    page.get_by_label("Usual number of sessions").fill("6")
    page.get_by_role("button", name="Add programme").click()
    expect(success(page)).to_contain_text(f"{PROGRAMME} is added to your programmes.")

    steps.accept_invitation(page, mail, PEOPLE["stgiles_admin"])
    nav(page, "People")
    expect(page.get_by_role("row").filter(has_text=PEOPLE["stgiles_admin"])).to_contain_text("Organisation administrator")

    steps.accept_invitation(page, mail, PEOPLE["police_admin"])
    steps.invite(page, name="Dana Decider", email=PEOPLE["police_decider"], roles=["Decision maker"])

    for person in ("vru_triager", "vru_manager", "school_lead", "yos_caseworker", "police_decider"):
        steps.accept_invitation(page, mail, PEOPLE[person])


def school_refers(page):
    sign_in(page, PEOPLE["school_lead"])
    nav(page, "My referrals")
    page.get_by_role("button", name="Make a referral").click()
    page.get_by_role("button", name="Start now").click()
    expect(heading(page)).to_have_text("About the young person")
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Journeyman")
    fill_date(page, "Date of birth", born_aged(15))
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Ethnic group").select_option(label="Not stated")
    page.get_by_label("Home postcode").fill("B31 2AB")
    page.get_by_label("Birmingham", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("The concern")
    page.get_by_label("Carrying or suspected of carrying a knife or weapon").check()
    page.get_by_label("What has happened").fill("Synthetic: a knife was found in a school bag; older boys asked him to carry it.")
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Urgency")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Sharing information")
    page.get_by_label("Public task").check()
    page.get_by_label("Yes, a parent or carer has been told").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Check your answers before sending the referral")
    page.get_by_role("button", name="Accept and send").click()
    expect(heading(page)).to_have_text("Referral submitted")
    return page.get_by_test_id("reference").inner_text().strip()


def vru_triages(page, reference):
    sign_in(page, PEOPLE["vru_triager"])
    nav(page, "Triage queue")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(heading(page)).to_have_text(YOUNG_PERSON)
    page.get_by_role("button", name="Claim").click()
    expect(success(page)).to_contain_text(f"You are working on {reference}.")
    page.get_by_label("Amber (medium)").check()
    page.get_by_label("Accept and allocate").check()
    page.get_by_label("Partner organisation").select_option(label=YOS)
    page.get_by_label("Programme").fill(PROGRAMME)
    page.get_by_role("button", name="Record decision").click()
    expect(success(page)).to_contain_text(f"{reference}: accept and allocate recorded.")


def yos_works(page, reference):
    today = timezone.localdate()
    sign_in(page, PEOPLE["yos_caseworker"])
    nav(page, "Allocated to us")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(heading(page)).to_have_text(YOUNG_PERSON)
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(success(page)).to_contain_text(f"You accepted {reference}")
    fill_date(page, "Date of first contact", today)
    page.get_by_role("button", name="Record first contact").click()
    expect(success(page)).to_contain_text("First contact recorded")

    page.get_by_role("button", name="Start work").click()
    expect(heading(page)).to_have_text("Start work")
    page.get_by_role("group", name="Which programme is the young person starting?").get_by_label(PROGRAMME).check()
    fill_date(page, "Start date", today)
    page.get_by_label("Planned number of sessions").fill("6")
    assert_accessible(page)
    page.get_by_role("button", name="Start work").click()
    expect(success(page)).to_contain_text(f"Work started. {YOUNG_PERSON} is on your caseload.")

    nav(page, "Our caseload")
    page.get_by_role("link", name=YOUNG_PERSON).first.click()
    expect(heading(page)).to_have_text(YOUNG_PERSON)
    fill_date(page, "Date of the session", today)
    answer(page, "Did the young person attend?", "Attended")
    page.get_by_role("button", name="Record session").click()
    expect(success(page)).to_contain_text("Session recorded")
    answer(page, "Type of assessment", "AssetPlus")
    fill_date(page, "Completed on", today)
    page.get_by_role("button", name="Record assessment").click()
    expect(success(page)).to_contain_text("Assessment recorded")
    page.get_by_role("link", name="The young person completed the programme").click()
    fill_date(page, "Date it ended", today)
    page.get_by_label("Outcome note: what did the young person achieve?").fill("Synthetic: all sessions done.")
    page.get_by_role("button", name="Confirm completion").click()
    expect(success(page)).to_contain_text("Completion recorded")


def school_sees_the_work_complete(page, reference):
    sign_in(page, PEOPLE["school_lead"])
    nav(page, "My referrals")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row).to_contain_text(f"Work completed by {YOS}")
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_test_id("work")).to_have_text(f"Work completed by {YOS}")
    expect(page.locator("main")).not_to_contain_text("all sessions done")


def born_aged(age):
    today = timezone.localdate()
    return datetime.date(today.year - age, 1, 1)


def police_start_checkpoint(page):
    today = timezone.localdate()
    sign_in(page, PEOPLE["police_decider"])
    nav(page, "Diversion cases")
    page.get_by_role("link", name="Start a diversion case").click()
    expect(heading(page)).to_have_text("The crime")
    page.get_by_label("Crime reference").fill(CRIME_REFERENCE)
    page.get_by_label("Offence", exact=True).select_option(label=BLADED_ARTICLE)
    fill_date(page, "When was the offence committed?", today - datetime.timedelta(days=3))
    answer(page, "Which pathway?", "Checkpoint")
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Find the young person")
    # The school's young person is not the police's to see: the officer enters him as they know him.
    page.get_by_role("link", name="None of these: enter a new young person").click()
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Journeyman")
    fill_date(page, "Date of birth", born_aged(15))
    answer(page, "Sex", "Male")
    page.get_by_label("Local authority area").select_option(label="Birmingham")
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Checkpoint questions")
    answer(page, "Were there aggravating circumstances?", "No")
    answer(page, "Did the young person admit the offence?", "Yes")
    answer(page, "Is there enough evidence to charge?", "Yes")
    answer(page, "What is the young person's criminal history?", "No previous criminal history")
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Eligibility")
    expect(page.get_by_role("list", name="Eligibility checklist").get_by_role("listitem").filter(
        has_text="Not met")).to_have_count(0)
    page.get_by_role("link", name="Continue").click()
    expect(heading(page)).to_have_text("The contract")
    page.get_by_label("Lead agency").select_option(label=YOS)
    fill_date(page, "When does the contract start?", today)
    page.get_by_role("button", name="Continue").click()
    if page.get_by_role("heading", level=1, name="The programme").count():
        page.get_by_role("group").get_by_label(PROGRAMME).check()
        page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Conditions")
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Check your answers before starting the case")
    assert_accessible(page)
    page.get_by_role("button", name="Start case").click()
    expect(success(page)).to_contain_text(f"Case {CRIME_REFERENCE} started.")
    expect(heading(page)).to_have_text(YOUNG_PERSON)

    # A further condition agreed with the young person, due in two days.
    page.get_by_role("link", name="Add a condition").click()
    page.get_by_label("What must the young person do?").fill(CONDITION)
    fill_date(page, "When is it due?", today + datetime.timedelta(days=2))
    assert_accessible(page)
    page.get_by_role("button", name="Add condition").click()
    expect(success(page)).to_contain_text("Condition added")
    expect(page.locator(".govuk-summary-list__row").filter(has_text=CONDITION)).to_contain_text("Pending")


def case_status(page):
    return page.get_by_role("heading", level=1).locator("xpath=following-sibling::p[1]").locator(".govuk-tag")


def open_case(page):
    nav(page, "Diversion cases")
    page.get_by_role("link", name=CRIME_REFERENCE).click()
    expect(heading(page)).to_have_text(YOUNG_PERSON)


def breach_and_outcome(page):
    """Three days on, the condition has passed unmet; the 06:00 sweep finds it."""
    call_command("run_job", "compliance_sweep")
    sign_in(page, PEOPLE["yos_caseworker"])
    open_case(page)
    expect(case_status(page)).to_have_text("At risk")
    condition = page.locator(".govuk-summary-list__row").filter(has_text=CONDITION)
    expect(condition).to_contain_text("Missed")
    condition.get_by_text("Record why it was missed").click()
    page.get_by_label("Why was it missed?").fill("Synthetic: did not attend and gave no reason.")
    page.get_by_role("button", name="Record the reason").click()
    expect(success(page)).to_be_visible()
    page.get_by_text("The young person is not keeping to the contract").click()
    page.get_by_label("Why do you propose a breach?").fill("Synthetic: the agreed condition was not kept.")
    page.get_by_role("button", name="Propose a breach").click()
    expect(success(page)).to_be_visible()
    expect(page.get_by_role("button", name="Confirm the breach and return to police")).to_have_count(0)

    sign_in(page, PEOPLE["police_decider"])
    open_case(page)
    page.get_by_label("Why is the breach confirmed?").fill("Synthetic: reviewed with the YOS; the contract has failed.")
    page.get_by_role("button", name="Confirm the breach and return to police").click()
    expect(success(page)).to_be_visible()
    nav(page, "Returned to police")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=CRIME_REFERENCE))
    expect(row).to_contain_text("Not received")
    deadline = page.locator(".govuk-summary-list__row", has_text="Return-to-police deadline")
    row.get_by_role("link", name=CRIME_REFERENCE).click()
    expect(deadline).to_contain_text("days left")  # it reached police before the deadline passed
    page.get_by_role("button", name="Mark as received by police").click()
    expect(success(page)).to_be_visible()
    page.get_by_label("Police outcome").select_option(label="Outcome 1: Charge/summons")
    page.get_by_label("Notes (optional)").fill("Synthetic: summons issued for the youth court.")
    page.get_by_role("button", name="Record the police outcome").click()
    expect(success(page)).to_be_visible()
    assert_accessible(page)


def figure(page, caption, row):
    """The "This period" cell of one row of the figure table with this caption."""
    table = page.get_by_role("table", name=caption, exact=True)
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row, exact=True)).get_by_role("cell").first


def section(page, title):
    link = page.locator(".moj-sub-navigation").get_by_role("link", name=title, exact=True)
    link.click()
    expect(link).to_have_attribute("aria-current", "page")


def manager_sees_the_figures(page, first_day):
    """The VRU manager chooses the dates of the story and finds each step counted."""
    today = timezone.localdate()
    sign_in(page, PEOPLE["vru_manager"])
    nav(page, "Figures")
    expect(heading(page)).to_have_text("Figures")
    page.get_by_text("Change the period or area").click()
    page.get_by_label("Choose dates").check()
    fill_date(page, "From", first_day)
    fill_date(page, "To", today)
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("main")).to_contain_text(f"Showing {long_date(first_day)} to {long_date(today)}")
    expect(figure(page, "Referrals received", "Referrals received")).to_have_text("1")
    assert_accessible(page)
    # Each section has its own page under the sub-navigation, which keeps the chosen period.
    section(page, "Referrals")
    expect(figure(page, "By source", "School or college")).to_have_text("1")
    section(page, "Triage")
    expect(figure(page, "Time from arrival to the first triage decision", "Referrals with a decision")).to_have_text("1")
    expect(figure(page, "Decisions by type", "Accept and allocate")).to_have_text("1")
    expect(figure(page, "Allocations by partner", YOS)).to_have_text("1")
    section(page, "Interventions")
    # Two interventions: the referral's work (a session attended, completed) and the Checkpoint case's (none yet).
    expect(figure(page, "Engagement by partner", YOS)).to_have_text("50% (1 of 2)")
    expect(figure(page, "Completion by partner", YOS)).to_have_text("100% (1 of 1)")
    section(page, "Outcome 22 and Checkpoint")
    for measure in ("Started", "Breach proposed", "Breach confirmed and returned to police"):
        expect(figure(page, "Checkpoint", measure)).to_have_text("1")
    expect(figure(page, "Checkpoint", "Returned after the deadline")).to_have_text("0")
    expect(figure(page, "Final outcomes by code", "1: Charge/summons")).to_have_text("1")
    assert_accessible(page)


def test_a_young_persons_story_through_every_role_from_an_empty_portal(journey_page):
    page = journey_page
    onboarding(page)
    reference = school_refers(page)
    vru_triages(page, reference)
    yos_works(page, reference)
    school_sees_the_work_complete(page, reference)
    police_start_checkpoint(page)
    first_day = timezone.localdate()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=True):
        breach_and_outcome(page)
        manager_sees_the_figures(page, first_day)
