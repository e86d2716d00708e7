"""The acceptance suite: whole journeys in Chromium, from an empty portal.

An empty portal is what a new region gets: the migrations (with their reference data: offences, outcome
codes, pathways) and one VRU administrator made by the documented bootstrap command. No seed_demo, no
factories. Everything after that is done through the pages, pressing links and buttons that are on them;
the only URL a test types is the portal's address.

The browser fixtures (Chromium, axe-core, the live server) are those of tests/browser.
"""

import pytest
from django.core import mail
from django.core.management import call_command

from partners.models import Organisation, User
from tests.browser.conftest import (  # noqa: F401  (fixtures, re-exported for the journeys)
    _browser_settings,
    context,
    page,
    portal_url,
)

ADMIN_EMAIL = "admin@vru.journey.example.org"
ADMIN_PASSWORD = "journey-admin-password-2026"
NEW_PASSWORD = "journey-staff-password-2026"
VRU_NAME = "Journey Violence Reduction Unit"


@pytest.fixture
def empty_portal(transactional_db, monkeypatch, settings):
    """Migrations and the bootstrap administrator, nothing else."""
    from outcomes import reference_data

    # A transactional test before this one may have flushed what the migrations put in: put back exactly that.
    reference_data.ensure()
    assert not User.objects.exists() and not Organisation.objects.exists(), "the portal is not empty"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", ADMIN_PASSWORD)
    call_command("bootstrap_admin", "--noinput", organisation=VRU_NAME, email=ADMIN_EMAIL, name="Ada Bootstrap")
    return mail
