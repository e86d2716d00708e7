"""The VRU's triage pages and the partner's allocation pages, through the test client."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.access import acting_for
from referrals import services
from referrals.models import Allocation, Referral, ReferralConcern, Status
from tests.factories import date_parts, member
from tests.referrals.factories import ReferralFactory, referral_data

pytestmark = pytest.mark.django_db


def submit(user, now=None, **overrides):
    now = now or timezone.now()
    acting = acting_for(user)
    return services.submit_referral(acting, services.save_draft(acting, referral_data(**overrides), now=now), now=now)


def test_the_queue_shows_sections_in_order_with_counts_and_flags(client, triager, referrer):
    now = timezone.now()
    overdue = submit(referrer, now=now - timedelta(days=8))
    urgent = submit(referrer, urgent=True, urgency_reason="Immediate risk.")
    later = submit(referrer, given_name="Jordon")  # a possible duplicate of the first
    client.force_login(triager)
    page = client.get(reverse("triage-queue"))
    assert page.status_code == 200
    sections = {s["key"]: [r.pk for r in s["items"]] for s in page.context["sections"]}
    assert list(sections) == ["urgent", "overdue", "due_today", "due_later", "returned"]
    assert sections["overdue"] == [overdue.pk] and sections["urgent"] == [urgent.pk]
    assert later.pk in sections["due_today"] + sections["due_later"]
    html = page.content.decode()
    assert "Possible duplicate" in html and html.index(urgent.reference) < html.index(overdue.reference)


def test_the_queue_filters_by_area_source_concern_and_rag(client, triager, referrer):
    submit(referrer, area="walsall", concerns=["gang"])
    birmingham = submit(referrer, area="birmingham", concerns=["weapon"])
    client.force_login(triager)
    page = client.get(reverse("triage-queue"), {"area": "birmingham", "concern": "weapon"})
    assert [r.pk for s in page.context["sections"] for r in s["items"]] == [birmingham.pk]
    page = client.get(reverse("triage-queue"), {"concern": "exploitation"})
    assert page.context["total"] == 0


def _queue_queries(client, triager):
    client.force_login(triager)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("triage-queue")).status_code == 200
    return len(queries)


def _make_referrals(user, n):
    for _ in range(n):
        referral = ReferralFactory(created_by=user, status=Status.SUBMITTED)
        ReferralConcern.objects.create(referral=referral, concern="weapon")


def test_the_queue_costs_the_same_number_of_queries_for_5_and_200_items(client, triager, referrer):
    _make_referrals(referrer, 5)
    few = _queue_queries(client, triager)
    _make_referrals(referrer, 195)
    many = _queue_queries(client, triager)
    assert few == many, (few, many)
    assert many <= 12


def _overdue_referrals(user, n):
    _make_referrals(user, n)
    Referral.objects.filter(status=Status.SUBMITTED).update(triage_deadline=timezone.now() - timedelta(hours=2))
    return list(Referral.objects.filter(status=Status.SUBMITTED).order_by("triage_deadline", "id").values_list("pk", flat=True))


def test_a_long_section_shows_its_first_20_and_a_link_to_all_of_them(client, triager, referrer):
    overdue = _overdue_referrals(referrer, 25)
    client.force_login(triager)
    page = client.get(reverse("triage-queue"))
    section = next(s for s in page.context["sections"] if s["key"] == "overdue")
    assert section["count"] == 25 and [r.pk for r in section["items"]] == overdue[:20]
    html = page.content.decode()
    assert 'data-testid="count-overdue">25<' in html and "Show all 25" in html

    whole = client.get(reverse("triage-queue"), {"section": "overdue"})
    assert [s["key"] for s in whole.context["shown"]] == ["overdue"]
    assert [r.pk for r in whole.context["shown"][0]["items"]] == overdue
    assert "Show all" not in whole.content.decode() and "Back to the whole queue" in whole.content.decode()


def test_one_section_is_paged_and_a_page_past_the_end_shows_the_last(client, triager, referrer, monkeypatch):
    monkeypatch.setattr("referrals.views_triage.QUEUE_PAGE", 10)
    overdue = _overdue_referrals(referrer, 25)
    client.force_login(triager)
    second = client.get(reverse("triage-queue"), {"section": "overdue", "page": "2"})
    assert [r.pk for r in second.context["shown"][0]["items"]] == overdue[10:20]
    assert 'aria-label="Page 2" aria-current="page"' in second.content.decode()
    past = client.get(reverse("triage-queue"), {"section": "overdue", "page": "9"})
    assert [r.pk for r in past.context["shown"][0]["items"]] == overdue[20:]
    unknown = client.get(reverse("triage-queue"), {"section": "nonsense"})
    assert len(unknown.context["shown"]) == 5


def test_a_section_costs_the_same_queries_for_a_page_of_25_and_of_250(client, triager, referrer):
    _overdue_referrals(referrer, 25)
    client.force_login(triager)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("triage-queue"), {"section": "overdue"})
    _overdue_referrals(referrer, 225)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("triage-queue"), {"section": "overdue", "page": "2"})
    assert len(few) == len(many)


def test_take_next_claims_the_most_pressing_item_and_opens_it(client, triager, referrer):
    submit(referrer)
    overdue = submit(referrer, now=timezone.now() - timedelta(days=8))
    client.force_login(triager)
    response = client.post(reverse("triage-next"))
    assert response["Location"] == reverse("triage-referral", args=[overdue.pk])
    overdue.refresh_from_db()
    assert overdue.claimed_by == triager and overdue.status == Status.IN_TRIAGE


def test_take_next_opens_an_urgent_referral_before_a_week_overdue_one(client, triager, referrer):
    now = timezone.now()
    submit(referrer, now=now - timedelta(days=9))
    urgent = [submit(referrer, now=now - timedelta(hours=hours), urgent=True, urgency_reason="Immediate risk.")
              for hours in (1, 5, 3, 2)]
    client.force_login(triager)
    response = client.post(reverse("triage-next"))
    assert response["Location"] == reverse("triage-referral", args=[urgent[1].pk])  # urgent and 1 hour overdue
    queue = client.get(reverse("triage-queue")).context["sections"]
    assert [s["key"] for s in queue if s["items"]] == ["urgent", "overdue"]
    assert queue[0]["items"] == [urgent[1], urgent[2], urgent[3], urgent[0]]


def test_a_claim_held_by_someone_else_is_refused_with_their_name(client, triager, referrer, vru):
    other = member(role="triager", organisation=vru, full_name="Other Triager")
    referral = submit(referrer)
    services.claim(acting_for(other), referral, now=timezone.now())
    client.force_login(triager)
    page = client.post(reverse("triage-claim", args=[referral.pk]), follow=True)
    assert "Other Triager is working on this referral" in page.content.decode()
    referral.refresh_from_db()
    assert referral.claimed_by == other


def test_allocating_from_the_triage_page(client, triager, referrer, yos):
    referral = submit(referrer)
    client.force_login(triager)
    assert client.get(reverse("triage-referral", args=[referral.pk])).status_code == 200
    client.post(reverse("triage-claim", args=[referral.pk]))
    response = client.post(reverse("triage-decide", args=[referral.pk]), {
        "decision": "allocate", "rag": "amber", "organisation": yos.pk, "programme": "Knife crime programme",
        "reason": "Meets the threshold.",
    })
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ALLOCATED and referral.allocations.get().organisation == yos


def test_a_decision_with_missing_details_shows_the_errors_and_changes_nothing(client, triager, referrer):
    referral = submit(referrer)
    client.force_login(triager)
    client.post(reverse("triage-claim", args=[referral.pk]))
    response = client.post(reverse("triage-decide", args=[referral.pk]), {"decision": "allocate"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Select the partner organisation to allocate to" in html
    assert "Select a risk rating" in html
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE and not Allocation.objects.exists()


def test_a_correction_from_the_page_keeps_the_original(client, triager, referrer):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="signpost", rag="green", signpost_to="Youth club",
                    now=timezone.now())
    event = referral.events.get(kind="signposted")
    client.force_login(triager)
    response = client.post(reverse("triage-correct", args=[event.pk]), {"summary": "", "reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(reverse("triage-correct", args=[event.pk]), {"summary": "Signposted to the sports hub.", "reason": "Wrong name."})
    page = client.get(reverse("triage-referral", args=[referral.pk])).content.decode()
    assert "Signposted to Youth club" in page and "Signposted to the sports hub." in page and "Wrong name." in page


def test_viewing_a_referral_for_triage_is_audited(client, triager, referrer):
    from partners.models import AuditEvent

    referral = submit(referrer)
    client.force_login(triager)
    client.get(reverse("triage-referral", args=[referral.pk]))
    event = AuditEvent.objects.filter(action="view", object_id=str(referral.pk)).get()
    assert event.actor == triager and event.young_person_id == referral.young_person_id


def test_opening_a_claimed_referral_writes_nothing_but_the_audit_and_keep_working_refreshes_the_claim(
        client, triager, referrer):
    """A GET does not write: the claim's clock runs from the last action, and "Keep working on it" (a POST) resets
    it without a second "Claimed" on the timeline."""
    referral = submit(referrer)
    earlier = timezone.now() - timedelta(minutes=90)
    services.claim(acting_for(triager), referral, now=earlier)
    client.force_login(triager)
    page = client.get(reverse("triage-referral", args=[referral.pk])).content.decode()
    assert "Keep working on it" in page and "You are working on this referral." in page
    referral.refresh_from_db()
    assert referral.claim_activity_at == earlier and referral.claimed_by == triager

    client.post(reverse("triage-claim", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.claimed_by == triager and referral.claim_activity_at > earlier
    assert referral.events.filter(kind="claimed").count() == 1


def test_the_partner_accepts_and_records_first_contact(client, triager, referrer, caseworker, yos):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="allocate", rag="red", organisation=yos,
                    programme="Mentoring", now=timezone.now())
    allocation = referral.allocations.get()
    client.force_login(caseworker)
    listing = client.get(reverse("allocations")).content.decode()
    assert referral.reference in listing
    assert referral.given_name in client.get(reverse("allocation-detail", args=[allocation.pk])).content.decode()
    client.post(reverse("allocation-accept", args=[allocation.pk]))
    future = timezone.localdate() + timedelta(days=3)
    bad = client.post(reverse("allocation-first-contact", args=[allocation.pk]), date_parts("on", future))
    assert bad.status_code == 400 and "must be today or in the past" in bad.content.decode()
    client.post(reverse("allocation-first-contact", args=[allocation.pk]), date_parts("on", timezone.localdate()))
    allocation.refresh_from_db()
    assert allocation.state == "accepted" and allocation.first_contact_at == timezone.localdate()


def test_handing_back_returns_it_to_the_queue_and_hides_it(client, triager, referrer, caseworker, yos):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="allocate", rag="amber", organisation=yos,
                    programme="Mentoring", now=timezone.now())
    allocation = referral.allocations.get()
    client.force_login(caseworker)
    empty = client.post(reverse("allocation-hand-back", args=[allocation.pk]), {"reason": ""})
    assert empty.status_code == 400
    client.post(reverse("allocation-hand-back", args=[allocation.pk]), {"reason": "No capacity."})
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE
    assert client.get(reverse("referral-detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("young-person", args=[referral.young_person_id])).status_code == 404
    client.force_login(triager)
    queue = client.get(reverse("triage-queue"))
    assert referral.pk in [r.pk for s in queue.context["sections"] if s["key"] in ("returned", "overdue") for r in s["items"]]


def test_the_vru_sees_which_partners_are_late(client, triager, referrer, yos):
    referral = submit(referrer)
    past = timezone.now() - timedelta(days=10)
    services.claim(acting_for(triager), referral, now=past)
    services.decide(acting_for(triager), referral, decision="allocate", rag="red", organisation=yos,
                    programme="Mentoring", now=past)
    client.force_login(triager)
    page = client.get(reverse("triage-late-partners")).content.decode()
    assert yos.name in page and referral.reference in page
    assert Referral.objects.get(pk=referral.pk).status == Status.ALLOCATED
