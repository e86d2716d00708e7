"""Each role's home page says what waits for it, each count linked to the list that shows exactly those; every part
of the portal the role may use is linked, and nothing that exists is labelled "Coming soon"."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes import rules as outcome_rules
from partners.access import acting_for
from partners.models import Role
from referrals import services
from referrals.models import Allocation, Referral
from tests.factories import member
from tests.outcomes.factories import make_case
from tests.referrals.factories import referral_data
from tests.referrals.test_list_names import allocate, submit

pytestmark = pytest.mark.django_db

COUNT_LINK = re.compile(r'<a class="govuk-link govuk-!-font-weight-bold" href="([^"]+)">([\d,]+) ([^<]+)</a>')


def counts(client):
    html = client.get(reverse("home")).content.decode()
    assert "Coming soon" not in html
    return {text: (int(n.replace(",", "")), unescape(url)) for url, n, text in COUNT_LINK.findall(html)}


def listed(client, url):
    """How many the linked page lists: its paginator's count, or the queue's (or one section's) count."""
    context = client.get(url).context
    if context.get("page") is not None:
        return context["page"].paginator.count
    return context["shown"][0]["count"] if context["focus"] else context["total"]


def assert_counts_match(client):
    found = counts(client)
    for text, (n, url) in found.items():
        assert listed(client, url) == n, (text, url)
    return found


@pytest.fixture
def world(referrer, triager, yos, caseworker, police, decision_maker):
    """Two questions for the school, a draft, a queue with one overdue referral, allocations waiting for the YOS (one
    late), and diversion cases led by the YOS, one at risk and one returned to police."""
    acting = acting_for(referrer)
    services.save_draft(acting, referral_data(given_name="Drafty"), now=timezone.now())
    for n in range(2):
        _claimed = submit(referrer, n)
        services.claim(acting_for(triager), _claimed, now=timezone.now())
        services.decide(acting_for(triager), _claimed, decision="request_info", question="Which school?",
                        now=timezone.now())
    submit(referrer, 5)
    Referral.objects.filter(given_name="Jordan5").update(triage_deadline=timezone.now() - timedelta(hours=3))
    submit(referrer, 6)
    for n in range(3):
        allocate(triager, submit(referrer, 10 + n), yos)
    Allocation.objects.filter(pk=Allocation.objects.first().pk).update(accept_due=timezone.now() - timedelta(hours=1))
    make_case(lead=yos, police=police, decision_maker=decision_maker, status=outcome_rules.AT_RISK)
    make_case(lead=yos, police=police, decision_maker=decision_maker, status=outcome_rules.RETURNED_TO_POLICE)
    make_case(lead=yos, police=police, decision_maker=decision_maker)


def test_the_schools_home_counts_its_questions_and_drafts(client, world, referrer):
    client.force_login(referrer)
    found = assert_counts_match(client)
    assert found["questions waiting for you"][0] == 2 and found["draft to finish"][0] == 1


def test_the_triagers_home_counts_the_queue_the_overdue_and_late_partners(client, world, triager):
    client.force_login(triager)
    found = assert_counts_match(client)
    assert found["to triage"][0] == 2 and found["overdue"][0] == 1 and found["allocation late"][0] == 1


def test_the_caseworkers_home_counts_allocations_to_accept_the_caseload_and_cases_at_risk(client, world, caseworker):
    client.force_login(caseworker)
    found = assert_counts_match(client)
    assert found["allocations to accept"][0] == 3
    assert found["case at risk: a condition missed"][0] == 1 and found["live interventions"][0] == 3


def test_the_police_home_counts_cases_returned_and_at_risk(client, world, decision_maker):
    client.force_login(decision_maker)
    found = assert_counts_match(client)
    assert found["case returned to police"][0] == 1 and found["case at risk: a condition missed"][0] == 1


def test_nothing_waiting_is_said_without_a_link(client, triager):
    client.force_login(triager)
    html = client.get(reverse("home")).content.decode()
    assert "Nothing to triage" in html and counts(client) == {}


@pytest.mark.parametrize("role,kind", [(Role.MANAGER, "vru"), (Role.ORG_ADMIN, "vru"), (Role.TRIAGER, "vru"),
                                       (Role.REFERRER, "school"), (Role.CASEWORKER, "yos"), (Role.MANAGER, "yos"),
                                       (Role.ORG_ADMIN, "yos"), (Role.DECISION_MAKER, "police")])
def test_every_section_on_every_roles_home_is_a_working_page(client, role, kind):
    user = member(kind=kind, role=role)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Coming soon" not in html
    sections = re.findall(r'<h2 class="govuk-heading-m" id="home-\d+"><a class="govuk-link" href="([^"]+)">', html)
    assert sections
    for url in sections:
        assert client.get(url).status_code == 200, url


def test_the_managers_home_links_the_figures(client, vru_manager):
    client.force_login(vru_manager)
    assert f'href="{reverse("figures")}">Figures</a>' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["referrer", "triager", "caseworker", "decision_maker"])
def test_the_home_page_costs_the_same_queries_with_more_waiting(client, request, who, world, referrer, triager, yos):
    user = request.getfixturevalue(who)
    client.force_login(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for n in range(20, 26):
        _claimed = submit(referrer, n)
        services.claim(acting_for(triager), _claimed, now=timezone.now())
        services.decide(acting_for(triager), _claimed, decision="request_info", question="Which school?",
                        now=timezone.now())
        allocate(triager, submit(referrer, 40 + n), yos)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before) <= 20, [q["sql"][:120] for q in after.captured_queries]
