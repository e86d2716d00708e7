"""Issue 12 (Forms, Print), in Chromium on the demo organisations and users:
- the first-contact date is a GOV.UK date input with GOV.UK error messages;
- only the claimant sees the decision form; a colleague sees who has claimed it;
- "Correct this entry" only on entries a person wrote; no "Hand back to the VRU" on closed work;
- the author deletes a draft after a confirmation page, and "Make a referral" offers the drafts not yet sent;
- the print views of a referral, a young person and a case: no navigation, who printed it and when, and the
  browser's print dialog opened by our own script (CSP allows no inline script).
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners.access import acting_for
from partners.models import AuditAction, AuditEvent, Organisation, User
from referrals import services
from tests.referrals.factories import referral_data

from .conftest import assert_accessible, sign_in
from .test_outcomes import DECISION_MAKER, fill_date, reference_data, start_through_services, success_banner, today
from .test_referrals import PASSWORD, SCHOOL_LEAD, TRIAGER, YOS_CASEWORKER, open_from_queue, switch_user

pytestmark = pytest.mark.browser
__all__ = ["reference_data"]  # a fixture of test_outcomes, used here

TRIAGER2 = "triager2@vru.example.org"
# Replaces window.print before any page script runs: headless Chromium has no dialog, so count the calls.
COUNT_PRINTS = "window.__prints = 0; window.print = function () { window.__prints += 1; };"


def acting(email):
    return acting_for(User.objects.get(email=email))


def submitted(**data):
    now = timezone.now()
    school = acting(SCHOOL_LEAD)
    return services.submit_referral(school, services.save_draft(school, referral_data(**data), now=now), now=now)


def allocated(*, accept=True):
    referral = submitted(given_name="Alex", family_name="Allocated")
    now, vru = timezone.now(), acting(TRIAGER)
    services.claim(vru, referral, now=now)
    services.decide(vru, referral, decision="allocate", rag="amber", organisation=Organisation.objects.get(name="YOS Birmingham"),
                    programme="Mentoring", now=now)
    allocation = referral.allocations.get()
    if accept:
        services.accept_allocation(acting(YOS_CASEWORKER), allocation, now=now)
    return referral, allocation


def test_first_contact_is_a_gov_uk_date_input_with_its_error_messages(page, demo_users, portal_url):
    referral, allocation = allocated()
    sign_in(page, YOS_CASEWORKER, PASSWORD)
    page.goto(portal_url("allocation-detail", allocation.pk))
    question = page.get_by_role("group", name="Date of first contact")
    expect(question.get_by_label("Day")).to_be_visible()
    question.get_by_label("Day").fill("31")
    question.get_by_label("Month").fill("2")
    question.get_by_label("Year").fill(str(today().year))
    page.get_by_role("button", name="Record first contact").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date of first contact must be a real date")
    expect(page.locator(".govuk-error-message")).to_contain_text("The date of first contact must be a real date")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_role("group", name="Date of first contact").get_by_label("Day")).to_be_focused()
    question.get_by_label("Year").fill("26")
    page.get_by_role("button", name="Record first contact").click()
    expect(summary).to_contain_text("Year must include 4 numbers")
    fill_date(page, "Date of first contact", today())
    page.get_by_role("button", name="Record first contact").click()
    expect(success_banner(page)).to_contain_text("First contact recorded")


def test_only_the_claimant_sees_the_decision_form(page, demo_users):
    reference = submitted(given_name="Claire", family_name="Claimed").reference
    sign_in(page, TRIAGER, PASSWORD)
    open_from_queue(page, reference)
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    expect(page.get_by_test_id("decision-held")).to_have_text("Claim this referral to record its decision.")
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_role("button", name="Record decision")).to_be_visible()

    switch_user(page, TRIAGER2)
    open_from_queue(page, reference)
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    expect(page.get_by_role("button", name="Claim")).to_have_count(0)
    expect(page.get_by_test_id("decision-held")).to_contain_text("who is working on this referral, can record its decision")
    expect(page.locator("#claim-status")).to_contain_text("is working on this referral.")
    assert_accessible(page)


def test_correct_this_entry_only_on_what_a_person_wrote(page, demo_users):
    referral = submitted(given_name="Corey", family_name="Corrected")
    now, vru = timezone.now(), acting(TRIAGER)
    services.claim(vru, referral, now=now)
    services.decide(vru, referral, decision="signpost", rag="green", signpost_to="Local youth club", now=now)
    sign_in(page, TRIAGER, PASSWORD)
    page.goto(f"/triage/{referral.pk}/")
    timeline = page.locator(".moj-timeline")
    for system in ("Draft started", "Submitted", "Claimed"):
        item = timeline.locator(".moj-timeline__item").filter(has=page.get_by_role("heading", name=system, exact=True))
        expect(item).to_have_count(1)
        expect(item.get_by_role("link", name="Correct this entry")).to_have_count(0)
    signposted = timeline.locator(".moj-timeline__item").filter(has=page.get_by_role("heading", name="Signposted"))
    signposted.get_by_role("link", name="Correct this entry").click()
    expect(page.get_by_label("The corrected entry")).to_have_value("Signposted to Local youth club")


def test_no_hand_back_on_closed_work(page, demo_users, portal_url):
    referral, allocation = allocated()
    sign_in(page, YOS_CASEWORKER, PASSWORD)
    page.goto(portal_url("allocation-detail", allocation.pk))
    expect(page.get_by_role("link", name="Hand back to the VRU")).to_be_visible()
    services.close_referral(acting(TRIAGER), referral, reason="Programme completed.", now=timezone.now())
    page.reload()
    expect(page.get_by_role("link", name="Hand back to the VRU")).to_have_count(0)
    page.goto(portal_url("allocation-hand-back", allocation.pk))  # an old bookmark: back to the allocation, told why
    expect(page.locator(".govuk-notification-banner")).to_contain_text("cannot be handed back")


def test_the_author_deletes_a_draft_and_start_now_offers_to_continue(page, demo_users):
    draft = services.save_draft(acting(SCHOOL_LEAD), {"given_name": "Dana", "family_name": "Draft"}, now=timezone.now())
    sign_in(page, SCHOOL_LEAD, PASSWORD)
    page.get_by_role("link", name="My referrals").first.click()
    page.get_by_role("button", name="Make a referral").click()
    drafts = page.get_by_test_id("drafts")
    expect(drafts).to_contain_text("You have a referral you have not sent")
    expect(drafts).to_contain_text("Dana Draft")
    expect(page.get_by_role("button", name="Start a new referral")).to_be_visible()
    expect(page.get_by_role("button", name="Start now")).to_have_count(0)
    assert_accessible(page)
    drafts.get_by_role("link", name="Continue the draft referral for Dana Draft").click()
    expect(page.get_by_label("First name")).to_have_value("Dana")

    page.goto("/referrals/new/")
    page.get_by_test_id("drafts").get_by_role("link", name="delete the draft referral for Dana Draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to delete this draft referral?")
    expect(page.locator(".govuk-warning-text")).to_contain_text("You cannot undo this.")
    assert_accessible(page)
    page.get_by_role("button", name="Delete draft referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My referrals")
    expect(success_banner(page)).to_contain_text("The draft referral has been deleted.")
    expect(page.get_by_test_id("my-referrals")).not_to_contain_text("Dana")
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(draft.pk)).exists()
    page.get_by_role("button", name="Make a referral").click()
    expect(page.get_by_role("button", name="Start now")).to_be_visible()


def printable(page, link_name):
    """Press the record page's print link: the print view, its dialog opened once, no navigation."""
    page.get_by_role("link", name=link_name).click()
    expect(page.get_by_test_id("printed-by")).to_contain_text(f"on {today():%-d %B %Y} at")
    page.wait_for_load_state("load")
    assert page.evaluate("window.__prints") == 1
    expect(page.locator(".govuk-service-navigation")).to_have_count(0)
    expect(page.get_by_role("button", name="Print again")).to_be_visible()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.locator("form:visible")).to_have_count(0)  # nothing on paper can be pressed
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print again")).to_be_hidden()
    expect(page.get_by_test_id("printed-by")).to_be_visible()
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Print again").click()
    assert page.evaluate("window.__prints") == 2


def test_print_views_of_a_referral_a_young_person_and_a_case(page, demo_users, reference_data):
    page.add_init_script(COUNT_PRINTS)
    referral = submitted(given_name="Parker", family_name="Printed")
    sign_in(page, TRIAGER, PASSWORD)
    open_from_queue(page, referral.reference)
    printable(page, "Print the referral and its timeline")
    expect(page.get_by_test_id("printed-by")).to_contain_text("Printed by")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parker Printed")
    page.get_by_role("link", name="Back to the record").click()
    expect(page).to_have_title(re.compile(rf"^Triage {referral.reference}"))

    page.get_by_role("link", name="Young person's record").click()
    printable(page, "Print this page (the young person's record and timeline)")

    case = start_through_services(crime_reference="20PRINT/0001", offence_date=today() - datetime.timedelta(days=2),
                                  start_date=today(), date_of_birth=datetime.date(2009, 5, 1))
    switch_user(page, DECISION_MAKER)
    page.goto(f"/cases/{case.pk}/")
    printable(page, "Print this page (the case and its timeline)")
    printed = AuditEvent.objects.filter(action=AuditAction.PRINT).values_list("object_type", flat=True)
    assert sorted(printed) == ["outcomes.diversioncase", "referrals.referral", "referrals.youngperson"]
