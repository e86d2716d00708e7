"""Signing in: two factors for everyone, single sign-on per organisation, sessions that end when access does.

Built on django-allauth (account, mfa, socialaccount's OpenID Connect provider, usersessions): one well-kept
library for TOTP, WebAuthn security keys, recovery codes, OpenID Connect with providers kept in the database,
the list of a person's sessions and asking for a factor again. The portal keeps its own sign-in form, Argon2
and django-axes (which counts wrong codes as it counts wrong passwords); allauth runs the steps after it.
"""
