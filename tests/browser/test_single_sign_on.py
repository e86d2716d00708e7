"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit in its own process, on loopback).

The VRU's administrator records the police's provider on the pages; police staff then sign in there. The
provider only proves the email address: nobody is created, roles come from the portal, and the portal asks for
its own second factor unless the provider's amr claim says it asked for one.
"""

import re

import pytest
from playwright.sync_api import expect

from partners.models import AuditAction, AuditEvent, Organisation, User
from tests.signin.helpers import code_for, secret_of
from tests.signin.idp.process import running_provider

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

POLICE = "West Midlands Police – Birmingham West NPU"
OFFICER = "decisions@police.example.org"
IDP_PASSWORD = "organisation-password-2026"  # nosec B105 - the test provider's


def heading(page):
    return page.get_by_role("heading", level=1)


def callback(live_server):
    police = Organisation.objects.get(name=POLICE)
    return f"{live_server.url}/sso/oidc/org-{police.pk}/login/callback/"


def record_provider(page, demo, provider):
    """The VRU's administrator sets up single sign-on for the police, from the Organisations page."""
    sign_in(page, "admin@vru.example.org", demo.DEMO_PASSWORD)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Organisations").click()
    page.get_by_role("row", name=re.compile(re.escape(POLICE))).get_by_role("link", name=re.compile("Password")).click()
    expect(heading(page)).to_have_text("Single sign-on")
    assert_accessible(page)
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the client secret")
    page.get_by_label("Issuer URL").fill(provider.issuer)
    page.get_by_label("Client ID").fill(provider.client_id)
    page.get_by_label("Client secret").fill(provider.client_secret)
    page.get_by_label("Email domains").fill("police.example.org")
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("police.example.org")
    page.get_by_role("button", name="Sign out").click()


def sign_in_at_provider(page, email, username):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Sign in").click()
    # The portal reads the provider's discovery document first: slower than a page of our own.
    expect(heading(page)).to_have_text("Organisation sign-in", timeout=20_000)  # the provider's own page
    page.get_by_label("Organisation username").fill(username)
    page.get_by_label("Organisation password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in to your organisation").click()


def test_police_staff_sign_in_with_their_forces_account_which_asserted_two_factors(page, demo_users, live_server):
    people = [{"username": "dee.decider", "email": OFFICER, "password": IDP_PASSWORD, "last_name": "mfa"}]
    with running_provider(people, callback(live_server)) as provider:
        record_provider(page, demo_users, provider)
        sign_in_at_provider(page, OFFICER, "dee.decider")
        expect(page.get_by_test_id("identity")).to_contain_text(POLICE)
        expect(page.get_by_test_id("identity")).to_contain_text("Decision maker")  # the portal's role, not the provider's
    event = AuditEvent.objects.get(action=AuditAction.SSO_LOGIN)
    assert event.actor.email == OFFICER and event.detail["provider_factor"] is True


def test_the_portal_asks_its_own_second_factor_when_the_provider_did_not(page, demo_users, live_server):
    people = [{"username": "dee.decider", "email": OFFICER, "password": IDP_PASSWORD}]
    with running_provider(people, callback(live_server)) as provider:
        record_provider(page, demo_users, provider)
        sign_in_at_provider(page, OFFICER, "dee.decider")
        expect(heading(page)).to_have_text("Enter your security code")
        page.get_by_label("Security code").fill(code_for(secret_of(OFFICER)))
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_test_id("identity")).to_contain_text(POLICE)


def test_nobody_is_created_by_signing_in_and_an_unverified_email_is_refused(page, demo_users, live_server):
    people = [{"username": "new.officer", "email": "new.officer@police.example.org", "password": IDP_PASSWORD,
               "last_name": "mfa"},
              {"username": "dee.decider", "email": OFFICER, "password": IDP_PASSWORD, "first_name": "unverified"}]
    with running_provider(people, callback(live_server)) as provider:
        record_provider(page, demo_users, provider)
        sign_in_at_provider(page, "new.officer@police.example.org", "new.officer")
        expect(heading(page)).to_have_text("You cannot sign in")
        expect(page.get_by_role("main")).to_contain_text("Ask your organisation's administrator to invite you")
        assert not User.objects.filter(email="new.officer@police.example.org").exists()
        page.context.clear_cookies()
        sign_in_at_provider(page, OFFICER, "dee.decider")
        expect(page.get_by_role("main")).to_contain_text("did not confirm your email address")
    assert AuditEvent.objects.filter(action=AuditAction.SSO_REFUSED).count() == 2
