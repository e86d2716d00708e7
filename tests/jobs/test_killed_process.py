"""A real `manage.py run_job` process killed with SIGKILL mid-run: the job is free at once, the dead run is
reported, and the next run does the work.

The process runs a real job against this test's database (hence a transactional test: it must see the
committed rows). It is stopped part way deterministically: the test holds an ACCESS EXCLUSIVE lock on every
table a job may read, so the run waits inside the job, its record `running`, until the test kills it.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from jobs import locks, registry
from jobs.models import JobRun
from tests.jobs.scenarios import SCENARIOS, effect_of_one_run, effects

ROOT = Path(__file__).resolve().parents[2]
KILLED_JOBS = ["compliance_sweep", "retention", "send_outbox"]


def database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def query(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def backends(app_name, waiting=False):
    """The server processes serving the job's process; with `waiting`, those waiting for a lock."""
    return query("SELECT pid FROM pg_stat_activity WHERE application_name = %s"
                 + (" AND wait_event_type = 'Lock'" if waiting else ""), [app_name])


def without_sign_ins(snapshot):
    # The test signs in to look at the jobs page: that audit event is the test's doing, not the job's.
    return {**snapshot, "audit": [row for row in snapshot["audit"] if row[1] != "login"]}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", KILLED_JOBS)
def test_a_run_job_process_killed_mid_run_frees_the_job_at_once_and_is_reported_then_the_next_run_works(
        name, client, vru_manager):
    now = SCENARIOS[name]()
    expected = effect_of_one_run(name, now)
    before = effects()
    tables = [t for t in connection.introspection.table_names() if not t.startswith(("jobs_", "django_"))]
    app_name = f"test-killed-{uuid.uuid4().hex[:8]}"
    blocker = connections.create_connection(DEFAULT_DB_ALIAS)
    blocker.set_autocommit(False)
    process = None
    try:
        with blocker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {', '.join(map(connection.ops.quote_name, tables))} IN ACCESS EXCLUSIVE MODE")
        env = {**os.environ, "DATABASE_URL": database_url(), "PGAPPNAME": app_name}
        process = subprocess.Popen([sys.executable, "manage.py", "run_job", name, "--date", now.date().isoformat()],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(lambda: JobRun.objects.filter(name=name, outcome="running").exists() and backends(app_name, waiting=True)
                 or process.poll() is not None, "the run to start and wait inside the job")
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        assert locks.held({name}) == {name}  # the live run holds the job

        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        # Its lock connection and its waiting query both end with it, within a few seconds, not 30 minutes.
        wait_for(lambda: not backends(app_name), "the dead process's database sessions to end", timeout=10)
    finally:
        if process and process.poll() is None:
            process.kill()
            process.wait()
        if process:
            process.stderr.close()
        blocker.rollback()
        blocker.close()

    assert locks.held({name}) == set()
    dead = JobRun.objects.get(name=name)
    assert dead.outcome == "running"  # nothing in the process could record its own death
    assert effects() == before  # the dead run changed nothing

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"] == {"database": "ok", "broker": "ok", "beat": "ok",
                                       "jobs": f"error: last run died: {name}"}
    client.force_login(vru_manager)
    page = client.get("/jobs/")
    assert {row["name"] for row in page.context["jobs"] if row["died"]} == {name}
    assert f"The last run of “{registry.JOBS[name].title}” died" in page.content.decode()

    rerun = registry.run(name, now=now)

    assert rerun.outcome == JobRun.Outcome.SUCCEEDED, rerun.error  # not skipped: nothing holds the job
    assert without_sign_ins(effects()) == without_sign_ins(expected)
    dead.refresh_from_db()
    assert (dead.outcome, dead.error) == (JobRun.Outcome.FAILED, "The process ended before the run finished")
    assert client.get("/healthz").status_code == 200
    assert not any(row["died"] for row in client.get("/jobs/").context["jobs"])
