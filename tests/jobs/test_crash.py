"""A run that dies part way, and the run after it: nothing doubled, nothing missed, nothing personal in the record.

The crash is made by the database itself, so it does not depend on how a job is written: a trigger on
every table a job may write refuses the n-th row written, n being half the rows a whole run writes.
The trigger's message carries the refused row on its later lines, as PostgreSQL's own errors do.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from jobs import locks, registry
from jobs.models import JobLock, JobRun
from notifications.models import OutboxMessage
from referrals.models import Referral, YoungPerson
from tests.jobs.scenarios import SCENARIOS, effect_of_one_run, effects

CRASH = "simulated crash part way through the run"
# The outbox sender is crashed by its mail server instead (below): a write refused after the mail server has
# taken a message would send it again on the rerun, which is its documented at-least-once delivery.
WRITING_JOBS = sorted(set(SCENARIOS) - {"send_outbox"})


@contextmanager
def crash_after_writes():
    """Count the rows written to every table but the jobs' own; `crash_at(n)` makes the n-th refused."""
    tables = [t for t in connection.introspection.table_names() if not t.startswith(("jobs_", "django_"))]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE test_job_writes")
        cursor.execute(f"""
            CREATE FUNCTION test_job_crash() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE crash_at bigint := coalesce(nullif(current_setting('test.crash_at', true), ''), '0')::bigint;
            BEGIN
                IF crash_at > 0 AND nextval('test_job_writes') >= crash_at THEN
                    RAISE EXCEPTION '{CRASH}' USING DETAIL = 'Failing row contains '
                        || CASE WHEN TG_OP = 'DELETE' THEN row_to_json(OLD) ELSE row_to_json(NEW) END::text;
                END IF;
                RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END $$""")
        for table in tables:
            cursor.execute(f"CREATE TRIGGER test_job_crash BEFORE INSERT OR UPDATE OR DELETE ON {quote(table)} "
                           "FOR EACH ROW EXECUTE FUNCTION test_job_crash()")

    def crash_at(n):
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('test_job_writes', 1, false)")
            cursor.execute("SELECT set_config('test.crash_at', %s, false)", [str(n)])

    def written():
        with connection.cursor() as cursor:
            cursor.execute("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM test_job_writes")
            return cursor.fetchone()[0]

    try:
        yield crash_at, written
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('test.crash_at', '0', false)")
            for table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS test_job_crash ON {quote(table)}")
            cursor.execute("DROP FUNCTION IF EXISTS test_job_crash()")
            cursor.execute("DROP SEQUENCE IF EXISTS test_job_writes")


def personal_words():
    names = set(Referral.objects.values_list("given_name", "family_name").distinct())
    names |= set(YoungPerson.objects.values_list("given_name", "family_name").distinct())
    return {word for pair in names for word in pair if word}


# Transactional: a job writes in autocommit as in production, so what a crash rolls back is only what the job
# itself put in one transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", WRITING_JOBS)
def test_a_run_that_crashes_part_way_is_recorded_and_the_next_run_finishes_the_work_once(name):
    now = SCENARIOS[name]()
    with crash_after_writes() as (crash_at, written):
        crash_at(10**9)  # count only
        expected = effect_of_one_run(name, now)
        total = written()
        assert total >= 2, f"the {name} scenario writes {total} row(s): too few to crash part way"
        crash_at(total // 2 + 1)

        crashed = registry.run(name, now=now)

        assert crashed.outcome == JobRun.Outcome.FAILED
        # One line, the first: the refused row PostgreSQL puts on the later lines is not kept.
        assert crashed.error == f"ProgrammingError: {CRASH}"
        assert not personal_words() & set(crashed.error.replace(":", " ").split())
        assert locks.held({name}) == set()  # the next run need not wait
        crash_at(0)
        rerun = registry.run(name, now=now)

    assert rerun.outcome == JobRun.Outcome.SUCCEEDED, rerun.error
    assert effects() == expected


class WorkerKilled(BaseException):
    """What the worker process sees when it is killed: not an error the job could catch and carry on from."""


class DiesOnSecondMessage(EmailBackend):
    sent = 0

    def send_messages(self, messages):
        if DiesOnSecondMessage.sent == 1:
            raise WorkerKilled
        DiesOnSecondMessage.sent += len(messages)
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_sender_killed_while_sending_leaves_the_rest_queued_and_the_next_run_sends_each_message_once():
    now = SCENARIOS["send_outbox"]()
    expected = effect_of_one_run("send_outbox", now)
    DiesOnSecondMessage.sent = 0
    with override_settings(EMAIL_BACKEND="tests.jobs.test_crash.DiesOnSecondMessage"), pytest.raises(WorkerKilled):
        registry.run("send_outbox", now=now)
    assert len(mail.outbox) == 1
    states = sorted(OutboxMessage.objects.values_list("state", "attempts"))
    assert states == [("queued", 0), ("queued", 0), ("sent", 1)]  # the killed attempt left no trace
    killed = JobRun.objects.get(name="send_outbox")
    assert (killed.outcome, killed.error) == (JobRun.Outcome.FAILED, "Interrupted before it finished")

    rerun = registry.run("send_outbox", now=now)
    assert rerun.outcome == JobRun.Outcome.SUCCEEDED and rerun.counts["sent"] == 2
    assert effects() == expected
    assert len(mail.outbox) == len({m.subject for m in mail.outbox}) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_on_the_lease_fallback_a_run_killed_without_cleaning_up_blocks_the_job_until_its_lease_ends(name, monkeypatch):
    # SQLite (the demo) has no advisory locks: there, and only there, a dead run's lease holds the job off.
    monkeypatch.setattr(locks, "uses_advisory_locks", lambda: False)
    now = SCENARIOS[name]()
    expected = effect_of_one_run(name, now)
    before = effects()
    # The dead run took the lease and never gave it back.
    lease_end = timezone.now() + timedelta(minutes=10)
    JobLock.objects.update_or_create(name=name, defaults={"holder": "worker-gone:4242", "locked_until": lease_end})

    assert registry.run(name, now=now).outcome == JobRun.Outcome.SKIPPED
    assert effects() == before
    with time_machine.travel(lease_end - timedelta(seconds=1), tick=False):
        assert registry.run(name, now=now).outcome == JobRun.Outcome.SKIPPED
    with time_machine.travel(lease_end + timedelta(seconds=1), tick=False):
        record = registry.run(name, now=now)
    assert record.outcome == JobRun.Outcome.SUCCEEDED, record.error
    assert effects() == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_on_postgresql_a_run_that_died_holds_nothing_up_and_is_marked_failed_by_the_next(name):
    now = SCENARIOS[name]()
    expected = effect_of_one_run(name, now)
    # What a killed process leaves: its record still running, a lease row it took (before advisory locks).
    dead = JobRun.objects.create(name=name, as_of=now, started_at=timezone.now() - timedelta(minutes=1))
    JobLock.objects.update_or_create(name=name, defaults={"holder": "worker-gone:4242",
                                                          "locked_until": timezone.now() + timedelta(minutes=30)})

    record = registry.run(name, now=now)

    assert record.outcome == JobRun.Outcome.SUCCEEDED, record.error
    assert effects() == expected
    dead.refresh_from_db()
    assert (dead.outcome, dead.error) == (JobRun.Outcome.FAILED, registry.DIED)
    assert dead.finished_at is not None
