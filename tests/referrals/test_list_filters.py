"""On every filtered list, a filter value the list does not know is ignored and the page says so (a GOV.UK inset),
never Django's "Select a valid choice"; and a filtered list with nothing in it offers "Clear filters"."""

import pytest
from django.urls import reverse

from partners.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db

UNKNOWN = "more_information_requested"


@pytest.fixture
def users(referrer, triager, caseworker, vru_manager, decision_maker):
    return {"referrer": referrer, "triager": triager, "caseworker": caseworker, "manager": vru_manager,
            "police": decision_maker}


# (who, list, the filter, a known value that lists nothing here)
LISTS = [
    ("referrer", "my-referrals", "status", "closed"),
    ("triager", "triage-queue", "area", "walsall"),
    ("triager", "triage-queue", "rag", "red"),
    ("caseworker", "allocations", "state", "accepted"),
    ("caseworker", "caseload", "show", "ended"),
    ("police", "cases", "status", "completed"),
    ("manager", "audit-events", "action", "export"),
    ("manager", "outbox", "state", "failed"),
]


@pytest.mark.parametrize("who,name,key,known", LISTS, ids=[f"{n}-{k}" for _, n, k, _ in LISTS])
def test_an_unknown_value_is_ignored_and_said(client, users, who, name, key, known):
    client.force_login(users[who])
    response = client.get(reverse(name), {key: UNKNOWN})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" not in html and 'data-testid="ignored-filters"' in html and f"“{UNKNOWN}”" in html


@pytest.mark.parametrize("who,name,key,known", LISTS, ids=[f"{n}-{k}" for _, n, k, _ in LISTS])
def test_an_empty_filtered_list_offers_clear_filters(client, users, who, name, key, known):
    client.force_login(users[who])
    html = client.get(reverse(name), {key: known}).content.decode()
    assert f'href="{reverse(name)}">Clear filters</a>' in html
    assert 'data-testid="ignored-filters"' not in html


def test_an_unknown_value_leaves_the_known_filters_in_force(client, triager, referrer):
    from tests.referrals.test_list_names import submit

    submit(referrer, area="walsall")
    submit(referrer, 1, area="birmingham")
    client.force_login(triager)
    page = client.get(reverse("triage-queue"), {"area": "walsall", "source": "nonsense"})
    assert page.context["total"] == 1 and page.context["query"] == "area=walsall"


def test_an_unknown_audit_user_is_ignored(client, vru_manager):
    client.force_login(vru_manager)
    member(role=Role.REFERRER)
    html = client.get(reverse("audit-events"), {"user": "999999"}).content.decode()
    assert "Select a valid choice" not in html and "“999999”" in html


def test_the_queue_filter_shows_each_choice_made_though_its_markup_is_reused(client, triager):
    client.force_login(triager)
    for area, other in (("walsall", "coventry"), ("coventry", "walsall"), ("walsall", "coventry")):
        html = client.get(reverse("triage-queue"), {"area": area}).content.decode()
        assert f'<option value="{area}" selected>' in html and f'<option value="{other}" selected>' not in html
    html = client.get(reverse("triage-queue"), {"area": UNKNOWN}).content.decode()
    select = html.split('name="area"')[1].split("</select>")[0]
    assert 'data-testid="ignored-filters"' in html and select.count("selected>") == 1 and '<option value="" selected>' in select
