import os

import pgtrigger
import pytest
from django.core.management.commands import flush

from partners.models import OrganisationKind as K
from partners.models import Role
from tests.factories import OrganisationFactory, member


@pytest.fixture(autouse=True, scope="session")
def _flush_goes_around_append_only():
    """A transactional test ends with `flush`, a TRUNCATE of every table, which the append-only tables refuse.

    Only the test suite empties them, so only here does flush go around the triggers, the documented way.
    """
    handle = flush.Command.handle

    def handle_ignoring_triggers(self, *args, **options):
        with pgtrigger.ignore():
            return handle(self, *args, **options)

    flush.Command.handle = handle_ignoring_triggers
    yield
    flush.Command.handle = handle


@pytest.fixture(autouse=True)
def _force_login_leaves_two_factors(monkeypatch):
    """`client.force_login(user)` signs in as the sign-in pages do: password and second factor both passed."""
    from django.test.client import ClientMixin

    from tests.signin.helpers import force_login_with_factor

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_factor)


@pytest.fixture(autouse=True)
def _documents_kept_apart(settings, tmp_path_factory):
    """Documents go to a directory of this test's own; the scanner is none until a test asks for `clamd`, so an
    upload elsewhere is held for scanning, never passed unscanned."""
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path_factory.mktemp("documents")), "base_url": None}}}
    settings.CLAMD_URL = f"unix://{tmp_path_factory.getbasetemp()}/no-clamd.sock"
    settings.CLAMD_TIMEOUT_SECONDS = 5


@pytest.fixture(scope="session")
def clamd_daemon(tmp_path_factory):
    """One real clamd per test process (tests/documents/clamd.py), started when first needed."""
    from tests.documents.clamd import shared

    return shared(lambda: tmp_path_factory.mktemp("clamd"))


@pytest.fixture
def clamd(clamd_daemon, settings):
    """Uploads are scanned by the real clamd; a test that stops it gets it started again afterwards."""
    settings.CLAMD_URL = clamd_daemon.url
    yield clamd_daemon
    if not clamd_daemon.answers():
        clamd_daemon.stop()
        clamd_daemon.start()


@pytest.fixture
def vru(db):
    return OrganisationFactory(name="Test VRU", kind=K.VRU, area="")


@pytest.fixture
def school(db):
    return OrganisationFactory(name="Test School A", kind=K.SCHOOL)


@pytest.fixture
def other_school(db):
    return OrganisationFactory(name="Test School B", kind=K.SCHOOL, area="walsall")


@pytest.fixture
def yos(db):
    return OrganisationFactory(name="Test YOS", kind=K.YOS)


@pytest.fixture
def police(db):
    return OrganisationFactory(name="Test Police NPU", kind=K.POLICE)


@pytest.fixture
def triager(vru):
    return member(role=Role.TRIAGER, organisation=vru, email="triager@test.example.org")


@pytest.fixture
def vru_manager(vru):
    return member(role=Role.MANAGER, organisation=vru, email="manager@test.example.org")


@pytest.fixture
def referrer(school):
    return member(role=Role.REFERRER, organisation=school, email="dsl@school-a.example.org")


@pytest.fixture
def other_referrer(other_school):
    return member(role=Role.REFERRER, organisation=other_school, email="dsl@school-b.example.org")


@pytest.fixture
def caseworker(yos):
    return member(role=Role.CASEWORKER, organisation=yos, email="caseworker@yos.example.org")


@pytest.fixture
def decision_maker(police):
    return member(role=Role.DECISION_MAKER, organisation=police, email="decisions@police.example.org")


# One Chromium per test process, for tests/browser and tests/journeys alike: Playwright's sync API cannot be
# started twice in one process, so the session fixture lives here, above both.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: run `make chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
