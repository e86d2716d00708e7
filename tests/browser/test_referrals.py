"""Referral journeys in a real browser: a school refers, the VRU triages, a partner accepts; the
more-information round trip; and the errors a referrer sees on the young-person step.

Every page on the way is checked with axe-core. Pages with conditionally revealing radios (the triage
decision form, and the urgency and sharing steps of the referral) are checked with "aria-allowed-attr"
left out, and then only if that rule's every failure is aria-expanded on a GOV.UK conditional radio:
GOV.UK Frontend's own script puts it there, a known and deliberate Design System pattern
(alphagov/govuk-frontend#979), not a fault of the portal's templates.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners import demo as demo_data

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PASSWORD = demo_data.DEMO_PASSWORD
SCHOOL_LEAD = "dsl@northfield.example.sch.uk"
TRIAGER = "triager@vru.example.org"
YOS_CASEWORKER = "caseworker@yos-birmingham.example.org"
REFERENCE = re.compile(r"^VRU-\d{4}-\d{6}$")
# GOV.UK Frontend sets aria-expanded on conditional radios: a known GOV.UK pattern (govuk-frontend#979).
CONDITIONAL_RADIOS_IGNORE = ("aria-allowed-attr",)


def assert_accessible_with_conditional_radios(page):
    """assert_accessible without "aria-allowed-attr", provided its only failures are GOV.UK's conditional radios."""
    results = assert_accessible(page, ignore=CONDITIONAL_RADIOS_IGNORE)
    for violation in results.response["violations"]:
        if violation["id"] not in CONDITIONAL_RADIOS_IGNORE:
            continue
        for node in violation["nodes"]:
            where = ", ".join(str(t) for t in node["target"])
            summary = node.get("failureSummary", "")
            assert re.findall(r"aria-[a-z]+(?==)", summary) == ["aria-expanded"], f"{where}: {summary}"
            radio = page.locator(where)
            expect(radio).to_have_count(1)
            assert radio.evaluate("e => e.matches('input.govuk-radios__input[type=radio][aria-controls]')"), where
    return results


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


def my_referrals_row(page, reference):
    return page.get_by_test_id("my-referrals").get_by_role("row").filter(has=page.get_by_role("link", name=reference))


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def fill_young_person(page, *, day="14", month="3", year="2011", postcode="B31 2AB"):
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Testcase")
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Ethnic group").select_option(label="Not stated")
    page.get_by_label("Home postcode").fill(postcode)
    page.get_by_label("Birmingham", exact=True).check()


def start_a_referral(page):
    """From My referrals to the first question of the journey."""
    go_to(page, "My referrals")
    page.get_by_role("button", name="Make a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a referral")
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the young person")


def submit_through_services(email):
    """A submitted referral made with the services, in the database the live server uses."""
    from partners.access import acting_for
    from partners.models import User
    from referrals import services

    acting = acting_for(User.objects.get(email=email))
    now = timezone.now()
    draft = services.save_draft(acting, {
        "given_name": "Riley", "family_name": "Roundtrip", "date_of_birth": datetime.date(2010, 6, 1),
        "sex": "female", "ethnicity": "not_stated", "postcode": "B31 2AB", "area": "birmingham",
        "account": "Synthetic: seen with older youths near the park after school.", "urgent": False,
        "lawful_basis": "public_task", "informed": "parent", "concerns": ["exploitation"],
    }, now=now)
    return services.submit_referral(acting, draft, now=now).reference


def open_from_queue(page, reference):
    go_to(page, "Triage queue")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page).to_have_title(re.compile(rf"^Triage {reference}"))


def test_school_refers_vru_allocates_and_partner_accepts(page, demo_users):
    # --- The school's safeguarding lead makes a referral ---------------------------------------
    sign_in(page, SCHOOL_LEAD, PASSWORD)
    go_to(page, "My referrals")
    expect(page.get_by_test_id("my-referrals")).to_contain_text("You have not made any referrals yet.")
    assert_accessible(page)
    start_a_referral(page)

    fill_young_person(page)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The concern")
    page.get_by_label("Carrying or suspected of carrying a knife or weapon").check()
    page.get_by_label("Association with a street gang or organised crime group").check()
    page.get_by_label("What has happened").fill(
        "Synthetic: a teacher saw a knife in Jordan's bag on Monday. Jordan said older boys asked him to carry it."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Urgency")
    page.get_by_label("No", exact=True).check()
    assert_accessible_with_conditional_radios(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sharing information")
    page.get_by_label("Public task").check()
    page.get_by_label("Yes, a parent or carer has been told").check()
    assert_accessible_with_conditional_radios(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending the referral")
    expect(page.get_by_test_id("section-young-person")).to_contain_text("Jordan Testcase")
    expect(page.get_by_test_id("section-young-person")).to_contain_text("14 March 2011")
    expect(page.get_by_test_id("section-young-person")).to_contain_text("B31 2AB")
    expect(page.get_by_test_id("section-concern")).to_contain_text("Carrying or suspected of carrying a knife or weapon")
    expect(page.get_by_test_id("section-urgency")).to_contain_text("No")
    expect(page.get_by_test_id("section-sharing")).to_contain_text("Public task")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Referral submitted")
    reference = page.get_by_test_id("reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    assert_accessible(page)

    go_to(page, "My referrals")
    row = my_referrals_row(page, reference)
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text("Jordan Testcase")

    # --- A VRU triager claims it, rates it and allocates it to YOS Birmingham -----------------
    switch_user(page, TRIAGER)
    go_to(page, "Triage queue")
    expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Testcase")
    expect(page.locator(".govuk-inset-text").first).to_contain_text("Nobody is working on it.")
    page.get_by_role("button", name="Claim").click()
    expect(success_banner(page)).to_contain_text(f"You are working on {reference}.")
    expect(page.get_by_role("button", name="Release")).to_be_visible()

    page.get_by_label("Amber (medium)").check()
    partner = page.get_by_label("Partner organisation")
    expect(partner).to_be_hidden()
    page.get_by_label("Accept and allocate").check()
    expect(partner).to_be_visible()
    expect(page.get_by_label("Programme")).to_be_visible()
    partner.select_option(label="YOS Birmingham")
    page.get_by_label("Programme").fill("Knife crime mentoring")
    assert_accessible_with_conditional_radios(page)
    page.get_by_role("button", name="Record decision").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    expect(success_banner(page)).to_contain_text(f"{reference}: accept and allocate recorded.")
    expect(page.get_by_role("link", name=reference, exact=True)).to_have_count(0)

    # --- The YOS Birmingham caseworker accepts the allocation ---------------------------------
    switch_user(page, YOS_CASEWORKER)
    go_to(page, "Allocated to us")
    allocation_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(allocation_row).to_contain_text("Knife crime mentoring")
    expect(allocation_row).to_contain_text("Waiting for the partner")
    assert_accessible(page)
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Testcase")
    assert_accessible(page)
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(success_banner(page)).to_contain_text(f"You accepted {reference}.")
    expect(page.locator(".govuk-caption-l")).to_contain_text("Accepted")
    expect(page.get_by_role("group", name="Date of first contact")).to_be_visible()
    assert_accessible(page)

    # --- The school lead sees the outcome ---------------------------------------------------------
    switch_user(page, SCHOOL_LEAD)
    go_to(page, "My referrals")
    row = my_referrals_row(page, reference)
    expect(row).to_contain_text("Allocated")
    expect(row).to_contain_text("Allocated to YOS Birmingham (Knife crime mentoring)")
    assert_accessible(page)


def test_more_information_round_trip(page, demo_users):
    reference = submit_through_services(SCHOOL_LEAD)
    question = "Synthetic question: which park, and has this happened before?"

    # --- The triager asks the school a question -------------------------------------------------
    sign_in(page, TRIAGER, PASSWORD)
    open_from_queue(page, reference)
    page.get_by_role("button", name="Claim").click()
    page.get_by_label("Request more information").check()
    page.get_by_label("Question for the referrer").fill(question)
    assert_accessible_with_conditional_radios(page)
    page.get_by_role("button", name="Record decision").click()
    expect(success_banner(page)).to_contain_text(f"{reference}: request more information recorded.")

    # --- The school lead sees the question and answers it ---------------------------------------
    switch_user(page, SCHOOL_LEAD)
    go_to(page, "My referrals")
    row = my_referrals_row(page, reference)
    expect(row).to_contain_text("More information requested")
    expect(row).to_contain_text("The VRU has asked you a question")
    assert_accessible(page)
    row.get_by_role("link", name=f"Answer the question about {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riley Roundtrip")
    expect(page.get_by_test_id("question")).to_have_text(question)
    assert_accessible(page)

    # Sending nothing is an error the referrer can fix.
    page.get_by_role("button", name="Send your answer").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your answer")
    assert_accessible(page)

    page.get_by_label("Your answer").fill("Synthetic answer: Northfield recreation ground; twice before this term.")
    page.get_by_role("button", name="Send your answer").click()
    expect(success_banner(page)).to_contain_text("Your answer has been sent to the VRU.")
    expect(page.get_by_test_id("question")).to_have_count(0)
    expect(page.get_by_test_id("timeline")).to_contain_text("twice before this term")
    assert_accessible(page)

    # --- Back in the queue, under "Returned with more information" -----------------------------
    switch_user(page, TRIAGER)
    go_to(page, "Triage queue")
    expect(page.get_by_test_id("count-returned")).to_have_text("1")
    returned = page.get_by_role("table", name="Returned with more information")
    expect(returned.get_by_role("link", name=reference, exact=True)).to_be_visible()
    assert_accessible(page)
    returned.get_by_role("link", name=reference, exact=True).click()
    timeline = page.locator(".moj-timeline")
    expect(timeline.get_by_role("heading", name="More information given")).to_be_visible()
    expect(timeline).to_contain_text("twice before this term")
    expect(page.get_by_text("Waiting for the referrer's answer")).to_have_count(0)
    assert_accessible_with_conditional_radios(page)


def test_young_person_step_shows_errors_for_a_future_birth_date_and_a_wrong_postcode(page, demo_users):
    sign_in(page, SCHOOL_LEAD, PASSWORD)
    start_a_referral(page)
    next_year = str(timezone.localdate().year + 1)
    fill_young_person(page, day="1", month="1", year=next_year, postcode="NOT VALID")
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_title(re.compile(r"^Error: About the young person"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link", name="Date of birth must be in the past")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter a real postcode, like B1 1AA")).to_be_visible()
    errors = page.locator(".govuk-error-message")
    expect(errors.filter(has_text="Date of birth must be in the past")).to_be_visible()
    expect(errors.filter(has_text="Enter a real postcode, like B1 1AA")).to_be_visible()
    expect(page.locator(".govuk-form-group--error")).to_have_count(2)
    # Screen readers hear each inline error with its question.
    expect(page.get_by_role("group", name="Date of birth")).to_have_accessible_description(
        re.compile(r"Error:\s+Date of birth must be in the past"))
    expect(page.get_by_label("Home postcode")).to_have_accessible_description(
        re.compile(r"Error:\s+Enter a real postcode, like B1 1AA"))
    # What was typed is kept, so the referrer corrects it rather than starting again.
    expect(page.get_by_label("Year")).to_have_value(next_year)
    expect(page.get_by_label("Home postcode")).to_have_value("NOT VALID")
    assert_accessible(page)

    # The summary's link takes the referrer to the question.
    summary.get_by_role("link", name="Enter a real postcode, like B1 1AA").click()
    expect(page.get_by_label("Home postcode")).to_be_focused()

    # Corrected, the journey goes on.
    page.get_by_label("Year").fill("2011")
    page.get_by_label("Home postcode").fill("b31 2ab")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The concern")
