"""Jobs sent through the real Redis broker to a real Celery worker (in a thread of this process).

The worker listens on a queue of its own, so it never takes another test run's messages, and the
queue is deleted when the module is done. The worker's thread has its own database connection, hence
transactional tests; the mailbox (django.core.mail.outbox) is shared with it.
"""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings

from config.celery import app
from jobs.models import JobRun
from jobs.tasks import run_job
from notifications import sending
from notifications.models import OutboxMessage
from notifications.services import notify
from outcomes import reference_data
from outcomes.models import DiversionCase
from tests.outcomes.factories import make_case

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FLAKY = "tests.jobs.test_worker.FlakyBackend"
LONDON = ZoneInfo("Europe/London")
# Celery's Redis result backend still calls redis-py's deprecated setex.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")


class FlakyBackend(EmailBackend):
    """A mail server that refuses the first `failures` messages, then takes them."""

    failures = 0
    refused = 0

    def send_messages(self, messages):
        if FlakyBackend.refused < FlakyBackend.failures:
            FlakyBackend.refused += 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.fixture(scope="module")
def queue():
    """A worker on the real broker, consuming a queue no other run uses; results come back through Redis."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("These tests need the real Redis broker: set REDIS_URL.")
    assert not app.conf.task_always_eager
    name = f"test-jobs-{uuid.uuid4().hex[:12]}"
    saved = app.conf.result_backend
    app.conf.result_backend = settings.REDIS_URL
    _forget_backend()  # a task sent earlier in this process (e.g. Run now) made Celery keep the disabled one
    try:
        with start_worker(app, pool="solo", concurrency=1, queues=[name], perform_ping_check=False, shutdown_timeout=10):
            yield name
    finally:
        with app.connection_for_write() as conn:
            # Bound again in this channel so that deleting removes the binding as well as any message left.
            app.amqp.queues[name](conn.default_channel).declare()
            app.amqp.queues[name](conn.default_channel).delete()
        app.conf.result_backend = saved
        _forget_backend()


def _forget_backend():
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


def through_the_broker(queue, name):
    """Send the one scheduled task for `name` through Redis and wait for the worker's answer."""
    result = run_job.apply_async(args=[name], kwargs={"trigger": "test"}, queue=queue, ignore_result=False)
    try:
        return result.get(timeout=10)
    finally:
        result.forget()


def last_run(name):
    return JobRun.objects.filter(name=name).order_by("-started_at", "-id").first()


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=LOCMEM)
def test_the_outbox_sender_run_by_the_worker_delivers_queued_messages(queue, referrer, triager):
    notify([referrer, triager], kind="decision", key="worker:1", subject="Referral VRU-2026-000001: declined",
           body="See the portal.", url="/referrals/")

    assert through_the_broker(queue, "send_outbox") == JobRun.Outcome.SUCCEEDED

    assert sorted(m.to[0] for m in mail.outbox) == sorted([triager.email, referrer.email])
    assert mail.outbox[0].subject == "Referral VRU-2026-000001: declined"
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    run = last_run("send_outbox")
    assert run.trigger == "test" and run.counts == {"sent": 2, "retrying": 0, "failed": 0}
    # A redelivered task (acks_late) sends nothing twice.
    assert through_the_broker(queue, "send_outbox") == JobRun.Outcome.SUCCEEDED
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_refused_send_is_retried_a_minute_later_and_then_delivered(queue, referrer):
    FlakyBackend.failures, FlakyBackend.refused = 1, 0
    start = datetime(2026, 9, 2, 9, 0, tzinfo=LONDON)
    with time_machine.travel(start, tick=True) as clock:
        notify([referrer], kind="decision", key="worker:2", subject="Referral VRU-2026-000002: declined")
        queued_at = OutboxMessage.objects.get().next_attempt_at

        through_the_broker(queue, "send_outbox")
        message = OutboxMessage.objects.get()
        assert (message.state, message.attempts, message.last_error) == ("queued", 1, "ConnectionRefusedError: mail server down")
        assert timedelta(seconds=59) < message.next_attempt_at - queued_at < timedelta(seconds=65)
        assert mail.outbox == []

        clock.shift(timedelta(seconds=30))  # not due yet: nothing is tried
        through_the_broker(queue, "send_outbox")
        assert last_run("send_outbox").counts == {"sent": 0, "retrying": 0, "failed": 0}
        assert OutboxMessage.objects.get().attempts == 1

        clock.shift(timedelta(seconds=35))
        through_the_broker(queue, "send_outbox")
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [[referrer.email]]


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_send_that_keeps_failing_backs_off_then_is_marked_failed_and_shown_to_the_vru(
        queue, client, referrer, triager, vru_manager):
    FlakyBackend.failures, FlakyBackend.refused = 99, 0
    start = datetime(2026, 9, 2, 9, 0, tzinfo=LONDON)
    with time_machine.travel(start, tick=True) as clock:
        notify([referrer], kind="decision", key="worker:3", subject="Referral VRU-2026-000003: declined")
        waits = []
        for _ in range(sending.MAX_ATTEMPTS):
            due = OutboxMessage.objects.get().next_attempt_at
            clock.shift(due - datetime.now(tz=LONDON) + timedelta(seconds=1))
            through_the_broker(queue, "send_outbox")
            message = OutboxMessage.objects.get()
            waits.append(round((message.next_attempt_at - due).total_seconds() / 60))
    assert FlakyBackend.refused == sending.MAX_ATTEMPTS
    assert waits[:4] == [1, 2, 4, 8]
    assert (message.state, message.attempts) == ("failed", sending.MAX_ATTEMPTS)
    assert last_run("send_outbox").counts == {"sent": 0, "retrying": 0, "failed": 1}
    assert mail.outbox == []
    for person in (triager, vru_manager):
        client.force_login(person)
        page = client.get("/outbox/?state=failed").content.decode()
        assert "Referral VRU-2026-000003: declined" in page and "ConnectionRefusedError: mail server down" in page


@pytest.mark.django_db(transaction=True)
def test_the_compliance_sweep_runs_end_to_end_through_the_broker(queue, yos, police, decision_maker, caseworker):
    reference_data.ensure()  # a transactional test before this one may have flushed it
    case = make_case(lead=yos, police=police, decision_maker=decision_maker, start=date(2026, 7, 1))
    assessment = case.conditions.get(kind="assessment")
    with time_machine.travel(datetime(2026, 8, 3, 6, 0, tzinfo=LONDON), tick=True):
        assert assessment.due_on < date(2026, 8, 3)  # due, and never done
        assert through_the_broker(queue, "compliance_sweep") == JobRun.Outcome.SUCCEEDED
    case.refresh_from_db()
    assert case.status == "at_risk" and case.at_risk_since == date(2026, 8, 3)
    assert case.conditions.get(pk=assessment.pk).status == "missed"
    assert case.events.filter(kind="at_risk").count() == 1
    run = last_run("compliance_sweep")
    assert run.outcome == "succeeded" and run.trigger == "test" and run.finished_at is not None
    assert run.counts["checked"] == 1 and run.counts["at_risk"] == 1
    assert DiversionCase.objects.filter(status="at_risk").count() == 1
