"""Signing in: lockout, idle expiry, password reset, and the organisation a user acts for."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import OrganisationKind as K
from partners.models import Role
from tests.factories import TEST_PASSWORD, OrganisationFactory
from tests.signin.helpers import enrol_app, secret_of, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enrolled(referrer):
    referrer.secret = enrol_app(referrer)


def _sign_in(client, email, password, ip="10.0.0.1"):
    return sign_in(client, email, password, secret_of(email.lower()), ip=ip)


def test_signing_in_lands_on_the_home_page_for_the_organisation(client, referrer, school):
    response = _sign_in(client, referrer.email, TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert school.name in home.content.decode()
    assert "Make a referral" in home.content.decode()
    assert "Triage queue" not in home.content.decode()


def test_the_email_is_not_case_sensitive(client, referrer):
    response = _sign_in(client, referrer.email.upper(), TEST_PASSWORD)
    assert response.status_code == 200  # Django compares the login name exactly; we say so clearly
    assert "Enter a correct email address and password" in response.content.decode()


def test_five_failures_lock_the_account_from_that_address(client, referrer):
    for _ in range(5):
        response = _sign_in(client, referrer.email, "not-the-password")
    assert response.status_code in (200, 429)
    locked = _sign_in(client, referrer.email, TEST_PASSWORD)
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()
    # Another address is not locked out of the same account (lockout is per account and address).
    assert _sign_in(client, referrer.email, TEST_PASSWORD, ip="10.0.0.2").status_code == 302


def test_four_failures_do_not_lock(client, referrer):
    for _ in range(4):
        _sign_in(client, referrer.email, "not-the-password")
    assert _sign_in(client, referrer.email, TEST_PASSWORD).status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, referrer):
    for _ in range(5):
        _sign_in(client, referrer.email, "not-the-password")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _sign_in(client, referrer.email, TEST_PASSWORD).status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(client, referrer):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, referrer.email, TEST_PASSWORD)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200  # activity keeps it alive
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_is_written_once_a_minute_and_still_ends_no_sooner_than_thirty_idle_minutes(client, referrer):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, referrer.email, TEST_PASSWORD)
        client.get(reverse("home"))
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        assert not [q for q in queries if 'UPDATE "django_session"' in q["sql"]]  # a request, no write
    # Thirty idle minutes after that unwritten request, the session is still there ...
    with time_machine.travel(start + timedelta(seconds=50, minutes=30), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        assert [q for q in queries if 'UPDATE "django_session"' in q["sql"]]  # a minute on: written again
    # ... and thirty-one minutes after the last request, it has ended.
    with time_machine.travel(start + timedelta(seconds=50, minutes=61), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_password_reset_by_email(client, referrer):
    response = client.post(reverse("password_reset"), {"email": referrer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [referrer.email]
    link = re.search(r"https?://[^/]+(/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "a-brand-new-long-passphrase-42"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    referrer.refresh_from_db()
    assert referrer.check_password(new)


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_a_user_of_two_organisations_switches_between_them(client):
    yos = OrganisationFactory(kind=K.YOS, name="YOS Switch")
    charity = OrganisationFactory(kind=K.VOLUNTARY, name="Charity Switch")
    from tests.factories import member

    user = member(role=Role.CASEWORKER, organisation=yos)
    user.memberships.create(organisation=charity, role=Role.MANAGER)
    client.force_login(user)
    assert "Switch organisation" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("switch-organisation"), {"organisation": charity.pk})
    assert response.status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert "acting for <strong>Charity Switch</strong>" in home
    # Not an organisation they belong to: a form error, and nothing changes.
    stranger = OrganisationFactory(kind=K.YOS, name="Stranger YOS")
    response = client.post(reverse("switch-organisation"), {"organisation": stranger.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert "acting for <strong>Charity Switch</strong>" in client.get(reverse("home")).content.decode()


def test_passwords_are_hashed_with_argon2(referrer):
    from django.contrib.auth.hashers import make_password

    assert make_password("anything").startswith("argon2")
