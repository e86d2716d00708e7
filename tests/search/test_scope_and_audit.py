"""Who finds whom is the access policy's answer, on the page and in the API; every search leaves an audit row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partners.models import AuditAction, AuditEvent, OrganisationKind, Role
from referrals.models import Allocation
from tests.cohorts.factories import make_cohort, make_member
from tests.factories import OrganisationFactory, member
from tests.outcomes.factories import YoungPersonFactory, make_case
from tests.referrals.factories import ReferralFactory

BORN = datetime.date(2011, 3, 14)


@pytest.fixture
def world(referrer, other_referrer, triager, caseworker, decision_maker, yos, police):
    """Six synthetic young people, all called Jordan Taylor and born on one day, each known to one organisation."""
    def jordan(postcode=""):
        return YoungPersonFactory(given_name="Jordan", family_name="Taylor", date_of_birth=BORN, postcode=postcode)

    people = {name: jordan() for name in ("school_a", "school_b", "allocated", "case", "cohort", "nobody")}
    ReferralFactory(created_by=referrer, young_person=people["school_a"], reference="VRU-2026-000101")
    ReferralFactory(created_by=other_referrer, young_person=people["school_b"], reference="VRU-2026-000102")
    allocated = ReferralFactory(created_by=other_referrer, young_person=people["allocated"], status="allocated",
                                reference="VRU-2026-000103")
    Allocation.objects.create(referral=allocated, organisation=yos, programme="Mentoring", allocated_by=triager,
                              accept_due=timezone.now())
    other_yos = OrganisationFactory(name="Other YOS", kind=OrganisationKind.YOS)
    other_police = OrganisationFactory(name="Other Police NPU", kind=OrganisationKind.POLICE)
    make_case(lead=other_yos, police=police, decision_maker=decision_maker, young_person=people["case"])
    make_member(make_cohort(by=triager, lead=other_yos, partners=[other_police]), by=triager,
                young_person=people["cohort"])
    people["other_police"] = member(role=Role.DECISION_MAKER, organisation=other_police, email="dm@other.example.org")
    return people


def found_ids(client, user, q="Jordan Taylor", **filters):
    client.force_login(user)
    response = client.get(reverse("search"), {"q": q, **filters})
    assert response.status_code == 200
    return {f.person.pk for f in response.context["result"] or []}


ROLES = {
    # role fixture: who of `world` it finds
    "referrer": {"school_a"},
    "other_referrer": {"school_b", "allocated"},
    "caseworker": {"allocated"},
    "decision_maker": {"case"},
    "triager": {"school_a", "school_b", "allocated", "case", "cohort", "nobody"},
    "vru_manager": {"school_a", "school_b", "allocated", "case", "cohort", "nobody"},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_only_the_young_people_it_may_see(client, request, world, role):
    user = request.getfixturevalue(role)
    assert found_ids(client, user) == {world[name].pk for name in ROLES[role]}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_finds_the_same_young_people_as_the_page(request, world, role):
    api = APIClient()
    api.force_login(request.getfixturevalue(role))
    response = api.get(reverse("api-search-list"), {"q": "Jordan Taylor"})
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {world[name].pk for name in ROLES[role]}


def test_a_cohort_partner_finds_the_member_and_sees_the_membership(client, world):
    assert found_ids(client, world["other_police"]) == {world["cohort"].pk}


def test_someone_out_of_scope_looks_exactly_like_someone_who_does_not_exist(client, referrer, world):
    client.force_login(referrer)
    theirs = client.get(reverse("search"), {"q": "VRU-2026-000102"})  # school B's referral
    nobody = client.get(reverse("search"), {"q": "VRU-2026-000999"})
    def section(response, typed):
        return response.content.decode().split('data-testid="result-count"')[1].split("</main>")[0].replace(typed, "")

    assert section(theirs, "VRU-2026-000102") == section(nobody, "VRU-2026-000999")
    assert "0 young people found" in section(theirs, "")


def test_an_administrator_may_not_search(client, vru, world):
    client.force_login(member(role=Role.ORG_ADMIN, organisation=vru, email="admin@test.example.org"))
    assert client.get(reverse("search"), {"q": "Jordan"}).status_code == 403


def test_results_show_the_work_the_searcher_may_see_and_why_they_matched(client, other_referrer, world):
    client.force_login(other_referrer)
    page = client.get(reverse("search"), {"q": f"Jordan Taylor {BORN:%d/%m/%Y}"}).content.decode()
    assert "Referral VRU-2026-000102" in page and "Referral VRU-2026-000103" in page
    assert "VRU-2026-000101" not in page  # school A's
    assert "Same date of birth; same name" in page


def test_open_work_only_and_the_area_filter(client, triager, world):
    assert world["nobody"].pk not in found_ids(client, triager, open="on")
    assert world["school_a"].pk in found_ids(client, triager, open="on")
    assert found_ids(client, triager, area="walsall") == set()
    assert world["school_a"].pk in found_ids(client, triager, area="birmingham", age="14_15")
    assert found_ids(client, triager, age="21_24") == set()


def test_an_unknown_filter_value_is_ignored_and_said(client, triager, world):
    client.force_login(triager)
    response = client.get(reverse("search"), {"q": "Jordan", "area": "atlantis"})
    assert response.status_code == 200
    assert 'data-testid="ignored-filters"' in response.content.decode()
    assert len(response.context["result"]) == 6


def test_every_search_is_audited_with_its_terms_and_the_number_found(client, referrer, world):
    client.force_login(referrer)
    client.get(reverse("search"), {"q": "jordan taylor 14/3/2011"})
    client.get(reverse("search"), {"q": "Nobody Here"})
    events = list(AuditEvent.objects.filter(action=AuditAction.SEARCH).order_by("id"))
    assert [(e.actor_id, e.detail["terms"]["text"], e.detail["results"]) for e in events] == [
        (referrer.pk, "jordan taylor 14/3/2011", 1), (referrer.pk, "Nobody Here", 0)]
    assert events[0].detail["terms"]["date_of_birth"] == "2011-03-14"


def test_a_vru_manager_filters_the_audit_by_searches_and_reads_them_in_words(client, referrer, vru_manager, world):
    client.force_login(referrer)
    client.get(reverse("search"), {"q": "Jordan Taylor"})
    client.force_login(vru_manager)
    page = client.get(reverse("audit-events"), {"action": "search"}).content.decode()
    assert "searched for “Jordan Taylor” on the search page: 1 found" in page
    assert "Searched" in page  # the filter's choice


def test_a_search_takes_the_same_number_of_queries_whatever_it_finds(client, triager, world):
    client.force_login(triager)
    client.get(reverse("search"), {"q": "Jordan"})  # warm: sessions, the person's memberships

    def queries(q):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("search"), {"q": q}).status_code == 200
        return len(captured)

    nobody = queries("Nobody Here")
    one = queries("Jordan Taylor")
    assert one - nobody == 6  # the people with the words, and the five summaries (merged records, referrals, ...)
    for _ in range(10):
        YoungPersonFactory(given_name="Jordan", family_name="Taylor")
    assert queries("Jordan Taylor") == one
