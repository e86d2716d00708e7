"""The client's address, one rule for the sign-in lockout (django-axes) and the audit trail.

Behind PROXY_COUNT reverse proxies, each proxy appends the address it was reached from to X-Forwarded-For,
so the client is the PROXY_COUNT-th entry from the right; entries further left are whatever the client sent
and are never trusted. With no proxies (PROXY_COUNT=0) the header is ignored and REMOTE_ADDR is the client.
A header too short or not holding an address falls back to REMOTE_ADDR rather than storing text the
database's address column would refuse.
"""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request):
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _address(hops[-proxies]) or remote
