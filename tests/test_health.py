from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import JobRun


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_beat(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "beat": "ok",
                                                           "jobs": "ok"}}


@pytest.mark.django_db
def test_healthz_is_unhealthy_when_the_broker_cannot_be_reached(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy" and body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_is_unhealthy_when_beat_has_not_run_a_job_in_its_window(client):
    # send_outbox runs every minute; its last run by beat was an hour ago.
    JobRun.objects.create(name="send_outbox", as_of=timezone.now(), started_at=timezone.now() - timedelta(hours=1),
                          outcome="succeeded")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "send_outbox" in response.json()["checks"]["beat"]
    JobRun.objects.create(name="send_outbox", as_of=timezone.now(), outcome="succeeded")
    assert client.get("/healthz").status_code == 200
