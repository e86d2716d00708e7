"""django-allauth's hooks: nobody signs up, SSO matches invited people only, the provider's own factor counts."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render
from django.urls import reverse

from partners.client_address import client_ip

from . import sso


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # people are invited by their organisation's administrator

    def get_client_ip(self, request):
        # The same address as the audit trail and the lockout; a request without one (a test's login) says so.
        return client_ip(request) or "0.0.0.0"  # nosec B104 - a placeholder stored, never bound

    def get_login_stages(self):
        stages = super().get_login_stages()
        return [
            "partners.signin.stages.SecondFactorStage" if s == "allauth.mfa.stages.AuthenticateStage" else s
            for s in stages
        ]

    def get_login_redirect_url(self, request):
        return reverse("home")

    def is_reauthentication_required(self, *, app, **kwargs):
        """Changing factors asks for one again after 15 minutes, as other sensitive actions do; setting up the
        first one, just after signing in with the password, does not."""
        if app == "allauth.mfa":
            from allauth.core import context

            from .services import is_enrolled
            from .state import second_factor_is_fresh

            request = context.request
            return is_enrolled(request.user) and not second_factor_is_fresh(request)
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_notification_mail(self, *args, **kwargs):
        return None  # the portal's own notices say what changed (partners/signin/signals.py)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        refusal = sso.match(request, sociallogin)
        if refusal:
            raise ImmediateHttpResponse(
                render(request, "signin/sso_refused.html", {"reason": refusal}, status=403)
            )

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        sso.record_error(request, provider, error, exception)
        return super().on_authentication_error(request, provider, error, exception, extra_context)


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user):
        return user.email

    def can_delete_authenticator(self, authenticator):
        # The last factor stays: everyone has two. A lost one is reset by the organisation's administrator.
        from allauth.mfa.models import Authenticator

        others = Authenticator.objects.filter(user_id=authenticator.user_id).exclude(pk=authenticator.pk)
        return others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
