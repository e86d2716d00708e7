"""Running jobs: one at a time, always recorded, never twice in effect."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jobs import locks, registry
from jobs.models import JobLock, JobRun


def test_every_registered_job_is_scheduled_and_every_schedule_names_a_job(settings):
    assert set(registry.JOBS) == set(settings.JOB_SCHEDULE)
    assert all(entry["task"] == "jobs.run" for entry in settings.CELERY_BEAT_SCHEDULE.values())


@pytest.mark.django_db
def test_a_run_is_recorded_with_its_counts():
    record = registry.run("lapse_claims")
    assert record.outcome == JobRun.Outcome.SUCCEEDED and record.counts == {"lapsed": 0}
    assert record.finished_at >= record.started_at


@pytest.mark.django_db
def test_a_failing_job_is_recorded_without_personal_data_and_the_lock_is_released(monkeypatch):
    def explode(now):
        raise ValueError("first line only\nDETAIL: Failing row contains (Jordan, Example, 2010-03-14)")

    monkeypatch.setitem(registry.JOBS, "lapse_claims", registry.Job("lapse_claims", explode, "test", timedelta(minutes=5)))
    record = registry.run("lapse_claims")
    assert record.outcome == JobRun.Outcome.FAILED
    assert record.error == "ValueError: first line only"
    assert locks.held({"lapse_claims"}) == set()


@pytest.mark.django_db
def test_a_run_while_another_session_holds_the_job_is_skipped():
    other = locks.hold_for("lapse_claims", timedelta(minutes=5), "someone-else")  # an advisory lock on its own connection
    assert other.take()
    try:
        assert locks.held(registry.JOBS) == {"lapse_claims"}
        assert registry.run("lapse_claims").outcome == JobRun.Outcome.SKIPPED
    finally:
        other.release()
    assert registry.run("lapse_claims").outcome == JobRun.Outcome.SUCCEEDED


@pytest.mark.django_db
def test_on_the_lease_fallback_a_run_while_another_holds_the_lease_is_skipped(monkeypatch):
    monkeypatch.setattr(locks, "uses_advisory_locks", lambda: False)
    assert registry.acquire("lapse_claims", timedelta(minutes=5), "someone-else")
    assert locks.held(registry.JOBS) == {"lapse_claims"}
    record = registry.run("lapse_claims")
    assert record.outcome == JobRun.Outcome.SKIPPED
    # An expired lease (a crashed run) does not block the next run.
    JobLock.objects.filter(name="lapse_claims").update(locked_until=timezone.now() - timedelta(seconds=1))
    assert registry.run("lapse_claims").outcome == JobRun.Outcome.SUCCEEDED


def test_each_job_has_its_own_advisory_lock():
    assert len({locks.advisory_key(name) for name in registry.JOBS}) == len(registry.JOBS)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_take_the_lock_once():
    barrier = threading.Barrier(2)
    results = []

    def attempt(holder):
        barrier.wait()
        results.append(registry.acquire("send_outbox", timedelta(minutes=5), holder))
        connection.close()

    threads = [threading.Thread(target=attempt, args=(f"h{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]


@pytest.mark.django_db
def test_run_job_command_lists_runs_and_refuses_bad_input(capsys):
    call_command("run_job", list=True)
    assert capsys.readouterr().out.split() == sorted(registry.JOBS)
    call_command("run_job", "lapse_claims", date="2026-08-28")
    assert JobRun.objects.get().as_of.date().isoformat() == "2026-08-28"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No job called"):
        call_command("run_job", "nope")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_job", "lapse_claims", date="28/08/2026")


@pytest.mark.django_db
def test_the_jobs_page_shows_each_job_with_its_last_run(client, vru_manager):
    registry.run("send_outbox")
    client.force_login(vru_manager)
    page = client.get("/jobs/")
    assert page.status_code == 200
    rows = {row["name"]: row for row in page.context["jobs"]}
    assert set(rows) == set(registry.JOBS)
    assert rows["send_outbox"]["last"].outcome == "succeeded" and rows["send_outbox"]["next_run"] is not None
    assert rows["lapse_claims"]["last"] is None
