import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from partners.client_address import client_ip

from .state import has_second_factor

# Paths a person signed in with a password only may still use: setting up a factor, and leaving.
OPEN_PREFIXES = ("/two-factor/", "/sign-out/", "/sign-in/", "/static/", "/healthz", "/password-reset/",
                 "/invitation/", "/sso/")
# The session is written when this refreshes it, and only then (settings.SESSION_WRITTEN_EVERY_SECONDS).
SEEN_EVERY_SECONDS = settings.SESSION_WRITTEN_EVERY_SECONDS


class SecondFactorMiddleware:
    """Everyone has two factors: until this session has passed one, a signed-in person can only set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES) and not has_second_factor(request):
            return self._stop(request, user)
        return self.get_response(request)

    def _stop(self, request, user):
        from .services import is_enrolled

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Set up a second factor before using the portal."}, status=403)
        if is_enrolled(user):
            # A session that never passed the factor it has (signed in before factors were asked): start again.
            logout(request)
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        return redirect("two-factor-set-up")


class SessionActivityMiddleware:
    """Keeps *Your sessions* (address, browser, last seen) current, writing at most once a minute per session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._seen(request)
        return self.get_response(request)

    def _seen(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and session.session_key:
            now = time.time()
            client = f"{client_ip(request)} {request.META.get('HTTP_USER_AGENT', '')}"[:300]
            if now - session.get("seen_at", 0) >= SEEN_EVERY_SECONDS or session.get("seen_from") != client:
                from allauth.usersessions.models import UserSession

                UserSession.objects.create_from_request(request)
                session["seen_at"], session["seen_from"] = now, client
