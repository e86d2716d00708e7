"""Run now: the VRU's administrators start a job outside its schedule, queued like beat's runs, and audited."""

import pytest
from celery.result import EagerResult

from jobs import tasks
from jobs.models import JobRun
from partners.models import AuditAction, AuditEvent, Role
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def vru_admin(vru):
    return member(role=Role.ORG_ADMIN, organisation=vru, email="admin@test.example.org")


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.run_job, "delay", lambda *args, **kwargs: sent.append((args, kwargs)))
    return sent


def test_an_administrator_of_the_vru_queues_a_run_and_the_run_is_audited(client, vru_admin, queued):
    client.force_login(vru_admin)
    page = client.post("/jobs/send_outbox/run/", follow=True)
    assert queued == [(("send_outbox",), {"trigger": "manual"})]
    assert "Send queued emails is queued to run now" in page.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="jobs.job")
    assert (event.actor, event.object_id, event.detail) == (vru_admin, "send_outbox", {"action": "run_job"})


def test_when_the_worker_runs_it_at_once_the_banner_says_it_ran(client, vru_admin, monkeypatch):
    # As with task_always_eager (which, set here, would leave Celery's app without the worker tests' result backend).
    monkeypatch.setattr(tasks.run_job, "delay", lambda name, trigger: EagerResult(
        "eager", tasks.registry.run(name, trigger=trigger).outcome, "SUCCESS"))
    client.force_login(vru_admin)
    page = client.post("/jobs/lapse_claims/run/", follow=True)
    assert "Return idle triage claims to the queue ran: succeeded." in page.content.decode()
    assert JobRun.objects.get(name="lapse_claims").trigger == "manual"


def test_only_administrators_of_the_vru_see_the_button(client, vru_admin, vru_manager):
    client.force_login(vru_manager)
    assert "Run now" not in client.get("/jobs/").content.decode()
    client.force_login(vru_admin)
    assert client.get("/jobs/").content.decode().count("Run now<span") == len(tasks.registry.JOBS)


@pytest.mark.parametrize("role, kind_fixture", [("manager", "vru"), ("triager", "vru"), ("org_admin", "yos")])
def test_a_run_from_anyone_else_is_refused_and_the_refusal_audited(client, queued, request, role, kind_fixture):
    person = member(role=role, organisation=request.getfixturevalue(kind_fixture))
    client.force_login(person)
    assert client.post("/jobs/send_outbox/run/").status_code == 403
    assert queued == []
    refusal = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert (refusal.actor, refusal.object_type, refusal.object_id) == (person, "jobs.job", "send_outbox")
    assert refusal.detail == {"action": "jobs.run_now"}


def test_an_unknown_job_is_not_found(client, vru_admin, queued):
    client.force_login(vru_admin)
    assert client.post("/jobs/no_such_job/run/").status_code == 404
    assert queued == []


def test_the_page_shows_plain_names_and_schedules_and_the_next_run_on_the_minute(client, vru_manager):
    client.force_login(vru_manager)
    page = client.get("/jobs/")
    body = page.content.decode()
    assert "Escalate late allocations to partner managers" in body
    assert "Every hour from 08:45 to 17:45 on weekdays" in body and "allocation_escalations" not in body
    rows = {row["name"]: row for row in page.context["jobs"]}
    assert rows["allocation_escalations"]["next_run"].minute == 45
    assert rows["allocation_escalations"]["next_run"].second == 0
