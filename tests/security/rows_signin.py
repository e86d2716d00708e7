"""Permission matrix rows for signing in: second factors, sessions, factor resets, single sign-on.

The matrix's people have passed a second factor (tests/conftest.py) but set none up in the database, so the
pages about their own factors answer as for a person with none: set-up 200, the pages of a factor they do not
have send them on (302). Steps of a sign-in in progress send a signed-in person on, as does the sign-in page.
"""

from allauth.socialaccount.models import SocialApp

from partners.models import Membership

from .matrix import Row, all_


def _school_person(o):
    return {"pk": Membership.objects.filter(organisation_id=o.referral.referring_organisation_id).first().user_id}


def _school(o):
    return {"pk": o.referral.referring_organisation_id}


def _provider(o):
    SocialApp.objects.get_or_create(provider="openid_connect", provider_id="org-test",
                                    defaults={"name": "Test", "client_id": "x", "settings": {"server_url": "http://127.0.0.1:9"}})
    return {"provider_id": "org-test"}


def _key(o):
    return {"pk": 999999}  # nobody's key: 404 for everyone signed in


ROWS = [
    Row("two-factor-set-up", **all_(200)),
    Row("mfa_index", **all_(200)),
    Row("mfa_activate_totp", **all_(200)),
    Row("mfa_add_webauthn", **all_(200)),
    Row("mfa_authenticate", anonymous=302, **all_(302)),
    Row("mfa_reauthenticate", **all_(302)),
    Row("mfa_deactivate_totp", **all_(404)),
    Row("mfa_view_recovery_codes", **all_(404)),
    Row("mfa_generate_recovery_codes", **all_(200)),
    Row("mfa_download_recovery_codes", **all_(404)),
    Row("mfa_list_webauthn", **all_(200)),
    Row("mfa_reauthenticate_webauthn", **all_(302)),
    Row("mfa_remove_webauthn", kwargs=_key, **all_(404)),
    Row("mfa_edit_webauthn", kwargs=_key, **all_(404)),
    Row("sessions", **all_(200)),
    Row("person-reset-factors", kwargs=_school_person, **all_(403, org_admin=404)),
    Row("organisation-provider", kwargs=_school, **all_(403, org_admin=200)),
    Row("openid_connect_login", kwargs=_provider, anonymous=200, **all_(200)),
    # No sign-in is under way: allauth answers with its error page, 401.
    Row("openid_connect_callback", kwargs=_provider, anonymous=401, **all_(401)),
    Row("socialaccount_login_cancelled", anonymous=200, **all_(200)),
    Row("socialaccount_login_error", anonymous=401, **all_(401)),
    Row("account_login", anonymous=200, **all_(302)),
    Row("account_logout", anonymous=405, **all_(405)),
    Row("account_reauthenticate", **all_(200)),
    Row("account_inactive", anonymous=200, **all_(302)),
    Row("socialaccount_signup", anonymous=200, **all_(302)),
]
