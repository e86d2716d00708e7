"""The cohort pages: the VRU's journey, what partners see (their cohorts only: 404 for others), the young person's
page, and a constant number of queries whatever the number of members."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import services
from cohorts.models import Cohort, CohortMembership, PlanAction, Review
from partners.access import acting_for
from partners.models import AuditEvent
from tests.outcomes.factories import YoungPersonFactory
from tests.referrals.factories import ReferralFactory

from .factories import NOW, make_cohort, make_member

pytestmark = pytest.mark.django_db


def text(response):
    return " ".join(response.content.decode().split())


def _date(prefix, name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def member(vru_acting, cohort, person):
    return services.add_member(vru_acting, cohort, young_person=person, tier=3, lead_agency=cohort.lead_organisation,
                               reason="Seen carrying a knife.", joined_on=datetime.date(2026, 11, 2), now=NOW)


# --- The VRU's journey -------------------------------------------------------------------------------------


def test_a_vru_triager_creates_a_cohort_and_adds_a_member_found_by_name(client, triager, yos, police, person):
    client.force_login(triager)
    response = client.post(reverse("cohort-new"), {
        "name": "Walsall youth at risk 2", "area": "walsall", "tier_model": "pip4", "lead_organisation": yos.pk,
        "partner_organisations": [police.pk], "review_weeks": "4",
    })
    cohort = Cohort.objects.get(name="Walsall youth at risk 2")
    assert response.status_code == 302 and response["Location"] == reverse("cohort-detail", args=[cohort.pk])
    found = text(client.get(reverse("cohort-add-member", args=[cohort.pk]), {"q": "riley exam"}))
    assert "Riley Example, born 1 June 2011, Walsall" in found
    response = client.post(reverse("cohort-add-member", args=[cohort.pk]), {
        "q": "riley exam", "young_person": person.pk, "tier": "2", "lead_agency": police.pk, "reason": "Knife arrest.",
    })
    assert response.status_code == 302
    member = CohortMembership.objects.get(cohort=cohort)
    assert (member.tier, member.lead_agency, member.joined_on) == (2, police, NOW.date())
    page = text(client.get(reverse("cohort-detail", args=[cohort.pk])))
    assert "Tier 2: FPVT: reactive and proactive intervention for criminal justice outcomes (1)" in page
    assert "Riley Example" in page


def test_a_young_person_is_found_by_a_referral_reference(client, triager, cohort, referrer):
    referral = ReferralFactory(created_by=referrer, young_person=YoungPersonFactory(given_name="Quinn"), received_at=NOW,
                               reference="VRU-2026-000077", triage_deadline=NOW + datetime.timedelta(days=1))
    client.force_login(triager)
    found = text(client.get(reverse("cohort-add-member", args=[cohort.pk]), {"q": "vru-2026-00077"}))
    assert referral.young_person.display_name in found
    none = text(client.get(reverse("cohort-add-member", args=[cohort.pk]), {"q": "Nobody Atall"}))
    assert "No young person you may see matches" in none


def test_adding_without_choosing_shows_the_errors_on_the_form(client, triager, cohort, person):
    client.force_login(triager)
    response = client.post(reverse("cohort-add-member", args=[cohort.pk]), {"q": "Riley", "reason": ""})
    assert response.status_code == 400
    page = text(response)
    for message in ("Select a young person", "Select a tier", "Explain why the young person joins the cohort",
                    "Select the lead agency from the cohort&#x27;s organisations"):
        assert message in page
    assert not CohortMembership.objects.exists()


def test_the_vru_changes_a_tier_records_a_review_and_adds_an_action_from_the_member_page(client, triager, member, yos,
                                                                                      police):
    client.force_login(triager)
    response = client.post(reverse("cohort-member-tier", args=[member.pk]), {"tier": "1", "reason": "Linked to an OCG."})
    assert response.status_code == 302
    response = client.post(reverse("cohort-member-review", args=[member.pk]), {
        **_date("review", "held_on", datetime.date(2026, 11, 23)), "attendees": [yos.pk, police.pk],
        "summary": "Intelligence reviewed with police.", "tier_decision": "1",
    })
    assert response.status_code == 302
    review = Review.objects.get(membership=member)
    assert review.next_review_on == datetime.date(2026, 12, 21)
    response = client.post(reverse("cohort-member-action", args=[member.pk]), {
        "strand": "protect", "description": "Safety plan with the family", "owner": yos.pk,
        **_date("action", "due_on", datetime.date(2026, 12, 5)),
    })
    assert response.status_code == 302
    page = text(client.get(reverse("cohort-member", args=[member.pk])))
    assert "Tier 1: ROCU" in page
    assert "Tier 3 to tier 1" in page and "Linked to an OCG." in page
    assert "Intelligence reviewed with police." in page and "Next review 21 Dec 2026" in page
    assert "Safety plan with the family" in page


def test_a_review_with_errors_is_shown_again_with_each_message(client, triager, member):
    client.force_login(triager)
    response = client.post(reverse("cohort-member-review", args=[member.pk]), {"summary": ""})
    assert response.status_code == 400
    page = text(response)
    for message in ("Enter the date of the review", "Select the organisations that attended", "Summarise the review",
                    "Select the tier the review decided"):
        assert message in page
    assert not Review.objects.exists()


def test_the_review_page_chooses_no_tier_for_the_reviewer(client, triager, member):
    client.force_login(triager)
    html = client.get(reverse("cohort-member-review", args=[member.pk])).content.decode()
    radios = re.findall(r'<input[^>]*name="tier_decision"[^>]*>', html)
    assert radios and not any("checked" in radio for radio in radios)
    assert f"They are in tier {member.tier} now" in html


def test_removing_a_member_keeps_them_under_past_members(client, triager, member):
    client.force_login(triager)
    response = client.post(reverse("cohort-member-remove", args=[member.pk]), {"reason": "Moved to Scotland."})
    assert response.status_code == 302
    page = text(client.get(reverse("cohort-detail", args=[member.cohort_id])))
    assert "Past members" in page and "left 24 Nov 2026" in page
    assert "Left from tier 3" in text(client.get(reverse("cohort-member", args=[member.pk])))


# --- Reviews due and overdue ---------------------------------------------------------------------------------


def test_the_cohort_page_flags_reviews_overdue_and_due_today(client, triager, cohort):
    overdue = make_member(cohort, by=triager, tier=2, next_review_on=datetime.date(2026, 11, 20))
    today = make_member(cohort, by=triager, tier=2, next_review_on=NOW.date())
    later = make_member(cohort, by=triager, tier=4, next_review_on=datetime.date(2026, 12, 20))
    client.force_login(triager)
    response = client.get(reverse("cohort-detail", args=[cohort.pk]))
    page = text(response)
    assert "1 review overdue; 1 due today." in page
    rows = {m.pk: page.split(reverse("cohort-member", args=[m.pk]))[1].split("</tr>")[0] for m in (overdue, today, later)}
    assert "Review overdue" in rows[overdue.pk]
    assert "Review due today" in rows[today.pk]
    assert "Review" not in rows[later.pk]
    list_page = text(client.get(reverse("cohort-list")))
    assert "1 overdue" in list_page and "1 due today" in list_page


# --- Partners see their cohorts only -----------------------------------------------------------------------


def test_partners_named_on_a_cohort_see_it_and_its_members_plans(client, caseworker, decision_maker, member, yos):
    services.add_plan_action(acting_for(member.added_by), member, strand="prevent", description="Mentoring",
                             owner=yos, due_on=datetime.date(2026, 12, 1), now=NOW)
    for user in (caseworker, decision_maker):  # the lead organisation's and a partner's staff
        client.force_login(user)
        assert member.cohort.name in text(client.get(reverse("cohort-list")))
        assert client.get(reverse("cohort-detail", args=[member.cohort_id])).status_code == 200
        page = text(client.get(reverse("cohort-member", args=[member.pk])))
        assert "Mentoring" in page and "Record a review" not in page
    viewed = AuditEvent.objects.filter(action="view", object_type="cohorts.cohortmembership", object_id=str(member.pk))
    assert viewed.count() == 2 and {e.young_person_id for e in viewed} == {member.young_person_id}


def test_a_partner_not_on_the_cohort_gets_404_for_it_and_its_members(client, outsider, member):
    action = PlanAction.objects.create(membership=member, strand="pursue", description="Visit", owner=member.lead_agency,
                                       due_on=datetime.date(2026, 12, 1), created_by=member.added_by)
    client.force_login(outsider)
    assert member.cohort.name not in text(client.get(reverse("cohort-list")))
    assert client.get(reverse("cohort-detail", args=[member.cohort_id])).status_code == 404
    assert client.get(reverse("cohort-member", args=[member.pk])).status_code == 404
    assert client.post(reverse("cohort-action-status", args=[action.pk]), {"status": "done"}).status_code == 404
    assert not AuditEvent.objects.filter(object_type="cohorts.cohortmembership", action="view").exists()


def test_partners_may_not_use_the_vrus_pages_and_schools_see_no_cohorts(client, caseworker, referrer, member):
    client.force_login(caseworker)
    for name in ("cohort-member-tier", "cohort-member-review", "cohort-member-remove", "cohort-member-action"):
        assert client.get(reverse(name, args=[member.pk])).status_code == 403
    assert client.get(reverse("cohort-add-member", args=[member.cohort_id])).status_code == 403
    assert client.get(reverse("cohort-new")).status_code == 403
    assert "Cohorts" in text(client.get(reverse("home")))
    client.force_login(referrer)
    assert client.get(reverse("cohort-list")).status_code == 403
    assert ">Cohorts<" not in client.get(reverse("home")).content.decode()


def test_the_owner_organisation_marks_its_action_done_from_the_member_page(client, caseworker, member, yos):
    action = services.add_plan_action(acting_for(member.added_by), member, strand="prevent", description="Mentoring",
                                      owner=yos, due_on=datetime.date(2026, 12, 1), now=NOW)
    client.force_login(caseworker)
    assert "Update the status" in text(client.get(reverse("cohort-member", args=[member.pk])))
    response = client.post(reverse("cohort-action-status", args=[action.pk]), {"status": "done", "note": "Mentor met them."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.updated_by) == ("done", caseworker)


def test_a_partner_that_does_not_own_the_action_is_refused_and_the_refusal_is_audited(client, decision_maker, member, yos):
    """Police are on the cohort (they see the action) but do not own it: 403, no button, and a "Refused" event."""
    action = services.add_plan_action(acting_for(member.added_by), member, strand="prevent", description="Mentoring",
                                      owner=yos, due_on=datetime.date(2026, 12, 1), now=NOW)
    client.force_login(decision_maker)
    assert "Update the status" not in text(client.get(reverse("cohort-member", args=[member.pk])))
    response = client.post(reverse("cohort-action-status", args=[action.pk]), {"status": "done", "note": "Not ours."})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "open"
    refused = AuditEvent.objects.get(action="denied")
    assert (refused.actor, refused.object_type, refused.object_id, refused.detail) == (
        decision_maker, "cohorts.planaction", str(action.pk), {"action": "cohorts.update_plan_action"})


# --- The young person's page ---------------------------------------------------------------------------------


def test_the_young_persons_page_shows_their_cohorts_and_tier_history_that_the_viewer_may_see(
        client, triager, caseworker, vru_acting, member, person, police):
    hidden = make_cohort(by=triager, lead=police, name="Operation Example")
    services.add_member(vru_acting, hidden, young_person=person, tier=4, lead_agency=police, reason="Op target.", now=NOW)
    services.change_tier(vru_acting, member, tier=2, reason="Further intelligence.", now=NOW)
    client.force_login(triager)
    page = text(client.get(reverse("young-person", args=[person.pk])))
    assert "Walsall youth at risk 1" in page and "Operation Example" in page
    assert "Tier 3 to tier 2" in page and "Further intelligence." in page
    client.force_login(caseworker)  # Test YOS leads the first cohort and is not on the operation's
    page = text(client.get(reverse("young-person", args=[person.pk])))
    assert "Walsall youth at risk 1" in page and "Operation Example" not in page


# --- Constant query counts ----------------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # warm up caches (content types, the session)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_cohort_page_and_the_list_cost_the_same_queries_for_3_and_30_members(client, triager, caseworker, cohort,
                                                                                 yos, police):
    others = [make_cohort(by=triager, lead=yos, partners=[police]) for _ in range(2)]
    for c in (cohort, *others):
        for i in range(3):
            make_member(c, by=triager, tier=1 + i % 6, actions=2)
    counts = {}
    for user in (triager, caseworker):
        client.force_login(user)
        counts[user.email] = (_queries(client, reverse("cohort-detail", args=[cohort.pk])),
                              _queries(client, reverse("cohort-list")))
    for c in (cohort, *others):
        for i in range(27):
            make_member(c, by=triager, tier=1 + i % 6, actions=3)
    others += [make_cohort(by=triager, lead=yos, partners=[police]) for _ in range(27)]
    assert CohortMembership.objects.filter(cohort=cohort).count() == 30 and Cohort.objects.count() == 30
    for user in (triager, caseworker):
        client.force_login(user)
        assert (_queries(client, reverse("cohort-detail", args=[cohort.pk])),
                _queries(client, reverse("cohort-list"))) == counts[user.email]
    print("query counts (cohort page, list):", counts)


def test_the_member_page_costs_the_same_queries_whatever_its_history(client, triager, cohort, yos):
    few = make_member(cohort, by=triager, actions=1)
    many = make_member(cohort, by=triager, actions=12)
    acting = acting_for(triager)
    services.record_review(acting, few, held_on=datetime.date(2026, 11, 3), attendees=[yos], summary="Met.",
                           tier_decision=3, now=NOW)
    for i in range(5):
        services.change_tier(acting, many, tier=1 + i % 2, reason=f"Change {i}", now=NOW)
        services.record_review(acting, many, held_on=datetime.date(2026, 11, 3 + i), attendees=[yos], summary="Met.",
                               tier_decision=1 + i % 2, now=NOW)
    client.force_login(triager)
    assert _queries(client, reverse("cohort-member", args=[few.pk])) == _queries(client, reverse("cohort-member",
                                                                                                 args=[many.pk]))


def test_the_vru_finds_any_young_person_known_to_the_portal(client, triager, cohort):
    YoungPersonFactory(given_name="Riley", family_name="Hidden")
    client.force_login(triager)
    assert "Riley Hidden" in text(client.get(reverse("cohort-add-member", args=[cohort.pk]), {"q": "Riley"}))
