"""Two factors for everyone, through the pages: set-up at first sign-in, codes, recovery codes, lockout, audit."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from partners.models import AuditAction, AuditEvent, Role
from tests.factories import TEST_PASSWORD, member
from tests.signin.helpers import code_for, enrol_app, sign_in

pytestmark = pytest.mark.django_db

IP = "10.0.0.9"


def text(response):
    return response.content.decode()


def password_step(client, user, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": user.email, "password": password}, REMOTE_ADDR=IP)


def actions(user):
    return list(AuditEvent.objects.filter(actor=user).order_by("id").values_list("action", flat=True))


def test_a_person_without_a_second_factor_is_sent_to_set_one_up_and_can_go_nowhere_else(client, referrer):
    assert password_step(client, referrer)["Location"] == reverse("home")
    for path in [reverse("home"), reverse("my-referrals"), reverse("notifications")]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("two-factor-set-up"), path
    page = text(client.get(reverse("two-factor-set-up")))
    assert "Use an authenticator app" in page and "Use a security key or passkey" in page
    # A session-authenticated API call is refused too, in JSON.
    api = client.get("/api/v1/referrals/")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    assert client.post(reverse("logout")).status_code == 302


def test_setting_up_an_authenticator_app_shows_ten_recovery_codes_and_opens_the_portal(
        client, referrer, django_capture_on_commit_callbacks):
    password_step(client, referrer)
    page = client.get(reverse("mfa_activate_totp"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', text(page)).group(1)
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert "The code is not right" in text(wrong)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    codes = re.findall(r"<li><code>(\w+)</code></li>", text(client.get(done["Location"])))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    assert AuditAction.FACTOR_ADDED in actions(referrer)


def test_an_enrolled_person_signs_in_with_password_then_code(client, referrer):
    secret = enrol_app(referrer)
    response = password_step(client, referrer)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))  # not signed in yet
    assert "Enter your security code" in text(client.get(reverse("mfa_authenticate")))
    done = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)}, REMOTE_ADDR=IP)
    assert done["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_code_is_taken_once(client, referrer):
    secret = enrol_app(referrer)
    code = code_for(secret)
    password_step(client, referrer)
    client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=IP)
    client.post(reverse("logout"))
    password_step(client, referrer)
    again = client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=IP)
    assert again.status_code == 200 and "The code is not right" in text(again)


def test_wrong_codes_are_audited_and_five_lock_the_account_as_wrong_passwords_do(client, referrer):
    secret = enrol_app(referrer)
    password_step(client, referrer)
    for _ in range(4):
        wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"}, REMOTE_ADDR=IP)
        assert "The code is not right" in text(wrong)
    locked = client.post(reverse("mfa_authenticate"), {"code": "123456"}, REMOTE_ADDR=IP)
    assert locked.status_code == 429 and "locked for 15 minutes" in text(locked)
    assert actions(referrer).count(AuditAction.WRONG_CODE) == 5
    # The right password and code no longer get in from that address.
    assert sign_in(client, referrer.email, TEST_PASSWORD, secret, ip=IP).status_code == 429


def test_a_recovery_code_signs_in_once_and_is_audited(client, referrer):
    enrol_app(referrer)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes.activate(referrer).get_unused_codes()[0]
    password_step(client, referrer)
    done = client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=IP)
    assert done["Location"] == reverse("home")
    event = AuditEvent.objects.get(actor=referrer, action=AuditAction.RECOVERY_CODE_USED)
    assert event.detail == {"codes_left": 9}
    client.post(reverse("logout"))
    password_step(client, referrer)
    assert "The code is not right" in text(client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=IP))


def test_the_last_factor_cannot_be_removed_by_its_owner(client, referrer):
    enrol_app(referrer)
    client.force_login(referrer)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=referrer, type=Authenticator.Type.TOTP).exists()
    assert response.status_code in (200, 302)


def test_an_invited_person_sets_a_password_then_a_second_factor(client, school):
    from tests.partners.test_admin_pages import _invited

    admin = member(role=Role.ORG_ADMIN, organisation=school, email="admin@school-a.example.org")
    path = _invited(admin)
    client.post(path, {"new_password1": "a-long-new-password-2026", "new_password2": "a-long-new-password-2026"})
    response = client.post(reverse("login"), {"username": "nia@school-a.example.org",
                                              "password": "a-long-new-password-2026"}, REMOTE_ADDR=IP, follow=True)
    assert response.redirect_chain[-1][0] == reverse("two-factor-set-up")
