"""Every job, run twice or on two workers at once, has the effect of running once."""

import threading
from dataclasses import replace

import pytest
from django.db import connection

from jobs import registry
from jobs.models import JobRun
from tests.jobs.scenarios import SCENARIOS, changed, effect_of_one_run, effects

JOB_NAMES = sorted(SCENARIOS)


def in_threads(*targets):
    """Start the targets together, each in its own thread with its own database connection."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait(timeout=5)
            target()
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_every_registered_job_has_a_scenario():
    missing = sorted(set(registry.JOBS) - set(SCENARIOS))
    assert not missing, f"add a scenario to tests/jobs/scenarios.py for: {', '.join(missing)}"
    assert set(SCENARIOS) <= set(registry.JOBS), "a scenario names a job that is not registered"


@pytest.mark.django_db
@pytest.mark.parametrize("name", JOB_NAMES)
def test_running_a_job_twice_changes_nothing_the_second_time(name):
    now = SCENARIOS[name]()
    before = effects()
    first = registry.run(name, now=now)
    assert first.outcome == JobRun.Outcome.SUCCEEDED, first.error
    after_first = effects()
    assert changed(before, after_first), f"the {name} scenario gives the job nothing to do"
    second = registry.run(name, now=now)
    assert second.outcome == JobRun.Outcome.SUCCEEDED, second.error
    after_second = effects()
    assert changed(after_first, after_second) == []
    assert after_second == after_first


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", JOB_NAMES)
def test_two_runs_at_once_on_two_workers_have_the_effect_of_one(name):
    # The job itself, past the lease: its data alone must keep two overlapping runs from doubling anything.
    now = SCENARIOS[name]()
    expected = effect_of_one_run(name, now)
    func = registry.JOBS[name].func
    in_threads(lambda: func(now), lambda: func(now))
    after = effects()
    assert changed(expected, after) == []
    assert after == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", JOB_NAMES)
def test_two_runs_at_once_through_the_registry_one_runs_and_one_is_skipped(name, monkeypatch):
    now = SCENARIOS[name]()
    expected = effect_of_one_run(name, now)
    entry = registry.JOBS[name]
    other_returned = threading.Event()

    def holds_the_lease(as_of):
        # Keep the lease until the other run has come back, so the two runs really overlap.
        counts = entry.func(as_of)
        other_returned.wait(timeout=5)
        return counts

    monkeypatch.setitem(registry.JOBS, name, replace(entry, func=holds_the_lease))
    outcomes = []

    def run():
        try:
            outcomes.append(registry.run(name, now=now).outcome)
        finally:
            other_returned.set()

    in_threads(run, run)
    assert sorted(outcomes) == [JobRun.Outcome.SKIPPED, JobRun.Outcome.SUCCEEDED]
    assert effects() == expected
    assert sorted(JobRun.objects.filter(name=name).values_list("outcome", flat=True)) == ["skipped", "succeeded"]
