"""`Authorization: Token <secret>` for partner systems calling the REST API.

The token belongs to one user and one organisation: the caller acts for that organisation only,
whatever other memberships the user has (request.acting is set from the token, not the session).
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from .access import acting_for, can
from .models import ApiToken
from .token_services import hash_secret

KEYWORD = "Token"
# Writing last_used_at on every request would make each API call a write: once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: let session authentication try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: use 'Authorization: Token <secret>'.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return self.authenticate_credentials(request, secret)

    def authenticate_credentials(self, request, secret):
        token = ApiToken.objects.select_related("user", "organisation").filter(key_hash=hash_secret(secret)).first()
        # One message for unknown, revoked, expired and disabled: the answer gives nothing away.
        if (token is None or token.revoked_at is not None or token.expires_at <= timezone.now()
                or not token.user.is_active or not token.organisation.active):
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        acting = acting_for(token.user, token.organisation_id)
        # acting_for falls back to another membership if the chosen one is gone: never act for another organisation.
        if acting.organisation is None or acting.organisation.pk != token.organisation_id:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        # DRF's Request wraps Django's HttpRequest; the access policy reads .acting from the latter.
        django_request = getattr(request, "_request", request)
        django_request.acting = acting
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD  # so an unauthenticated request gets 401 with WWW-Authenticate, not 403


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "partners.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An organisation\'s API token, prefixed with "Token ", e.g. "Token 3fG9...".',
        }


def capability(name):
    """A DRF permission: the caller's role allows `name` (see partners.access.CAPABILITIES), else 403."""
    return type(
        f"Can{name.title().replace('_', '')}", (BasePermission,),
        {"message": f"Your role does not allow this: {name}.",
         "has_permission": lambda self, request, view: can(request.acting, name)},
    )


class TokenScope(BasePermission):
    """A read-only token reads: any other method is refused, whatever its person's role allows."""

    message = "This API token is read only: ask your organisation's administrator for a read and write token."

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only:
            return request.method in ("GET", "HEAD", "OPTIONS")
        return True
