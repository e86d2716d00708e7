"""Signing in, for tests: what a person's sign-in leaves in the session, and the codes their authenticator shows.

`force_login` (patched in tests/conftest.py) leaves a session that passed a password and an authenticator code,
as the sign-in pages do; `password_only_login` leaves one that passed the password only (no factor set up yet).
"""

import time

import pyotp
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test.client import ClientMixin

USER_KEY = "account_authentication_methods_user"
original_force_login = ClientMixin.force_login
_used = {}  # (secret, time step) already entered: the portal takes each code once


def record_factor(client, user, *, seconds_ago=0):
    session = client.session
    at = time.time() - seconds_ago
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": at},
                                                   {"method": "mfa", "at": at, "type": "totp"}]
    session[USER_KEY] = user_id_to_str(user)
    session.save()


def force_login_with_factor(self, user, backend=None):
    original_force_login(self, user, backend)
    record_factor(self, user)


def password_only_login(client, user):
    original_force_login(client, user)


def enrol_app(user):
    """An authenticator app set up for `user`, as the set-up page does; returns its secret (base32)."""
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    return secret


def secret_of(email):
    return Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP).data["secret"]


def code_for(secret):
    """The code an authenticator app shows now; if that one was used already, the next one (the portal
    accepts one 30-second step either side, MFA_TOTP_TOLERANCE)."""
    totp = pyotp.TOTP(secret)
    step = int(time.time() // 30)
    for candidate in (step, step + 1, step - 1):
        if (secret, candidate) not in _used:
            _used[(secret, candidate)] = True
            return totp.at(candidate * 30)
    time.sleep(30 - time.time() % 30 + 0.5)
    return code_for(secret)


def sign_in(client, email, password, secret, ip="10.0.0.1"):
    """Sign in through the pages: the password form, then the code the person's authenticator app shows."""
    from django.urls import reverse

    response = client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)
    if response.status_code != 302 or response["Location"] != reverse("mfa_authenticate"):
        return response
    return client.post(reverse("mfa_authenticate"), {"code": code_for(secret)}, REMOTE_ADDR=ip)
