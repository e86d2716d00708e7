"""The audit trail of signing in: factors set up, removed and used, and wrong codes."""

from allauth.mfa import signals as mfa
from allauth.mfa.models import Authenticator
from django.dispatch import receiver

from partners import audit


@receiver(mfa.authenticator_added)
def on_factor_added(sender, request, user, authenticator, **kwargs):
    audit.record(user, audit.AuditAction.FACTOR_ADDED, request=request, detail={"type": authenticator.type})


@receiver(mfa.authenticator_removed)
def on_factor_removed(sender, request, user, authenticator, **kwargs):
    audit.record(user, audit.AuditAction.FACTOR_REMOVED, request=request, detail={"type": authenticator.type})


@receiver(mfa.authenticator_used)
def on_factor_used(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        unused = len(Authenticator.objects.get(pk=authenticator.pk).wrap().get_unused_codes())
        audit.record(user, audit.AuditAction.RECOVERY_CODE_USED, request=request, detail={"codes_left": unused})


@receiver(mfa.authentication_failed)
def on_wrong_code(sender, request, user, authenticator, reauthentication=False, **kwargs):
    audit.record(user, audit.AuditAction.WRONG_CODE, request=request,
                 detail={"reauthentication": bool(reauthentication)})
