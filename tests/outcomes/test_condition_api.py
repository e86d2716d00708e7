"""Conditions through the API: add one (idempotent), record one met or missed; and an idempotent case start.

The clock is held at Tuesday 24 November 2026, 10:00 in London; the case started that day runs to 24 March 2027.
"""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from outcomes.models import DiversionCase
from partners.models import OrganisationKind as K
from partners.models import Role
from tests.factories import OrganisationFactory, member
from tests.outcomes import factories as f
from tests.outcomes.test_api import CASES, case_payload, token_client

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def case(yos, police, decision_maker):
    return f.make_case(lead=yos, police=police, decision_maker=decision_maker)


def conditions_url(case):
    return reverse("api-case-conditions", args=[case.pk])


def condition_url(condition, name):
    return reverse(f"api-condition-{name}", args=[getattr(condition, "pk", condition)])


APOLOGY = {"description": "Write a letter of apology", "due_on": "2027-01-29"}


def test_police_add_a_condition_once_per_idempotency_key(decision_maker, case):
    client, key = token_client(decision_maker), str(uuid.uuid4())
    first = client.post(conditions_url(case), APOLOGY, format="json", headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.json()
    assert first.json()["kind"] == "other" and first.json()["status"] == "pending"
    again = client.post(conditions_url(case), APOLOGY, format="json", headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert case.conditions.count() == 4


def test_a_wrong_condition_is_400_with_field_errors_and_a_sixth_is_refused(decision_maker, case):
    client = token_client(decision_maker)
    wrong = client.post(conditions_url(case), {"description": "", "due_on": "2027-04-01"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json() == {"description": ["Describe the condition"],
                            "due_on": ["The due date must be on or before the contract end, 24 March 2027"]}
    assert client.post(conditions_url(case), APOLOGY, format="json").status_code == 201
    assert client.post(conditions_url(case), APOLOGY, format="json").status_code == 201
    sixth = client.post(conditions_url(case), APOLOGY, format="json")
    assert sixth.status_code == 400
    assert sixth.json() == {"non_field_errors": ["A contract has at most 5 conditions: this case has 5 already."]}


def test_met_and_missed_through_the_api_and_the_case_is_at_risk(decision_maker, case):
    client = token_client(decision_maker)
    apology = client.post(conditions_url(case), APOLOGY, format="json").json()
    school = client.post(conditions_url(case), {"description": "Attend school", "due_on": "2027-02-01"},
                         format="json").json()
    met = client.post(condition_url(apology["id"], "met"), {"on": "2026-11-24"}, format="json")
    assert met.status_code == 200 and met.json()["status"] == "met"
    blank = client.post(condition_url(school["id"], "missed"), {"reason": ""}, format="json")
    assert blank.status_code == 400 and blank.json() == {"reason": ["Explain why the condition was missed"]}
    missed = client.post(condition_url(school["id"], "missed"), {"reason": "Excluded for a week."}, format="json")
    assert missed.status_code == 200 and missed.json()["missed_reason"] == "Excluded for a week."
    assert DiversionCase.objects.get(pk=case.pk).status == "at_risk"


def test_another_forces_case_and_conditions_are_404(case):
    other = member(role=Role.DECISION_MAKER, organisation=OrganisationFactory(name="Other force", kind=K.POLICE))
    client = token_client(other)
    assert client.post(conditions_url(case), APOLOGY, format="json").status_code == 404
    condition = case.conditions.first()
    assert client.post(condition_url(condition, "missed"), {"reason": "x"}, format="json").status_code == 404
    assert case.conditions.count() == 3


def test_starting_a_case_with_the_same_key_returns_the_same_case(decision_maker, yos):
    client, key = token_client(decision_maker), str(uuid.uuid4())
    payload = case_payload(yos, extra_conditions=[APOLOGY])
    first = client.post(CASES, payload, format="json", headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.json()
    assert [c["kind"] for c in first.json()["conditions"]] == ["assessment", "sessions", "no_reoffending", "other"]
    again = client.post(CASES, payload, format="json", headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert DiversionCase.objects.count() == 1


def test_too_many_further_conditions_on_a_new_case_is_400(decision_maker, yos):
    payload = case_payload(yos, extra_conditions=[APOLOGY, APOLOGY, APOLOGY])
    response = token_client(decision_maker).post(CASES, payload, format="json")
    assert response.status_code == 400
    assert "A contract has at most 5 conditions" in response.json()["extra_conditions"][0]
    assert not DiversionCase.objects.exists()


def test_the_condition_endpoints_are_in_the_schema(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/api/v1/cases/{id}/conditions/", "/api/v1/conditions/{id}/met/", "/api/v1/conditions/{id}/missed/"):
        assert f"  {path}:" in schema, path
