"""What a person does on the pages, step by step: each helper presses only links and buttons that are there.

The one URL typed is the portal's address ("/"); an invitation link is followed from the email it came in,
as its reader would.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.signin.helpers import code_for, secret_of

from .conftest import NEW_PASSWORD

LINK = re.compile(r"https?://\S+/invitation/\S+/")


def heading(page):
    return page.get_by_role("heading", level=1)


def success(page):
    return page.locator(".govuk-notification-banner--success")


def nav(page, label):
    """Follow a link in the service navigation."""
    page.locator(".govuk-service-navigation").get_by_role("link", name=re.compile(rf"^{re.escape(label)}")).click()


APP_KEYS = {}  # email -> the setup key the person added to their authenticator app, read off the set-up page


def sign_in(page, email, password=NEW_PASSWORD):
    """Password, then the second factor: set up an authenticator app the first time, its code after that."""
    page.context.clear_cookies()
    page.goto("/")
    expect(heading(page)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text(re.compile("Set up a second factor|Enter your security code"))
    if heading(page).text_content().strip() == "Set up a second factor":
        set_up_app(page, email)
    else:
        page.get_by_label("Security code").fill(code_for(APP_KEYS.get(email) or secret_of(email)))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("identity")).to_be_visible()


def set_up_app(page, email):
    page.get_by_role("link", name="Use an authenticator app").click()
    APP_KEYS[email] = page.get_by_test_id("totp-secret").text_content().strip()
    page.get_by_label("Code from the app").fill(code_for(APP_KEYS[email]))
    page.get_by_role("button", name="Set up the app").click()
    expect(heading(page)).to_have_text("Your recovery codes")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes, continue").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def fill_date(page, group, day):
    fieldset = page.get_by_role("group", name=group, exact=True)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def answer(page, question, choice):
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def invitation_link(mail, email):
    """The link in the newest invitation sent to `email`."""
    letters = [m for m in mail.outbox if email in m.to]
    assert letters, f"no email to {email}"
    found = LINK.search(letters[-1].body)
    assert found, letters[-1].body
    return found.group(0)


def accept_invitation(page, mail, email):
    """The invited person opens the link in their email, chooses a password, and signs in."""
    page.context.clear_cookies()
    page.goto(invitation_link(mail, email))
    expect(heading(page)).to_have_text("Choose your password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(success(page)).to_contain_text("Your password is set.")
    sign_in(page, email)


def onboard(page, *, name, kind, area, admin_name, admin_email):
    """A VRU administrator adds an organisation with its first administrator."""
    nav(page, "Organisations")
    page.get_by_role("link", name="Add an organisation").click()
    expect(heading(page)).to_have_text("Add an organisation")
    page.get_by_label("Organisation name").fill(name)
    answer(page, "Kind of organisation", kind)
    if area:
        page.get_by_label("Area").select_option(label=area)
    page.get_by_label("Full name of its first administrator").fill(admin_name)
    page.get_by_label("Email address of its first administrator").fill(admin_email)
    assert_accessible(page)
    page.get_by_role("button", name="Add organisation and send invitation").click()
    expect(success(page)).to_contain_text(name)
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("Active")


def invite(page, *, name, email, roles):
    """An organisation's administrator invites a person with their roles."""
    nav(page, "People")
    page.get_by_role("link", name="Invite a person").click()
    expect(heading(page)).to_have_text("Invite a person")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    for role in roles:
        page.get_by_role("group", name="Roles").get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(success(page)).to_contain_text(f"Invitation sent to {email}.")
    expect(heading(page)).to_have_text(name)
    expect(page.locator("main")).to_contain_text("Invited")
