"""Two factors in a real browser: an authenticator app (codes computed with pyotp from the key the page shows), a
security key (Chromium's virtual authenticator, through the DevTools WebAuthn domain), and a live session that
ends on its next request when its person is deactivated."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import AuditAction, AuditEvent, Role
from tests.factories import TEST_PASSWORD, member
from tests.signin.helpers import code_for

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _keys_on_plain_http(settings):
    # The live server is http://localhost: WebAuthn allows it, and allauth must accept that origin too.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


@pytest.fixture
def newcomer(transactional_db, school):
    return member(role=Role.REFERRER, organisation=school, email="newcomer@school-a.example.org", full_name="Nell New")


def heading(page):
    return page.get_by_role("heading", level=1)


def password(page, email):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_newcomer_sets_up_an_authenticator_app_then_signs_in_with_its_codes(page, newcomer):
    password(page, newcomer.email)
    expect(heading(page)).to_have_text("Set up a second factor")
    assert_accessible(page)
    page.goto("/referrals/")  # anything else sends them back
    expect(heading(page)).to_have_text("Set up a second factor")
    page.get_by_role("link", name="Use an authenticator app").click()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(page)
    key = page.get_by_test_id("totp-secret").text_content().strip()
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Set up the app").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    page.get_by_label("Code from the app").fill(code_for(key))
    page.get_by_role("button", name="Set up the app").click()
    expect(heading(page)).to_have_text("Your recovery codes")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes, continue").click()
    expect(page.get_by_test_id("identity")).to_contain_text("Nell New")
    page.get_by_role("button", name="Sign out").click()

    password(page, newcomer.email)
    expect(heading(page)).to_have_text("Enter your security code")
    assert_accessible(page)
    page.get_by_label("Security code").fill(code_for(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("identity")).to_contain_text("Nell New")


def test_a_newcomer_sets_up_a_security_key_and_signs_in_with_it(page, newcomer):
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    password(page, newcomer.email)
    page.get_by_role("link", name="Use a security key or passkey").click()
    expect(heading(page)).to_have_text("Set up a security key")
    assert_accessible(page)
    page.get_by_label("Name this key").fill("Blue USB key")
    page.get_by_role("button", name="Set up the key").click()
    expect(heading(page)).to_have_text("Your recovery codes")
    page.get_by_role("link", name="I have kept my codes, continue").click()
    expect(page.get_by_test_id("identity")).to_contain_text("Nell New")
    page.get_by_role("button", name="Sign out").click()

    password(page, newcomer.email)
    expect(heading(page)).to_have_text("Enter your security code")
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_test_id("identity")).to_contain_text("Nell New")
    assert AuditEvent.objects.filter(actor=newcomer, action=AuditAction.LOGIN).count() == 2
    page.goto("/two-factor/")
    expect(page.get_by_role("main")).to_contain_text("Blue USB key")


def test_a_live_session_ends_on_its_next_request_when_its_person_is_deactivated(browser, page, demo_users, live_server):
    sign_in(page, "dsl@northfield.example.sch.uk", demo_users.DEMO_PASSWORD)
    expect(page.get_by_test_id("identity")).to_be_visible()
    admin = browser.new_context(base_url=live_server.url)
    admin_page = admin.new_page()
    try:
        sign_in(admin_page, "admin@northfield.example.sch.uk", demo_users.DEMO_PASSWORD)
        admin_page.locator(".govuk-service-navigation").get_by_role("link", name="People").click()
        admin_page.get_by_role("link", name=re.compile("Dana Safeguard")).click()
        admin_page.get_by_role("link", name=re.compile("Deactivate")).click()
        admin_page.get_by_role("button", name=re.compile("Deactivate")).click()
        expect(admin_page.locator(".govuk-notification-banner--success")).to_contain_text("deactivated")
    finally:
        admin.close()
    page.reload()
    expect(heading(page)).to_have_text("Sign in")
    expect(page.get_by_test_id("identity")).to_have_count(0)
