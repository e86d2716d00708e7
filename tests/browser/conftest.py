"""Browser tests: Debian's Chromium driven through Playwright's sync API against pytest-django's live server.

Fixtures for every browser test:
- `browser` (session, in tests/conftest.py so the journeys share it): one headless Chromium per process.
- `context`, `page` (function): a fresh context (no cookies) and page per test. The page records console
  messages and uncaught errors; a test fails at teardown on any Content Security Policy report or page error.
- `demo` (function): seeds the synthetic demo data (`seed_demo`) and returns `partners.demo` (USERS, DEMO_PASSWORD).
- `demo_users` (function): the demo organisations and users only (no referrals), a second rather than two; same return.
- `portal_url(path)`: the live server's URL for a path or URL name ("home", "/audit/").

Helpers to import (`from .conftest import ...`): `sign_in(page, email, password)`,
`assert_accessible(page, context=None, ignore=())`, `assert_no_browser_errors(page)`.
Tests using the live server need the database in transactional mode; every fixture here asks for it.
Password hashing is MD5 here (fast); static files are served unhashed by the live server.
"""

import os

# Playwright's sync API runs an event loop in this thread; without this Django refuses database calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

SERIOUS = {"serious", "critical"}
_AXE = Axe()


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    # The live server serves /static/ through the finders, which know no hashed (manifest) names.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # Argon2 costs about 0.2 s a hash: seeding 15 demo users for every test would take most of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def portal_url(live_server):
    def url(path_or_name="home", *args, **kwargs):
        if not path_or_name.startswith("/"):
            try:
                path_or_name = reverse(path_or_name, args=args, kwargs=kwargs)
            except NoReverseMatch:
                path_or_name = "/" + path_or_name
        return live_server.url + path_or_name

    return url


@pytest.fixture
def context(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.console_errors = []
    page.page_errors = []
    page.on("console", lambda msg: page.console_errors.append(f"{msg.text} ({page.url})") if msg.type == "error" else None)
    page.on("pageerror", lambda error: page.page_errors.append(f"{error} ({page.url})"))
    yield page
    assert_no_browser_errors(page)


@pytest.fixture
def demo(transactional_db):
    """The synthetic demo organisations, users and referrals; returns partners.demo (USERS, DEMO_PASSWORD)."""
    from partners import demo as demo_module

    call_command("seed_demo", quiet_logins=True)
    return demo_module


@pytest.fixture
def demo_users(transactional_db):
    """Only the demo organisations and users (no referrals): for tests about signing in, much faster than `demo`."""
    from partners import demo as demo_module

    demo_module.seed_organisations_and_users()
    return demo_module


def assert_no_browser_errors(page):
    """No Content Security Policy report in the console and no uncaught JavaScript error, so far."""
    csp = [m for m in page.console_errors if "Content Security Policy" in m]
    problems = [f"CSP: {m}" for m in csp] + [f"Page error: {e}" for e in page.page_errors]
    if problems:
        pytest.fail("Browser reported problems:\n" + "\n".join(problems), pytrace=False)


def sign_in(page, email, password):
    """Sign in through the sign-in form and the security code page (the code the person's authenticator app
    shows, computed from their app's key) and wait for the page that follows."""
    from tests.signin.helpers import code_for, secret_of

    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.get_by_role("heading", name="Set up a second factor").count():
        # A newly invited person: they set up an authenticator app, as at anyone's first sign-in.
        page.get_by_role("link", name="Use an authenticator app").click()
        key = page.get_by_test_id("totp-secret").text_content().strip()
        page.get_by_label("Code from the app").fill(code_for(key))
        with page.expect_navigation():
            page.get_by_role("button", name="Set up the app").click()
        with page.expect_navigation():
            page.get_by_role("link", name="I have kept my codes, continue").click()
    elif page.get_by_role("heading", name="Enter your security code").count():
        page.get_by_label("Security code").fill(code_for(secret_of(email)))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    return page


def assert_accessible(page, context=None, ignore=()):
    """axe-core finds no serious or critical violation on the current page (or the `context` selector).

    `ignore`: axe rule ids to leave out, each with a reason in the calling test. The one known case is
    GOV.UK Frontend's conditional radios, whose script sets aria-expanded on the radios ("aria-allowed-attr").
    """
    results = _AXE.run(page, context=context)
    violations = [v for v in results.response["violations"] if v.get("impact") in SERIOUS and v["id"] not in ignore]
    if violations:
        lines = [f"{len(violations)} serious or critical accessibility violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v.get('helpUrl', '')}]")
            for node in v["nodes"]:
                lines.append(f"    {', '.join(str(t) for t in node['target'])}: {node.get('failureSummary', '').strip()}")
        pytest.fail("\n".join(lines), pytrace=False)
    assert_no_browser_errors(page)
    return results
