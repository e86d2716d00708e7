"""The REST API (/api/v1/): what each caller may see and do, its error answers, and its cost per page."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partners import token_services
from partners.access import acting_for
from partners.models import ApiToken, AuditAction, AuditEvent
from partners.models import OrganisationKind as K
from referrals import services
from referrals.models import Allocation, Referral, ReferralConcern, Status
from tests.factories import OrganisationFactory, member
from tests.referrals.factories import ReferralFactory, referral_data

pytestmark = pytest.mark.django_db

LIST = reverse("api-referral-list")


def detail(referral, action=""):
    if action:
        return reverse(f"api-referral-{action}", args=[referral.pk if hasattr(referral, "pk") else referral])
    return reverse("api-referral-detail", args=[referral.pk if hasattr(referral, "pk") else referral])


def token_client(user, organisation=None):
    acting = acting_for(user, organisation.pk if organisation else None)
    _, secret = token_services.create_token(acting, "Test partner system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def payload(**overrides):
    data = referral_data(**overrides)
    if isinstance(data.get("date_of_birth"), datetime.date):
        data["date_of_birth"] = data["date_of_birth"].isoformat()
    return data


def post_referral(client, key=None, **overrides):
    headers = {"Idempotency-Key": str(key)} if key else {}
    return client.post(LIST, payload(**overrides), format="json", headers=headers)


def submitted(user, **overrides):
    acting = acting_for(user)
    now = timezone.now()
    return services.submit_referral(acting, services.save_draft(acting, referral_data(**overrides), now=now), now=now)


# --- Creating and submitting ---------------------------------------------------------------


def test_a_school_creates_and_submits_a_referral_with_its_token(referrer):
    response = post_referral(token_client(referrer), submit=True)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["status_display"] == "Submitted"
    assert body["reference"].startswith("VRU-") and body["received_at"] and body["triage_deadline"]
    assert body["concerns"] == ["weapon"] and body["postcode"] == "B1 1AA"
    assert body["rag"] is None and body["allocated_to"] is None and body["decision"] is None
    assert response["Location"] == detail(body["id"])
    referral = Referral.objects.get()
    assert referral.created_by == referrer and referral.status == Status.SUBMITTED


def test_without_submit_the_referral_stays_a_draft_and_can_be_submitted_later(referrer):
    client = token_client(referrer)
    response = post_referral(client, account="")  # a draft may be incomplete
    assert response.status_code == 201 and response.json()["status"] == "draft"
    referral_id = response.json()["id"]
    refused = client.post(detail(referral_id, "submit"))
    assert refused.status_code == 400 and "account" in refused.json()
    Referral.objects.filter(pk=referral_id).update(account="Seen with a knife.")
    ok = client.post(detail(referral_id, "submit"))
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"


def test_a_repeated_post_with_the_same_idempotency_key_makes_one_referral(referrer):
    client, key = token_client(referrer), uuid.uuid4()
    first = post_referral(client, key=key, submit=True)
    again = post_referral(client, key=key, submit=True)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["reference"] == again.json()["reference"]
    assert Referral.objects.count() == 1
    assert post_referral(client, key=uuid.uuid4(), submit=True).status_code == 201  # a new key: a new referral
    assert Referral.objects.count() == 2


def test_an_idempotency_key_that_is_not_a_uuid_is_refused(referrer):
    response = post_referral(token_client(referrer), key="twice-please")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Referral.objects.exists()


def test_another_organisations_idempotency_key_does_not_return_its_referral(referrer, other_referrer):
    key = uuid.uuid4()
    post_referral(token_client(referrer), key=key, submit=True)
    response = post_referral(token_client(other_referrer), key=key, submit=True)
    assert response.status_code == 409
    assert "Jordan" not in response.content.decode()


def test_a_failed_submission_saves_nothing_so_a_corrected_retry_with_the_same_key_works(referrer):
    client, key = token_client(referrer), uuid.uuid4()
    assert post_referral(client, key=key, submit=True, lawful_basis="").status_code == 400
    assert not Referral.objects.exists()
    response = post_referral(client, key=key, submit=True)
    assert response.status_code == 201 and response.json()["status"] == "submitted"


def _years_ago(years):
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"date_of_birth": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()}, "date_of_birth"),
        ({"date_of_birth": _years_ago(26)}, "date_of_birth"),
        ({"postcode": "NOT A POSTCODE"}, "postcode"),
        ({"postcode": "Q1 1AA"}, "postcode"),  # no postcode area starts with Q
        ({"upn": "A12345678901"}, "upn"),
        ({"upn": "B801200001001"}, "upn"),  # the right shape, the wrong check letter
        ({"nhs_number": "9434765918"}, "nhs_number"),  # the check digit of 943 476 5919 is 9
        ({"nhs_number": "12345"}, "nhs_number"),
        ({"lawful_basis": ""}, "lawful_basis"),
        ({"account": ""}, "account"),
        ({"account": "   "}, "account"),
        ({"account": "x" * 20001}, "account"),
        ({"concerns": []}, "concerns"),
        ({"concerns": ["not-a-concern"]}, "concerns"),
        ({"sex": "unknown"}, "sex"),
        ({"date_of_birth": "14/03/2010"}, "date_of_birth"),
    ],
)
def test_an_invalid_referral_gets_400_with_the_field_to_blame_and_nothing_is_saved(referrer, overrides, field):
    response = post_referral(token_client(referrer), submit=True, **overrides)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert all(isinstance(message, str) for message in response.json()[field])
    assert not Referral.objects.exists()


def test_a_spaced_nhs_number_and_a_lower_case_postcode_are_accepted_and_stored_canonically(referrer):
    response = post_referral(token_client(referrer), submit=True, nhs_number="943 476 5919", postcode="b11aa")
    assert response.status_code == 201, response.json()
    assert (response.json()["nhs_number"], response.json()["postcode"]) == ("9434765919", "B1 1AA")


def test_a_concern_named_twice_is_one_concern(referrer):
    response = post_referral(token_client(referrer), submit=True, concerns=["weapon", "gang", "weapon"])
    assert response.status_code == 201
    assert sorted(response.json()["concerns"]) == ["gang", "weapon"]


def test_only_a_referrer_role_creates_referrals(triager, caseworker):
    for user in (triager, caseworker):
        assert post_referral(token_client(user), submit=True).status_code == 403
    assert not Referral.objects.exists()


# --- Who sees what ---------------------------------------------------------------------------


def test_a_school_token_sees_only_its_own_referrals(referrer, other_referrer, triager):
    mine = submitted(other_referrer, given_name="Mine")
    theirs = submitted(referrer, given_name="Theirs")
    services.claim(acting_for(triager), theirs, now=timezone.now())
    services.decide(acting_for(triager), theirs, decision="request_info", question="Which year group?", now=timezone.now())
    their_draft = services.save_draft(acting_for(referrer), referral_data(), now=timezone.now())
    client = token_client(other_referrer)
    listed = client.get(LIST).json()
    assert [r["id"] for r in listed["results"]] == [mine.pk]
    for referral in (theirs, their_draft):
        assert client.get(detail(referral)).status_code == 404
        assert client.post(detail(referral, "submit")).status_code == 404
        assert client.post(detail(referral, "answer"), {"answer": "Not mine"}, format="json").status_code == 404
    assert client.get(detail(999999)).status_code == 404  # the same answer as for a record that does not exist
    their_draft.refresh_from_db()
    assert their_draft.status == Status.DRAFT
    assert theirs.info_requests.get().answered_at is None


def test_the_vru_sees_every_submitted_referral_but_not_another_organisations_draft(referrer, triager):
    sent = submitted(referrer)
    draft = services.save_draft(acting_for(referrer), referral_data(), now=timezone.now())
    client = token_client(triager)
    assert [r["id"] for r in client.get(LIST).json()["results"]] == [sent.pk]
    assert client.get(detail(draft)).status_code == 404
    assert client.get(detail(sent)).status_code == 200


def test_opening_a_referral_is_audited(referrer):
    referral = submitted(referrer)
    assert token_client(referrer).get(detail(referral)).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="referrals.referral",
                                     object_id=str(referral.pk), actor=referrer).exists()


def test_the_list_filters(referrer):
    urgent = submitted(referrer, urgent=True, urgency_reason="Threats made this morning.", area="coventry")
    calm = submitted(referrer, concerns=["gang"])
    client = token_client(referrer)

    def ids(**query):
        response = client.get(LIST, query)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids(urgent="true") == {urgent.pk}
    assert ids(area="coventry") == {urgent.pk}
    assert ids(concern="gang") == {calm.pk}
    assert ids(status=["submitted", "draft"]) == {urgent.pk, calm.pk}
    assert ids(status="allocated") == set()
    today = timezone.localdate()
    assert ids(received_after=today.isoformat(), received_before=today.isoformat()) == {urgent.pk, calm.pk}
    assert ids(received_after=(today + datetime.timedelta(days=1)).isoformat()) == set()
    assert client.get(LIST, {"area": "atlantis"}).status_code == 400


def test_a_partner_sees_a_referral_only_once_allocated_and_loses_it_after_handing_back(referrer, triager, caseworker, yos):
    referral = submitted(referrer)
    partner, vru = token_client(caseworker), token_client(triager)
    assert partner.get(LIST).json()["results"] == []
    assert partner.get(detail(referral)).status_code == 404
    assert partner.get(reverse("api-allocation-list")).json()["count"] == 0

    assert vru.post(detail(referral, "claim")).status_code == 200
    decided = vru.post(detail(referral, "decide"), {"decision": "allocate", "rag": "amber", "organisation": yos.pk,
                                                     "programme": "Mentoring"}, format="json")
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "allocated" and decided.json()["allocated_to"] == "Test YOS"

    seen = partner.get(detail(referral))
    assert seen.status_code == 200 and seen.json()["rag"] == "amber" and seen.json()["allocated_to"] == "Test YOS"
    allocations = partner.get(reverse("api-allocation-list")).json()["results"]
    assert [a["referral"]["id"] for a in allocations] == [referral.pk] and allocations[0]["referral"]["rag"] == "amber"
    allocation_id = allocations[0]["id"]
    # The referrer sees the decision and where it went, not the risk rating.
    school_view = token_client(referrer).get(detail(referral)).json()
    assert school_view["decision"] == "allocate" and school_view["allocated_to"] == "Test YOS" and school_view["rag"] is None
    # The lists say the same as the records.
    [listed] = partner.get(LIST).json()["results"]
    assert (listed["rag"], listed["allocated_to"]) == ("amber", "Test YOS")
    [school_listed] = token_client(referrer).get(LIST).json()["results"]
    assert (school_listed["rag"], school_listed["allocated_to"]) == (None, "Test YOS")

    accepted = partner.post(reverse("api-allocation-accept", args=[allocation_id]))
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted" and accepted.json()["first_contact_due"]
    empty = partner.post(reverse("api-allocation-hand-back", args=[allocation_id]), {"reason": " "}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()
    handed = partner.post(reverse("api-allocation-hand-back", args=[allocation_id]), {"reason": "No capacity."}, format="json")
    assert handed.status_code == 200 and handed.json()["state"] == "handed_back"

    assert partner.get(detail(referral)).status_code == 404
    assert partner.get(LIST).json()["results"] == []
    assert partner.get(reverse("api-allocation-list")).json()["count"] == 0
    assert partner.get(reverse("api-allocation-detail", args=[allocation_id])).status_code == 404
    assert vru.get(detail(referral)).json()["status"] == "in_triage"
    assert [r["allocated_to"] for r in vru.get(LIST).json()["results"]] == [None]


def test_another_partners_allocation_is_404_and_other_roles_get_403(referrer, triager, caseworker, yos):
    other_yos = OrganisationFactory(kind=K.YOS, name="Another YOS")
    referral = submitted(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="allocate", rag="green", organisation=other_yos,
                    programme="Mentoring", now=timezone.now())
    allocation = referral.allocations.get()
    assert token_client(caseworker).get(reverse("api-allocation-detail", args=[allocation.pk])).status_code == 404
    assert token_client(caseworker).post(reverse("api-allocation-accept", args=[allocation.pk])).status_code == 404
    assert token_client(referrer).get(reverse("api-allocation-list")).status_code == 403
    allocation.refresh_from_db()
    assert allocation.state == Allocation.State.PENDING


# --- Triage ----------------------------------------------------------------------------------


def test_the_triage_queue_in_sections(referrer, triager):
    later = submitted(referrer)
    urgent = submitted(referrer, urgent=True, urgency_reason="Threats made this morning.")
    client = token_client(triager)
    client.post(detail(later, "claim"))
    response = client.get(reverse("api-triage-queue"))
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["results"]] == [urgent.pk, later.pk]
    assert body["results"][0]["section"] == "urgent" and body["results"][0]["concerns"] == ["weapon"]
    assert body["results"][1]["claimed_by"] == str(triager) and body["results"][0]["claimed_by"] is None
    assert {s["key"]: s["count"] for s in body["sections"]}["urgent"] == 1
    assert set(body["results"][0]) >= {"id", "reference", "section", "deadline", "urgent", "source", "area", "concerns",
                                       "is_re_referral", "has_open_match", "claimed_by"}
    assert client.get(reverse("api-triage-queue"), {"area": "walsall"}).json()["count"] == 0
    assert token_client(referrer).get(reverse("api-triage-queue")).status_code == 403


def test_take_next_claims_the_most_pressing_then_answers_204(referrer, triager):
    later = submitted(referrer)
    urgent = submitted(referrer, urgent=True, urgency_reason="Threats made this morning.")
    client = token_client(triager)
    taken = []
    while (response := client.post(reverse("api-triage-next"))).status_code == 200:
        taken.append(response.json()["id"])
        signpost = {"decision": "signpost", "rag": "green", "signpost_to": "Youth club"}
        assert client.post(detail(response.json()["id"], "decide"), signpost, format="json").status_code == 200
    assert response.status_code == 204 and not response.content
    assert taken == [urgent.pk, later.pk]
    assert token_client(referrer).post(reverse("api-triage-next")).status_code == 403


def test_a_claim_held_by_another_triager_is_409(referrer, triager, vru):
    colleague = member(role="triager", organisation=vru, email="colleague@test.example.org")
    referral = submitted(referrer)
    assert token_client(triager).post(detail(referral, "claim")).status_code == 200
    response = token_client(colleague).post(detail(referral, "claim"))
    assert response.status_code == 409
    assert "is working on this referral" in response.json()["detail"]
    decided = token_client(colleague).post(detail(referral, "decide"), {"decision": "signpost", "rag": "green",
                                                                         "signpost_to": "Youth club"}, format="json")
    assert decided.status_code == 409
    assert token_client(colleague).post(detail(referral, "release")).status_code == 400  # not theirs to release
    assert token_client(triager).post(detail(referral, "release")).status_code == 200
    assert token_client(colleague).post(detail(referral, "claim")).status_code == 200


def test_a_decision_not_allowed_from_the_status_is_400(referrer, triager, yos):
    referral = submitted(referrer)
    client = token_client(triager)
    client.post(detail(referral, "claim"))
    signposted = client.post(detail(referral, "decide"), {"decision": "signpost", "rag": "green", "signpost_to": "Youth club"},
                             format="json")
    assert signposted.status_code == 200 and signposted.json()["status"] == "signposted"
    response = client.post(detail(referral, "decide"), {"decision": "allocate", "rag": "red", "organisation": yos.pk,
                                                         "programme": "Knife crime programme"}, format="json")
    assert response.status_code == 400
    assert "signposted" in " ".join(response.json()["non_field_errors"])
    assert not Allocation.objects.exists()


def test_a_decision_needs_its_details_and_only_a_partner_organisation(referrer, other_school, triager):
    referral = submitted(referrer)
    client = token_client(triager)
    client.post(detail(referral, "claim"))
    missing = client.post(detail(referral, "decide"), {"decision": "allocate"}, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"rag", "organisation", "programme"}
    school = client.post(detail(referral, "decide"), {"decision": "allocate", "rag": "red", "organisation": other_school.pk,
                                                       "programme": "X"}, format="json")
    assert school.status_code == 400 and "organisation" in school.json()
    assert client.post(detail(referral, "decide"), {"decision": "shrug"}, format="json").status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE and not Allocation.objects.exists()


def test_only_triagers_decide(referrer, caseworker):
    referral = submitted(referrer)
    body = {"decision": "decline", "rag": "green", "decline_reason": "threshold", "reason": "Below threshold."}
    assert token_client(referrer).post(detail(referral, "decide"), body, format="json").status_code == 403
    assert token_client(caseworker).post(detail(referral, "decide"), body, format="json").status_code == 404  # not theirs


def test_a_decision_on_an_unclaimed_referral_is_403_claim_it_first(referrer, triager):
    referral = submitted(referrer)
    body = {"decision": "signpost", "rag": "green", "signpost_to": "Youth club"}
    refused = token_client(triager).post(detail(referral, "decide"), body, format="json")
    assert refused.status_code == 403 and "Claim this referral" in refused.json()["detail"]
    assert token_client(triager).post(detail(referral, "claim")).status_code == 200
    assert token_client(triager).post(detail(referral, "decide"), body, format="json").status_code == 200


def test_the_referrer_answers_the_vrus_question(referrer, triager):
    referral = submitted(referrer)
    token_client(triager).post(detail(referral, "claim"))
    asked = token_client(triager).post(detail(referral, "decide"), {"decision": "request_info", "question": "Which year?"},
                                       format="json")
    assert asked.status_code == 200 and asked.json()["status"] == "info_requested"
    client = token_client(referrer)
    assert client.post(detail(referral, "answer"), {"answer": ""}, format="json").status_code == 400
    answered = client.post(detail(referral, "answer"), {"answer": "Year 10."}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "in_triage"
    again = client.post(detail(referral, "answer"), {"answer": "Again."}, format="json")
    assert again.status_code == 400 and again.json()["non_field_errors"]


# --- Young people ----------------------------------------------------------------------------


def test_young_people_are_for_the_vru_and_opening_one_is_audited(referrer, other_referrer, triager):
    referral = submitted(referrer)
    client = token_client(triager)
    listed = client.get(reverse("api-young-person-list"))
    assert listed.status_code == 200 and [p["id"] for p in listed.json()["results"]] == [referral.young_person_id]
    opened = client.get(reverse("api-young-person-detail", args=[referral.young_person_id]))
    assert opened.status_code == 200 and opened.json()["given_name"] == "Jordan"
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="referrals.youngperson", actor=triager).count() == 1
    assert client.get(reverse("api-young-person-detail", args=[999999])).status_code == 404
    for user in (referrer, other_referrer):
        assert token_client(user).get(reverse("api-young-person-list")).status_code == 403
        assert token_client(user).get(reverse("api-young-person-detail", args=[referral.young_person_id])).status_code == 403


# --- Tokens and authentication ------------------------------------------------------------------


def test_a_revoked_token_is_refused_with_401(referrer):
    token, secret = token_services.create_token(acting_for(referrer), "Soon revoked")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(LIST).status_code == 200
    token_services.revoke_token(acting_for(referrer), token)
    response = client.get(LIST)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert post_referral(client, submit=True).status_code == 401
    assert not Referral.objects.exists()


def test_the_token_is_stored_only_as_a_hash(referrer):
    token, secret = token_services.create_token(acting_for(referrer), "Hashed")
    assert token.key_hash == token_services.hash_secret(secret) and token.key_prefix == secret[:8]
    with connection.cursor() as cursor:
        for table in (ApiToken._meta.db_table, AuditEvent._meta.db_table):
            cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t")  # every column of every row, as text
            rows = [row[0] for row in cursor.fetchall()]
            assert rows and not any(secret in row for row in rows), table


def test_session_sign_in_works_too_and_needs_a_csrf_token_for_writes(referrer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(referrer)
    assert client.get(LIST).status_code == 200
    assert post_referral(client, submit=True).status_code == 403  # no CSRF token
    assert post_referral(token_client(referrer), submit=True).status_code == 201  # a token needs none


def _api_urls(objects):
    """Every API route, with a real object's id where the route needs one."""
    referral, allocation, person = objects
    return [
        ("get", LIST), ("post", LIST), ("get", detail(referral)),
        *[("post", detail(referral, name)) for name in ("submit", "answer", "claim", "release", "decide")],
        ("get", reverse("api-triage-queue")), ("post", reverse("api-triage-next")),
        ("get", reverse("api-young-person-list")), ("get", reverse("api-young-person-detail", args=[person])),
        ("get", reverse("api-allocation-list")), ("get", reverse("api-allocation-detail", args=[allocation])),
        ("post", reverse("api-allocation-accept", args=[allocation])),
        ("post", reverse("api-allocation-hand-back", args=[allocation])),
        ("get", reverse("api-schema")), ("get", reverse("api-docs")),
    ]


@pytest.mark.parametrize("credentials", [None, "Token not-a-real-token", "Token", "Bearer abc", "Token a b"])
def test_without_valid_credentials_every_api_route_is_refused(referrer, triager, yos, credentials):
    referral = submitted(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="allocate", rag="amber", organisation=yos, programme="M",
                    now=timezone.now())
    client = APIClient()
    if credentials:
        client.credentials(HTTP_AUTHORIZATION=credentials)
    before = Referral.objects.get().status
    for method, url in _api_urls((referral, referral.allocations.get().pk, referral.young_person_id)):
        response = client.get(url) if method == "get" else client.post(url, {}, format="json")
        assert response.status_code in (401, 403), f"{method} {url}: {response.status_code}"
        assert "Jordan" not in response.content.decode()
    assert Referral.objects.get().status == before and Referral.objects.count() == 1


# --- Cost per page -----------------------------------------------------------------------------

# Measured: token lookup, the token's memberships, the page of rows with each one's live partner (keyset: no count),
# and the concerns.
LIST_QUERIES = 4


def _make_referrals(referrer, yos, triager, n):
    for _ in range(n):
        referral = ReferralFactory(created_by=referrer)
        ReferralConcern.objects.bulk_create([ReferralConcern(referral=referral, concern=c) for c in ("weapon", "gang")])
        Allocation.objects.create(referral=referral, organisation=yos, programme="Mentoring", allocated_by=triager,
                                  accept_due=timezone.now())


def _list_queries(client, expected_count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    body = response.json()
    assert response.status_code == 200 and len(body["results"]) == min(expected_count, 50)
    assert (body["next"] is not None) == (expected_count > 50)
    assert all(r["allocated_to"] == "Test YOS" and r["concerns"] == ["gang", "weapon"] for r in response.json()["results"])
    return len(queries)


def test_the_list_is_read_newest_first_a_page_at_a_time_by_following_next(referrer, triager, yos):
    _make_referrals(referrer, yos, triager, 60)
    client = token_client(triager)
    first = client.get(LIST).json()
    second = client.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    newest_first = list(Referral.objects.exclude(status="draft").order_by("-created_at", "-id").values_list("pk", flat=True))
    assert len(first["results"]) == 50 and ids == newest_first and second["next"] is None
    assert client.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize("who", ["triager", "referrer"])
def test_the_list_costs_the_same_number_of_queries_for_5_and_60_referrals(request, referrer, triager, yos, who):
    client = token_client(request.getfixturevalue(who))
    client.get(LIST)  # the token's last_used_at is written on first use, not on every request
    _make_referrals(referrer, yos, triager, 5)
    few = _list_queries(client, 5)
    _make_referrals(referrer, yos, triager, 55)
    many = _list_queries(client, 60)
    assert few == many == LIST_QUERIES


def test_the_queue_and_allocation_lists_cost_the_same_number_of_queries_for_5_and_60(referrer, triager, caseworker, yos):
    def count(client, url, expected):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and response.json()["count"] == expected
        return len(queries)

    vru, partner = token_client(triager), token_client(caseworker)
    vru.get(LIST), partner.get(LIST)
    _make_referrals(referrer, yos, triager, 5)
    queue_few, allocations_few = count(vru, reverse("api-triage-queue"), 5), count(partner, reverse("api-allocation-list"), 5)
    _make_referrals(referrer, yos, triager, 55)
    assert count(vru, reverse("api-triage-queue"), 60) == queue_few
    assert count(partner, reverse("api-allocation-list"), 60) == allocations_few


# --- Schema and docs ---------------------------------------------------------------------------


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn exits non-zero on any warning or error, including an endpoint it cannot describe.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/api/v1/referrals/", "/api/v1/referrals/{id}/decide/", "/api/v1/triage/queue/",
                 "/api/v1/allocations/{id}/hand-back/", "/api/v1/young-people/{id}/"):
        assert f"  {path}:" in schema
    assert "tokenAuth" in schema


def test_the_schema_and_docs_need_sign_in_and_the_docs_use_no_inline_script(referrer):
    client = APIClient()
    assert client.get(reverse("api-schema")).status_code == 401
    assert client.get(reverse("api-docs")).status_code == 401
    client.force_login(referrer)
    assert client.get(reverse("api-schema")).status_code == 200
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "?script=" in html and "cdn" not in html.lower()
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "script-src 'self'" in page["Content-Security-Policy"]
