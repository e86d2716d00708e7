"""The foundation in a real browser: sign in, identity bar, navigation by role, audit trail, switching and signing out."""

import re

import pytest
from playwright.sync_api import expect

from partners import demo as demo_data

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SERVICE_NAME = "West Midlands Violence Reduction Partnership Portal"
KIND_OF = {name: kind for name, kind, _area in demo_data.ORGANISATIONS}
PASSWORD = demo_data.DEMO_PASSWORD
EMAILS = list(dict.fromkeys(email for email, *_ in demo_data.USERS))
# Axe runs on the home page of the first demo user of each kind of organisation, not of every user.
AXE_HOME_FOR = {kind: next(e for e, _n, org, _r in demo_data.USERS if KIND_OF[org] == kind) for kind in set(KIND_OF.values())}


def memberships(email):
    """(organisation name, role labels) for each organisation the demo user belongs to."""
    found = {}
    for e, _name, org, roles in demo_data.USERS:
        if e == email:
            found.setdefault(org, []).extend(r.label for r in roles)
    return found


def identity(page):
    return page.get_by_test_id("identity")


def navigation(page):
    return page.locator(".govuk-service-navigation")


def test_sign_in_page_names_the_service_and_is_accessible(page, portal_url):
    page.goto(portal_url("login"))
    expect(page).to_have_title(re.compile(rf"^Sign in – {SERVICE_NAME}$"))
    expect(page.get_by_role("banner")).to_contain_text(SERVICE_NAME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Email address")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    # Signed out: no navigation, no identity bar.
    expect(navigation(page)).to_have_count(0)
    expect(identity(page)).to_have_count(0)
    assert_accessible(page)


def test_home_page_sends_a_signed_out_visitor_to_sign_in(page, portal_url):
    page.goto(portal_url("home"))
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))


def test_wrong_password_shows_the_error_summary_and_inline_error(page, portal_url, demo_users):
    sign_in(page, "manager@vru.example.org", "not-the-password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.locator(".govuk-error-message").first).to_be_visible()
    expect(page.locator(".govuk-form-group--error").first).to_be_visible()
    expect(identity(page)).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("email", EMAILS)
def test_each_demo_user_signs_in_and_sees_who_they_act_for(page, demo_users, email):
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page).to_have_title(re.compile(rf"^Home – {SERVICE_NAME}$"))
    bar = identity(page)
    expect(bar).to_be_visible()
    text = bar.inner_text()
    options = memberships(email)
    acting_for = [org for org in options if f"acting for {org}" in text]
    assert len(acting_for) == 1, f"Identity bar {text!r} names none (or several) of {list(options)}"
    org = acting_for[0]
    for label in options[org]:
        assert label in text, f"Identity bar {text!r} does not show the role {label!r}"
    expect(page.get_by_role("heading", level=1)).to_have_text(org)
    expect(navigation(page).get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    if AXE_HOME_FOR.get(KIND_OF[org]) == email:
        assert_accessible(page)


def test_audit_trail_in_the_navigation_of_the_vru_manager_only(page, demo_users):
    sign_in(page, "manager@vru.example.org", PASSWORD)
    expect(navigation(page).get_by_role("link", name="Audit trail")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "dsl@northfield.example.sch.uk", PASSWORD)
    expect(navigation(page).get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("link", name="Audit trail")).to_have_count(0)
    # Typing the address does not help: the page says so, in the portal's own layout.
    response = page.goto("/audit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot use this page")
    assert_accessible(page)


def test_vru_manager_sees_their_own_sign_in_in_the_audit_trail(page, demo):
    sign_in(page, "manager@vru.example.org", PASSWORD)
    navigation(page).get_by_role("link", name="Audit trail").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(navigation(page).get_by_role("link", name="Audit trail")).to_have_attribute("aria-current", "page")
    rows = page.locator("table.govuk-table tbody tr")
    mine = rows.filter(has_text="Mina Manager").filter(has_text="signed in")
    expect(mine.first).to_be_visible()
    expect(mine.first).to_contain_text("West Midlands Violence Reduction Unit")
    assert_accessible(page)

    # The filter is a plain GET form (no JavaScript needed) and puts no CSRF token in the address.
    page.get_by_text("Filter events").click()
    page.get_by_label("Action").select_option(label="Signed in")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/audit/\?.*\baction=login\b"))
    assert "csrfmiddlewaretoken" not in page.url
    expect(rows.filter(has_text="Mina Manager").first).to_be_visible()
    expect(rows.filter(has_text=" created ")).to_have_count(0)


def test_multi_organisation_user_switches_organisation(page, demo_users):
    sign_in(page, "multi@example.org", PASSWORD)
    expect(identity(page)).to_contain_text("acting for Remedi as Manager")
    page.get_by_role("link", name="Switch organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Switch organisation")
    expect(page.get_by_label("Remedi")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("YOS Walsall").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You are now acting for YOS Walsall.")
    expect(identity(page)).to_contain_text("acting for YOS Walsall as Caseworker")
    expect(page.get_by_role("heading", level=1)).to_have_text("YOS Walsall")
    assert_accessible(page)


def test_single_organisation_user_has_no_switch_link(page, demo_users):
    sign_in(page, "caseworker@remedi.example.org", PASSWORD)
    expect(identity(page)).to_be_visible()
    expect(page.get_by_role("link", name="Switch organisation")).to_have_count(0)


def test_sign_out_returns_to_sign_in(page, demo_users):
    sign_in(page, "triager@vru.example.org", PASSWORD)
    expect(identity(page)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(identity(page)).to_have_count(0)
    # The session is gone: the home page asks to sign in again.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))


def test_forgotten_password_pages(page, portal_url):
    page.goto(portal_url("login"))
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
