"""A partner starts and ends the work, in a real browser: YOS Birmingham's caseworker accepts an allocation, records
first contact, starts work, records a session and an assessment, completes the work through its confirmation page,
and the school's safeguarding lead then reads "Work completed by YOS Birmingham" on their referral.

The referral itself (made by Northfield Park Academy and allocated by the VRU) is arranged through the services, as
the other browser tests arrange what came before; everything after is done with the links and buttons on the pages.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners.access import acting_for
from partners.models import Organisation, User
from referrals import services as referral_services
from tests.referrals.factories import referral_data

from .conftest import assert_accessible, sign_in
from .test_outcomes import fill_date, go_to, success_banner, switch_user, today
from .test_referrals import assert_accessible_with_conditional_radios

pytestmark = pytest.mark.browser

CASEWORKER = "caseworker@yos-birmingham.example.org"
SCHOOL_LEAD = "dsl@northfield.example.sch.uk"
NAME = "Rowan Worktest"


def allocated_referral():
    """Northfield Park Academy refers Rowan; the VRU allocates the referral to YOS Birmingham an hour later."""
    school = acting_for(User.objects.get(email=SCHOOL_LEAD))
    triager = acting_for(User.objects.get(email="triager@vru.example.org"))
    when = timezone.now() - timedelta(hours=2)
    draft = referral_services.save_draft(school, referral_data(given_name="Rowan", family_name="Worktest"), now=when)
    referral = referral_services.submit_referral(school, draft, now=when)
    referral_services.claim(triager, referral, now=when + timedelta(hours=1))
    referral_services.decide(triager, referral, decision="allocate", rag="amber",
                             organisation=Organisation.objects.get(name="YOS Birmingham"),
                             programme="Knife crime programme", now=when + timedelta(hours=1))
    return referral


def test_a_caseworker_starts_and_completes_the_work_and_the_school_sees_it(page, demo):
    referral = allocated_referral()
    sign_in(page, CASEWORKER, demo.DEMO_PASSWORD)

    go_to(page, "Allocated to us")
    page.get_by_role("link", name="Waiting for the partner").click()
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    page.get_by_role("button", name="Accept").click()
    expect(success_banner(page)).to_contain_text(f"You accepted {referral.reference}")
    fill_date(page, "Date of first contact", today())
    page.get_by_role("button", name="Record first contact").click()
    expect(success_banner(page)).to_contain_text("First contact recorded")
    assert_accessible(page)

    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start work")
    assert_accessible(page)
    programme = page.get_by_role("group", name="Which programme is the young person starting?")
    expect(programme.get_by_role("radio", checked=True)).to_have_count(0)  # nothing chosen for them
    expect(page.get_by_label("Planned number of sessions")).to_have_value("")
    page.get_by_role("button", name="Start work").click()  # nothing answered: the error summary
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the programme")
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter the planned number of sessions").click()
    expect(page.get_by_label("Planned number of sessions")).to_be_focused()
    programme.get_by_label("Knife crime programme").check()
    fill_date(page, "Start date", today())
    page.get_by_label("Planned number of sessions").fill("6")
    page.get_by_role("button", name="Start work").click()
    expect(success_banner(page)).to_contain_text(f"Work started. {NAME} is on your caseload.")

    go_to(page, "Our caseload")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    fill_date(page, "Date of the session", today())
    page.get_by_role("group", name="Did the young person attend?").get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Record session").click()
    expect(success_banner(page)).to_contain_text("Session recorded")
    page.get_by_role("group", name="Type of assessment").get_by_label("AssetPlus").check()
    fill_date(page, "Completed on", today())
    page.get_by_role("button", name="Record assessment").click()
    expect(success_banner(page)).to_contain_text("Assessment recorded")
    assert_accessible_with_conditional_radios(page)

    page.get_by_role("link", name="The young person completed the programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The young person completed the programme")
    expect(page.locator("main")).to_contain_text("Northfield Park Academy will see “Work completed by YOS Birmingham”")
    assert_accessible(page)
    fill_date(page, "Date it ended", today())
    page.get_by_label("Outcome note: what did the young person achieve?").fill(
        "Finished all six sessions; a safety plan agreed with the family.")
    page.get_by_role("button", name="Confirm completion").click()
    expect(success_banner(page)).to_contain_text("Completion recorded")
    expect(page.locator("main")).to_contain_text("Completed")

    switch_user(page, SCHOOL_LEAD)
    go_to(page, "My referrals")
    row = page.get_by_test_id(f"referral-{referral.pk}")
    expect(row).to_contain_text("Work completed by YOS Birmingham")
    row.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_test_id("work")).to_have_text("Work completed by YOS Birmingham")
    expect(page.get_by_test_id("timeline")).to_contain_text("Work started with YOS Birmingham")
    expect(page.locator("main")).not_to_contain_text("safety plan")  # the partner's note stays with the partner
    assert_accessible(page)
