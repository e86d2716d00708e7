"""Administration in a real browser, pressing only what is on the page: the VRU's administrator onboards a school
with its first administrator; she takes the emailed invitation, chooses a password, signs in and invites a
referrer, who does the same; then she deactivates him and his open session is signed out on his next page.

The invitations are read from Django's test mailbox (the locmem backend, shared with the live server's thread).
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from partners import demo as demo_data

from .conftest import assert_accessible, assert_no_browser_errors, sign_in

pytestmark = pytest.mark.browser

VRU_ADMIN = "admin@vru.example.org"
SCHOOL = "Moor Lane School"
NEW_ADMIN = "ola@moorlane.example.sch.uk"
REFERRER = "raj@moorlane.example.sch.uk"
PASSWORD = "moor-lane-password-2026"


def navigation(page):
    return page.locator(".govuk-service-navigation")


def banner(page):
    return page.locator(".govuk-notification-banner")


def invitation_path(email):
    body = next(m.body for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"/invitation/[^/\s]+/", body).group(0)


def second_person(browser, live_server):
    """Another person's browser (its own cookies), watched for errors as the `page` fixture is."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors, page.page_errors = [], []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    return context, page


def accept(page, email):
    page.goto(invitation_path(email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(banner(page)).to_contain_text("Your password is set")
    sign_in(page, email, PASSWORD)
    expect(page.get_by_test_id("identity")).to_contain_text(f"acting for {SCHOOL}")


def test_onboard_a_school_invite_a_referrer_and_deactivate_him(browser, live_server, page, demo_users):
    sign_in(page, VRU_ADMIN, demo_data.DEMO_PASSWORD)
    navigation(page).get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Add an organisation").click()
    # Submitted empty first: the error summary links each problem to its field.
    page.get_by_role("button", name="Add organisation and send invitation").click()
    expect(page).to_have_title(re.compile(r"^Error: Add an organisation"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the organisation's name")
    assert_accessible(page)
    page.get_by_label("Organisation name").fill(SCHOOL)
    page.get_by_label("School or college").check()
    page.get_by_label("Area").select_option(label="Dudley")
    page.get_by_label("Full name of its first administrator").fill("Ola Admin")
    page.get_by_label("Email address of its first administrator").fill(NEW_ADMIN)
    page.get_by_role("button", name="Add organisation and send invitation").click()
    expect(banner(page)).to_contain_text(f"{SCHOOL} is added")
    expect(page.get_by_role("row", name=re.compile(SCHOOL))).to_contain_text("Dudley")
    assert_accessible(page)

    school_admin, admin_page = second_person(browser, live_server)
    accept(admin_page, NEW_ADMIN)
    navigation(admin_page).get_by_role("link", name="People").click()
    admin_page.get_by_role("link", name="Invite a person").click()
    assert_accessible(admin_page)
    admin_page.get_by_label("Full name").fill("Raj Referrer")
    admin_page.get_by_label("Email address").fill(REFERRER)
    admin_page.get_by_label("Referrer").check()
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(banner(admin_page)).to_contain_text(f"Invitation sent to {REFERRER}")
    expect(admin_page.get_by_test_id("status")).to_contain_text("Invited")

    referrer, referrer_page = second_person(browser, live_server)
    accept(referrer_page, REFERRER)
    expect(navigation(referrer_page).get_by_role("link", name="My referrals")).to_be_visible()

    navigation(admin_page).get_by_role("link", name="People").click()
    expect(admin_page.get_by_role("row", name=re.compile("Raj Referrer"))).to_contain_text("Active")
    assert_accessible(admin_page)
    admin_page.get_by_role("link", name="Raj Referrer").click()
    admin_page.get_by_role("link", name="Deactivate Raj Referrer").click()
    admin_page.get_by_role("button", name="Deactivate").click()
    expect(banner(admin_page)).to_contain_text("Raj Referrer is deactivated")
    expect(admin_page.get_by_test_id("status")).to_contain_text("Deactivated")

    # His page is still open: the next click finds him signed out.
    navigation(referrer_page).get_by_role("link", name="My referrals").click()
    expect(referrer_page).to_have_url(re.compile(r"/sign-in/"))
    expect(referrer_page.get_by_test_id("identity")).to_have_count(0)
    for other in (admin_page, referrer_page):
        assert_no_browser_errors(other)
    school_admin.close()
    referrer.close()


def test_a_partners_administrator_makes_and_revokes_a_token_and_keeps_its_programmes(page, demo_users):
    sign_in(page, "admin@yos-birmingham.example.org", demo_data.DEMO_PASSWORD)
    navigation(page).get_by_role("link", name="API tokens").click()
    page.get_by_role("link", name="Create a token").click()
    page.get_by_label("Name").fill("Case system")
    person = page.get_by_label("Which person does the token act as?")
    person.select_option(label="Casey Worker (caseworker@yos-birmingham.example.org)")
    page.get_by_label("Read and write").check()
    ends = timezone.localdate() + timedelta(days=180)
    expiry = page.get_by_role("group", name="When does it expire?")
    expiry.get_by_label("Day").fill(str(ends.day))
    expiry.get_by_label("Month").fill(str(ends.month))
    expiry.get_by_label("Year").fill(str(ends.year))
    assert_accessible(page)
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("secret").inner_text()
    assert len(secret) >= 40
    assert_accessible(page)
    page.get_by_role("link", name="Back to API tokens").first.click()
    row = page.get_by_role("row", name=re.compile("Case system"))
    expect(row).to_contain_text(secret[:8])
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once, never again
    assert_accessible(page)
    row.get_by_role("link", name="Revoke Case system").click()
    page.get_by_role("button", name="Revoke token").click()
    expect(banner(page)).to_contain_text("is revoked")
    expect(page.get_by_role("row", name=re.compile("Case system"))).to_contain_text("Revoked")

    navigation(page).get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Add a programme").click()
    page.get_by_label("Name").fill("Boxing mentoring")
    page.get_by_label("Usual number of sessions").fill("10")
    assert_accessible(page)
    page.get_by_role("button", name="Add programme").click()
    expect(banner(page)).to_contain_text("Boxing mentoring is added")
    page.get_by_role("button", name="Deactivate Boxing mentoring").click()
    expect(page.get_by_role("row", name=re.compile("Boxing mentoring"))).to_contain_text("Deactivated")
    assert_accessible(page)
