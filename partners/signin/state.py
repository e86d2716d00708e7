"""What this session has proved: read from the records allauth keeps in the session (no query)."""

import time

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from django.conf import settings

SSO_TYPE = "provider"  # the second factor was the organisation's own provider's (its amr or acr claim)


def second_factor_at(request):
    """When this session last passed a second factor (a Unix time), or None."""
    times = [r["at"] for r in get_authentication_records(request, request.user) if r.get("method") == "mfa"]
    return max(times) if times else None


def has_second_factor(request):
    return second_factor_at(request) is not None


def second_factor_is_fresh(request, *, now=None):
    at = second_factor_at(request)
    return at is not None and (now or time.time()) - at <= settings.STEP_UP_SECONDS


def signed_in_with_provider(request):
    return any(r.get("method") == "socialaccount" for r in get_authentication_records(request, request.user))


def record_provider_factor(request, user, provider_id):
    record_authentication(request, user, "mfa", type=SSO_TYPE, provider=provider_id)


def record_enrolment(request, user, kind):
    """Setting up a factor proves it, so the session counts as having passed it."""
    record_authentication(request, user, "mfa", type=kind, enrolled=True)
