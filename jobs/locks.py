"""Holding a job so that two runs never overlap, and telling whether a live process holds it now.

On PostgreSQL a run holds a session-level advisory lock on a connection of its own. The database drops it
the moment that connection dies, so a run killed with SIGKILL (or a worker lost with its host's network)
holds nothing up: the next run starts at once. The connection is its own, not the job's, because:
- the job commits and rolls back its own transactions, and a session lock must outlive all of them;
- an idle connection notices its client has gone at once, while a backend busy on the job's query (waiting
  on a row lock, say) would not notice until that query ended.
Elsewhere (SQLite, the zero-setup demo) a lease row in JobLock stands in: a dead run's lease holds the job
off until it expires.
"""

import zlib
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone

from .models import JobLock

# pg_try_advisory_lock(namespace, key): the first key marks the lock as a job's, so no other advisory lock
# (a migration, another app) can collide with it. Both are kept positive so pg_locks shows them unchanged.
NAMESPACE = zlib.crc32(b"vrp.jobs") & 0x7FFFFFFF


def advisory_key(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def uses_advisory_locks():
    return connection.vendor == "postgresql"


def acquire(name, lease, holder):
    """Take the job's lease if it is free (or expired). Atomic: one UPDATE decides. The fallback only."""
    now = timezone.now()
    try:
        with transaction.atomic():
            JobLock.objects.get_or_create(name=name, defaults={"locked_until": now - timedelta(seconds=1)})
    except IntegrityError:
        pass  # another process created it at the same moment
    return JobLock.objects.filter(name=name, locked_until__lt=now).update(holder=holder, locked_until=now + lease) == 1


def release(name, holder):
    JobLock.objects.filter(name=name, holder=holder).update(locked_until=timezone.now() - timedelta(seconds=1))


class AdvisoryHold:
    def __init__(self, name):
        self.key = advisory_key(name)
        self.conn = None

    def take(self):
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with self.conn.cursor() as cursor:  # autocommit: the lock is the session's, not a transaction's
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, self.key])
                taken = cursor.fetchone()[0]
        except BaseException:
            self.conn.close()
            raise
        if not taken:
            self.conn.close()
        return taken

    def release(self):
        try:
            with self.conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, self.key])
        finally:
            self.conn.close()  # closing alone drops the lock too, should the unlock itself fail


class LeaseHold:
    def __init__(self, name, lease, holder):
        self.name, self.lease, self.holder = name, lease, holder

    def take(self):
        return acquire(self.name, self.lease, self.holder)

    def release(self):
        release(self.name, self.holder)


def hold_for(name, lease, holder):
    return AdvisoryHold(name) if uses_advisory_locks() else LeaseHold(name, lease, holder)


def held(names):
    """Which of these jobs a live run holds now. One query, and it takes no lock itself."""
    names = set(names)
    if not names:
        return set()
    if uses_advisory_locks():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid = %s::bigint::oid", [NAMESPACE])
            keys = {row[0] for row in cursor.fetchall()}
        return {name for name in names if advisory_key(name) in keys}
    return set(JobLock.objects.filter(name__in=names, locked_until__gte=timezone.now()).values_list("name", flat=True))


def stop_queries_when_the_client_dies():
    """A killed run's statement still running on the server is cancelled within a second, not left to finish."""
    if uses_advisory_locks() and connection.pg_version >= 140000:
        with connection.cursor() as cursor:
            cursor.execute("SET client_connection_check_interval = '1s'")
