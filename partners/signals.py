from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .access import SESSION_KEY, acting_for


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    acting = acting_for(user)
    if request is not None and acting.organisation:
        request.session[SESSION_KEY] = acting.organisation.pk
    audit.record(acting, audit.AuditAction.LOGIN, request=request)
    if request is not None and getattr(request, "session", None) is not None:
        _list_session(request, user)


def _list_session(request, user):
    """The new session on *Your sessions* at once; partners.signin.middleware keeps it current from here."""
    import time

    from allauth.usersessions.models import UserSession

    UserSession.objects.create_from_request(request, user=user, session=request.session)
    request.session["seen_at"] = time.time()


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(acting_for(user), audit.AuditAction.LOGOUT, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The email typed is kept so repeated attempts on one account can be seen; never the password.
    email = str(credentials.get("username") or credentials.get("email") or "")
    audit.record(None, audit.AuditAction.FAILED_LOGIN, request=request, email=email)
