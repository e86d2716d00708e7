"""The client's address behind PROXY_COUNT proxies: the same for the lockout and the audit trail."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from partners.client_address import client_ip
from partners.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.9"


def _fail(client, email, forwarded, password="not-the-password"):
    return client.post(reverse("login"), {"username": email, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def _request(forwarded=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_behind_one_proxy_the_audit_trail_records_the_address_the_proxy_saw(client, settings, referrer):
    settings.PROXY_COUNT = 1
    # The left entry is whatever the client sent; the proxy appended the address it was reached from.
    _fail(client, referrer.email, "198.51.100.66, 203.0.113.5")
    assert AuditEvent.objects.get(action=AuditAction.FAILED_LOGIN).ip_address == "203.0.113.5"


def test_without_proxies_the_forwarded_header_is_ignored(client, settings, referrer):
    settings.PROXY_COUNT = 0
    _fail(client, referrer.email, "203.0.113.5")
    assert AuditEvent.objects.get(action=AuditAction.FAILED_LOGIN).ip_address == PROXY


def test_behind_one_proxy_the_lockout_is_per_client_not_per_proxy(client, settings, referrer):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        _fail(client, referrer.email, "203.0.113.5")
    assert _fail(client, referrer.email, "203.0.113.5", TEST_PASSWORD).status_code == 429
    # Another client through the same proxy is not locked out of the account.
    assert _fail(client, referrer.email, "203.0.113.6", TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (2, "198.51.100.66, 203.0.113.5, 10.0.0.8", "203.0.113.5"),
    (2, "203.0.113.5", PROXY),  # fewer hops than proxies: the request came round them
    (1, "not-an-address", PROXY),
    (1, "", PROXY),
    (1, None, PROXY),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_the_rule(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == expected


def test_no_request_no_address():
    assert client_ip(None) is None
