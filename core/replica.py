"""Reads that may come from a PostgreSQL streaming replica (REPLICA_DATABASE_URL), and everything else that may not.

Only the heavy readers opt in: the figures (page, CSV, API), and the API's lists. Inside them, the case-work
tables are read from the replica. Everything else stays on the primary:
- every write, and every read inside a transaction (select_for_update needs one), which must see its own writes;
- people, organisations, memberships, tokens, sessions and the audit trail, so that a decision about what a
  person may do never rests on a copy that is seconds behind (a membership just ended is ended);
- any request from someone who changed something in the last REPLICA_PIN_SECONDS, so the page they see after a
  change shows it whatever the replica's lag. The mark is kept in the cache (Redis), by session or by token.
"""

import contextvars
import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("replica_reads", default=False)
_pinned = contextvars.ContextVar("replica_pinned", default=False)
# The apps whose tables a replica never answers for: who people are and what they may do, and what they did.
PRIMARY_ONLY = {"partners", "auth", "sessions", "guardian", "axes", "account", "mfa", "socialaccount",
                "contenttypes", "admin", "jobs", "notifications"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not (_reading.get() and not _pinned.get() and configured()):
            return None
        if model._meta.app_label in PRIMARY_ONLY or connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: an object from either relates to one from the other

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA


class reads:  # noqa: N801 - used as a decorator and a context manager, like transaction.atomic
    """What runs inside may read the case-work tables from the replica."""

    def __enter__(self):
        self._token = _reading.set(True)

    def __exit__(self, *exc):
        _reading.reset(self._token)

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper


def _pin_key(credential):
    return "replica-pin:" + hashlib.sha256(credential.encode()).hexdigest() if credential else None


def _caller_key(request):
    return _pin_key(request.headers.get("Authorization") or request.COOKIES.get(settings.SESSION_COOKIE_NAME))


class PinAfterWriteMiddleware:
    """After a change, the same caller reads from the primary for a while: they see what they just did."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        key = _caller_key(request)
        token = _pinned.set(bool(key) and cache.get(key) is not None)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        # A sign-in makes a new session: its key is pinned too.
        if request.method in UNSAFE:
            for name in {key, _new_session_key(response)} - {None}:
                cache.set(name, 1, timeout=settings.REPLICA_PIN_SECONDS)
        return response


def _new_session_key(response):
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return _pin_key(cookie.value if cookie is not None else None)
