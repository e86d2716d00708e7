import pytest
from django.db import connections

from . import streaming


@pytest.fixture
def replica(transactional_db, django_db_blocker):
    """The test database's streaming replica as the "replica" alias (REPLICA_DATABASE_URL's), for one test.

    Transactional: what a test writes is committed, so the primary streams it to the replica."""
    running = streaming.shared()
    config = dict(connections["default"].settings_dict, HOST="127.0.0.1", PORT=str(running.port))
    connections.settings["replica"] = config
    # Django's test case refuses connections to aliases it was not told of when it started, and "replica" is
    # added after that: a copy nobody writes to, so its connection keeps the real ensure_connection.
    copy = connections["replica"]
    copy.ensure_connection = django_db_blocker._real_ensure_connection.__get__(copy)
    try:
        running.catch_up()
        yield running
    finally:
        running._on_replica("SELECT pg_wal_replay_resume()::text")
        if hasattr(connections._connections, "replica"):
            connections["replica"].close()
            del connections["replica"]
        connections.settings.pop("replica", None)
