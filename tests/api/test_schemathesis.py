"""The OpenAPI schema tells the truth: schemathesis calls every operation of /api/schema/ in-process (WSGI).

As two roles with API tokens (a VRU triager and a YOS caseworker) over the synthetic demo data, each operation
gets a bounded number of generated requests, plus requests on records the role really sees, so answers carry
real bodies. Any 5xx, any response that does not match its schema, and any status code the schema does not list
fails the test. The figures (operations, requests, 5xx, violations) are printed for the issue note: run with -s.
"""

from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from partners import token_services
from partners.access import acting_for
from partners.demo import seed_organisations_and_users

pytestmark = pytest.mark.django_db

EXAMPLES = 6  # generated requests per operation and role, on top of the ones on real records
REAL_IDS = 2  # records the role can see, per collection, that each detail operation is also called on
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
ROLES = {
    "VRU triager": "triager@vru.example.org",
    "YOS caseworker": "caseworker@yos-birmingham.example.org",
}


@pytest.fixture
def demo_data(db):
    """The demo organisations and people, with referrals, cases, interventions and cohorts (no 18-month history)."""
    from cohorts.demo import seed_cohorts
    from outcomes.demo import seed_outcomes
    from referrals.demo import seed_referrals

    orgs, users = seed_organisations_and_users()
    seed_referrals(orgs, users, target=20)
    seed_outcomes(orgs, users)
    seed_cohorts(orgs, users)
    return users


@contextmanager
def _connection_kept():
    """Like Django's test client (which reconnects these signals after each of its own requests), keep the WSGI
    handler from closing the database connection around a request: that would end the test's transaction."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def _token(user):
    _, secret = token_services.create_token(acting_for(user), "schemathesis")
    return {"Authorization": f"Token {secret}"}


def _collection_ids(client, path):
    """Ids of the first few records the caller sees in the collection that `path` (a detail route) belongs to."""
    listing = path.split("{id}")[0]
    answer = client.get(listing)
    if answer.status_code != 200 or "json" not in answer.get("Content-Type", ""):
        return []
    body = answer.json()
    rows = body.get("results", []) if isinstance(body, dict) else body
    return [row["id"] for row in rows if isinstance(row, dict) and "id" in row][:REAL_IDS]


def _strategy(operation, ids):
    generated = operation.as_strategy()
    if "{id}" not in operation.path or not ids:
        return generated
    return st.one_of(generated, *[operation.as_strategy(path_parameters={"id": pk}) for pk in ids])


def _exercise(operation, strategy, headers, figures, problems):
    @settings(max_examples=EXAMPLES + REAL_IDS, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        with _connection_kept():
            response = case.call(headers=headers)
        figures["requests"] += 1
        figures[f"{response.status_code // 100}xx"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:  # keep going, so the figures count every violation
            for failure in group.exceptions:
                figures["violations"] += 1
                key = (operation.label, failure.title, response.status_code)
                problems.setdefault(key, f"{failure}\n{case.as_curl_command(headers=headers)}")

    run()


def test_every_operation_answers_as_its_schema_says(demo_data):
    """One test for both roles, so the demo data is seeded once (about 20 seconds)."""
    problems = {}
    for role, email in ROLES.items():
        _run_as(role, demo_data[email], problems)
    summary = "\n".join(f"{label} [{status}] {title}" for label, title, status in sorted(problems))
    first = "\n\n".join(list(problems.values())[:5])
    assert not problems, f"{summary}\n\nThe first few:\n{first}"


def _run_as(role, user, problems):
    headers = _token(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
    raw = client.get("/api/schema/?format=json").json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()  # in-process, in the test's transaction

    figures = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        figures["operations"] += 1
        _exercise(operation, _strategy(operation, _collection_ids(client, operation.path)), headers, figures, problems)

    print(f"\nschemathesis as {role}: {figures['operations']} operations, {figures['requests']} requests, "
          f"{figures['5xx']} 5xx, {figures['violations']} schema violations; by status: "
          + ", ".join(f"{k} {v}" for k, v in sorted(figures.items()) if k.endswith("xx")))
    assert figures["operations"] >= 50, "the schema lost its operations"
