"""Ending a person's sessions and resetting their factors: the writes of signing in."""

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import F

from partners import audit
from partners.models import User


def end_sessions(who, person, *, reason, keep_session_key=None):
    """End every session of `person` (but `keep_session_key`) on its next request, and say so in the audit.

    The raised epoch changes the hash each session carries, so sessions nobody listed end too.
    """
    with transaction.atomic():
        if keep_session_key is None:
            User.objects.filter(pk=person.pk).update(session_epoch=F("session_epoch") + 1)
        sessions = UserSession.objects.filter(user_id=person.pk)
        if keep_session_key:
            sessions = sessions.exclude(session_key=keep_session_key)
        ended = 0
        for session in sessions:
            session.end()
            ended += 1
        audit.record(who, audit.AuditAction.SESSIONS_ENDED, person, detail={"reason": reason, "sessions": ended})
    return ended


def factors_of(person):
    return list(Authenticator.objects.filter(user_id=person.pk).order_by("type", "created_at"))


def is_enrolled(person):
    return Authenticator.objects.filter(
        user_id=person.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def reset_factors(acting, person):
    """Remove every factor of `person` so they set up new ones at their next sign-in; their sessions end."""
    with transaction.atomic():
        removed = Authenticator.objects.filter(user_id=person.pk).delete()[0]
        audit.record(acting, audit.AuditAction.FACTORS_RESET, person, detail={"factors_removed": removed})
        end_sessions(acting, person, reason="factors_reset")
    return removed
