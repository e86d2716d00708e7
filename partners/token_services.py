"""Making and revoking API tokens. The secret leaves this module once, to the person who made it."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import access, audit
from .idempotency import once
from .models import ApiToken, Membership
from .rules import MAX_TOKEN_DAYS

SECRET_BYTES = 32  # 256 random bits: 43 URL-safe characters
PREFIX_LENGTH = 8


def hash_secret(secret: str) -> str:
    """The stored form of a secret. SHA-256 suffices: the secret is random, not a guessable password."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(acting, name, *, now=None, for_user=None, idempotency_key=None, expires_at=None, read_only=False):
    """A new token for the organisation the person acts for. Returns (token, secret).

    The token acts as its user (the person acting, or `for_user`, whom only an administrator of the
    organisation may choose, among its active people): exactly what that user can do there, never more.
    It expires at `expires_at`, at most MAX_TOKEN_DAYS away (a year, when not given); a read-only token may
    only read. Sent again with the same idempotency key, it returns the first token and no secret (None): the secret
    was shown once, and only its hash is kept.
    """
    acting = access.as_acting(acting)
    if acting.user is None or acting.organisation is None:
        raise PermissionDenied("Only a member of an organisation can have an API token.")
    made = {}

    def create():
        token, made["secret"] = _create_token(acting, name, now=now or timezone.now(), for_user=for_user,
                                              expires_at=expires_at, read_only=read_only)
        return token

    token = once(acting, idempotency_key, "create_token", create)
    return token, made.get("secret")


def _create_token(acting, name, *, now, for_user, expires_at, read_only):
    user = acting.user if for_user is None else for_user
    access.require_to(acting, "partners.make_token_for", user)
    problems = {}
    if not user.is_active or not Membership.objects.filter(user=user, organisation=acting.organisation, active=True).exists():
        problems["user"] = "Select an active person of your organisation"
    name = (name or "").strip()
    if not name:
        problems["name"] = "Enter a name for the token"
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        problems["name"] = "The name must be 100 characters or fewer"
    latest = now + timedelta(days=MAX_TOKEN_DAYS)
    expires_at = expires_at or latest
    if expires_at <= now:
        problems["expires_on"] = "The expiry date must be in the future"
    elif expires_at > latest + timedelta(days=1):
        problems["expires_on"] = f"The expiry date must be within a year, on or before {latest:%-d %B %Y}"
    if problems:
        raise ValidationError(problems)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        user=user, organisation=acting.organisation, name=name, key_prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret), created_at=now, expires_at=expires_at, read_only=read_only,
    )
    audit.record(acting, audit.AuditAction.CREATE, token, detail={
        "name": name, "key_prefix": token.key_prefix, "user": user.pk, "expires_at": expires_at.isoformat(),
        "read_only": read_only})
    return token, secret


@transaction.atomic
def revoke_token(acting, token, *, now=None):
    """Revoke a token: its own user, or an administrator of its organisation, may do so. Revoking twice is harmless."""
    acting = access.as_acting(acting)
    token = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    if token is None:
        raise access.NotFound("No such token.")
    access.require_to(acting, "partners.revoke_token", token, hide=True)  # another's token: as if there were none
    if token.revoked_at is not None:
        return token
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(acting, audit.AuditAction.UPDATE, token, detail={"action": "revoke", "key_prefix": token.key_prefix})
    return token
