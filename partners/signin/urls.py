from allauth.account import views as account_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount import views as social_views
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partners import views as partner_views

from . import views

urlpatterns = [
    path("two-factor/set-up/", views.set_up, name="two-factor-set-up"),
    path("two-factor/", views.factors, name="mfa_index"),
    path("two-factor/totp/activate/", views.counts_as_passed(totp_views.activate_totp), name="mfa_activate_totp"),
    path("two-factor/webauthn/add/", views.counts_as_passed(webauthn_views.add_webauthn), name="mfa_add_webauthn"),
    path("two-factor/", include("allauth.mfa.urls")),
    path("sessions/", views.sessions, name="sessions"),
    path("people/<int:pk>/reset-factors/", views.reset_factors, name="person-reset-factors"),
    path("organisations/<int:pk>/single-sign-on/", views.provider, name="organisation-provider"),
    path("sso/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("sso/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("sso/error/", social_views.login_error, name="socialaccount_login_error"),
    # The names allauth's own views send people to, answered by the portal's pages.
    path("sign-in/", partner_views.SignInView.as_view(), name="account_login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("sign-in/confirm-password/", account_views.reauthenticate, name="account_reauthenticate"),
    path("sign-in/", partner_views.SignInView.as_view(), name="account_inactive"),
    path("sign-in/", partner_views.SignInView.as_view(), name="socialaccount_signup"),
]
