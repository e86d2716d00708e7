"""The cohorts REST API: scoped like the pages (404 for cohorts that do not name the caller's organisation),
members with their tier history, reviews recorded, plan actions added and updated, in the OpenAPI schema."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cohorts import services
from cohorts.models import PlanAction
from partners import token_services
from partners.access import acting_for
from partners.models import AuditEvent

from .factories import NOW, make_cohort, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def api(user):
    _, secret = token_services.create_token(acting_for(user), "Test partner system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture
def member(vru_acting, cohort, person):
    return services.add_member(vru_acting, cohort, young_person=person, tier=3, lead_agency=cohort.lead_organisation,
                               reason="Seen carrying a knife.", joined_on=datetime.date(2026, 11, 2), now=NOW)


def test_the_vru_lists_every_cohort_and_a_partner_only_those_naming_it(triager, caseworker, outsider, cohort, police):
    other = make_cohort(by=triager, lead=police, name="Operation Example", tier_model="scaled")
    names = {user.email: [c["name"] for c in api(user).get(reverse("api-cohort-list")).json()["results"]]
             for user in (triager, caseworker, outsider)}
    assert names == {"triager@test.example.org": ["Operation Example", "Walsall youth at risk 1"],
                     "caseworker@yos.example.org": ["Walsall youth at risk 1"],
                     "caseworker@outside-yos.example.org": []}
    body = api(triager).get(reverse("api-cohort-detail", args=[other.pk])).json()
    assert body["tier_model"] == "scaled" and [t["tier"] for t in body["tiers"]] == [1, 2, 3, 4, 5]
    assert api(caseworker).get(reverse("api-cohort-detail", args=[other.pk])).status_code == 404


def test_a_member_comes_with_the_tier_history_and_opening_it_is_audited(triager, caseworker, vru_acting, member):
    services.change_tier(vru_acting, member, tier=2, reason="Arrested with a knife.", now=NOW)
    body = api(caseworker).get(reverse("api-cohort-member-detail", args=[member.pk])).json()
    assert body["tier"] == 2 and body["tier_name"].startswith("FPVT")
    assert [(h["kind"], h["from_tier"], h["to_tier"], h["reason"], h["by"]) for h in body["tier_history"]] == [
        ("joined", None, 3, "Seen carrying a knife.", str(triager)),
        ("changed", 3, 2, "Arrested with a knife.", str(triager)),
    ]
    assert body["review_state"] == "soon" and body["next_review_on"] == "2026-11-30"
    assert AuditEvent.objects.filter(action="view", object_type="cohorts.cohortmembership", object_id=str(member.pk),
                                     young_person_id=member.young_person_id).exists()


def test_others_members_reviews_and_actions_answer_404(outsider, member, yos):
    action = services.add_plan_action(acting_for(member.added_by), member, strand="prevent", description="Mentoring",
                                      owner=yos, due_on=datetime.date(2026, 12, 1), now=NOW)
    client = api(outsider)
    assert client.get(reverse("api-cohort-detail", args=[member.cohort_id])).status_code == 404
    assert client.get(reverse("api-cohort-member-detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("api-plan-action-detail", args=[action.pk])).status_code == 404
    assert client.post(reverse("api-plan-action-status", args=[action.pk]), {"status": "done"}).status_code == 404
    assert client.post(reverse("api-cohort-member-reviews", args=[member.pk]), {}).status_code == 404
    assert client.get(reverse("api-cohort-member-list")).json()["results"] == []
    assert client.get(reverse("api-plan-action-list")).json()["results"] == []


def test_schools_may_not_use_the_cohorts_api(referrer):
    assert api(referrer).get(reverse("api-cohort-list")).status_code == 403


def test_the_vru_records_a_review_and_the_next_is_four_weeks_on(triager, member, yos, police):
    response = api(triager).post(reverse("api-cohort-member-reviews", args=[member.pk]), {
        "held_on": "2026-11-23", "attendees": [yos.pk, police.pk], "summary": "Stable at school.", "tier_decision": 4,
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["next_review_on"] == "2026-12-21" and body["tier_decision"] == 4
    assert sorted(a["name"] for a in body["attendees"]) == sorted([yos.name, police.name])
    member.refresh_from_db()
    assert member.tier == 4 and member.tier_changes.filter(kind="changed", review_id=body["id"]).exists()


def test_a_review_with_bad_input_is_400_with_the_services_messages_and_partners_get_403(triager, caseworker, member):
    response = api(triager).post(reverse("api-cohort-member-reviews", args=[member.pk]), {
        "held_on": "2026-11-25", "attendees": [], "summary": "", "tier_decision": 8}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "held_on": ["The review date must be today or in the past"],
        "attendees": ["Select the organisations that attended"],
        "summary": ["Summarise the review"],
        "tier_decision": ["Select a tier of the PIP4 model (high threat): 1 to 6"],
    }
    response = api(caseworker).post(reverse("api-cohort-member-reviews", args=[member.pk]), {
        "held_on": "2026-11-23", "attendees": [member.lead_agency_id], "summary": "We met.", "tier_decision": 3},
        format="json")
    assert response.status_code == 403


def test_the_vru_adds_a_plan_action_and_the_owner_marks_it_done(triager, caseworker, decision_maker, member, yos):
    response = api(triager).post(reverse("api-plan-action-list"), {
        "membership": member.pk, "strand": "prevent", "description": "Mentoring", "owner": yos.pk, "due_on": "2026-12-01",
    }, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api(decision_maker).post(reverse("api-plan-action-status", args=[pk]), {"status": "done"}).status_code == 403
    response = api(caseworker).post(reverse("api-plan-action-status", args=[pk]), {"status": "done", "note": "Met."})
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert PlanAction.objects.get(pk=pk).updated_by == caseworker
    mine = api(caseworker).get(reverse("api-plan-action-list"), {"mine": "true"}).json()["results"]
    assert [a["id"] for a in mine] == [pk]


def test_a_plan_action_for_a_member_the_caller_cannot_see_is_refused(triager, outsider, member, yos):
    # Only the VRU adds actions; a partner's attempt is refused before the member is even looked up.
    response = api(outsider).post(reverse("api-plan-action-list"), {
        "membership": member.pk, "strand": "prevent", "description": "Mentoring", "owner": yos.pk, "due_on": "2026-12-01",
    }, format="json")
    assert response.status_code == 403


def test_member_lists_cost_the_same_whatever_their_length(triager, cohort):
    for _ in range(3):
        make_member(cohort, by=triager)
    client = api(triager)
    url = reverse("api-cohort-member-list")
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url, {"cohort": cohort.pk}).json()["results"]) == 3
    for _ in range(27):
        make_member(cohort, by=triager)
    with CaptureQueriesContext(connection) as thirty:
        assert len(client.get(url, {"cohort": cohort.pk}).json()["results"]) == 30
    assert len(three) == len(thirty)


def test_the_cohort_endpoints_are_in_the_openapi_schema(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/api/v1/cohorts/", "/api/v1/cohorts/{id}/", "/api/v1/cohort-members/", "/api/v1/cohort-members/{id}/",
                 "/api/v1/cohort-members/{id}/reviews/", "/api/v1/plan-actions/", "/api/v1/plan-actions/{id}/status/"):
        assert f"  {path}:" in schema, path
    for enum in ("TierModelEnum", "PlanStrandEnum", "PlanActionStatusEnum", "TierChangeKindEnum"):
        assert f"    {enum}:" in schema, enum
