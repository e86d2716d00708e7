"""API tokens coming to their end: their organisation's administrators are told 14 days ahead, and each
token's expiry goes into the audit trail once it has passed. Set-based: a few queries however many tokens."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse

from partners import audit
from partners.models import ApiToken, Membership, Role
from partners.rules import TOKEN_WARNING_DAYS

from .services import notify_many

KIND = "token_expiry"


def _admins_by_org(org_ids):
    admins = {}
    for m in Membership.objects.filter(organisation_id__in=org_ids, role=Role.ORG_ADMIN, active=True,
                                       user__is_active=True).select_related("user"):
        admins.setdefault(m.organisation_id, []).append(m.user)
    return admins


@transaction.atomic
def warn_and_record(now):
    live = ApiToken.objects.filter(revoked_at__isnull=True)
    due = list(live.filter(expires_at__gt=now, expires_at__lte=now + timedelta(days=TOKEN_WARNING_DAYS),
                           expiry_warned_at__isnull=True).select_related("user"))
    admins = _admins_by_org({t.organisation_id for t in due})
    notify_many(KIND, [
        (admins.get(t.organisation_id, []), f"token-expiry:{t.pk}",
         f"Replace the API token “{t.name}” before it expires on {t.expires_at:%-d %B %Y}",
         f"The token acts as {t.user.full_name}. Systems using it are refused from then on: create a new token "
         "and give it to them before that day.", reverse("tokens"))
        for t in due
    ])
    ApiToken.objects.filter(pk__in=[t.pk for t in due]).update(expiry_warned_at=now)
    ended = list(live.filter(expires_at__lte=now, expiry_recorded_at__isnull=True))
    audit.record_many(None, audit.AuditAction.TOKEN_EXPIRED,
                      [(t, {"name": t.name, "key_prefix": t.key_prefix}) for t in ended])
    ApiToken.objects.filter(pk__in=[t.pk for t in ended]).update(expiry_recorded_at=now)
    return {"warned": len(due), "expired": len(ended)}
