"""A real OpenID Connect provider for the tests: django-oauth-toolkit, run in its own process on loopback.

It stands in for an organisation's Microsoft Entra ID. Its people are given in IDP_PEOPLE (JSON); a person whose
last name is "mfa" is signed in "with two factors" (amr ["pwd", "mfa"]), as Entra says of a conditional-access login.
"""

import os
from pathlib import Path

SECRET_KEY = "idp-test-only"  # nosec B105 - a throwaway provider inside the test run
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "oauth2_provider"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware"]
ROOT_URLCONF = "tests.signin.idp.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "DIRS": [Path(__file__).parent / "templates"], "OPTIONS": {"context_processors": [
                  "django.template.context_processors.request", "django.template.context_processors.csrf"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("IDP_DB", ":memory:")}}
USE_TZ = True
LOGIN_URL = "/accounts/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("IDP_RSA_KEY", ""),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.signin.idp.validator.Validator",
    "SCOPES": {"openid": "OpenID Connect", "email": "Email", "profile": "Profile"},
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
