"""The case page's conditions through the test client: Add a condition, Mark as met, Mark as missed.

The clock is frozen at Tuesday 24 November 2026, 10:00 in London; the case started that day and runs to
24 March 2027.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from outcomes.models import Condition, DiversionCase
from partners.models import OrganisationKind as K
from partners.models import Role
from tests.factories import OrganisationFactory, member
from tests.outcomes import factories as f

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(yos, police, decision_maker):
    return f.make_case(lead=yos, police=police, decision_maker=decision_maker)


def d(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def page(response):
    return " ".join(response.content.decode().split())


def key(response):
    return re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', response.content.decode()).group(1)


def summary_links(response):
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', response.content.decode())


def add(client, case, **data):
    url = reverse("case-condition-add", args=[case.pk])
    body = {"description": "Write a letter of apology", **d("due_on", date(2027, 1, 29)), "idempotency_key": key(client.get(url))}
    body.update(data)
    return client.post(url, body)


def test_the_decision_maker_adds_a_condition_from_the_case_page(client, decision_maker, case):
    client.force_login(decision_maker)
    detail = page(client.get(reverse("case-detail", args=[case.pk])))
    assert f'href="{reverse("case-condition-add", args=[case.pk])}"' in detail and "Add a condition" in detail
    response = add(client, case)
    assert response.status_code == 302 and response["Location"] == reverse("case-detail", args=[case.pk])
    shown = page(client.get(response["Location"]))
    assert "Condition added." in shown and "Write a letter of apology" in shown and "due 29 January 2027" in shown
    added = case.conditions.get(kind="other")
    assert f'href="{reverse("condition-met", args=[added.pk])}"' in shown
    assert f'href="{reverse("condition-missed", args=[added.pk])}"' in shown


def test_a_double_clicked_add_makes_one_condition(client, decision_maker, case):
    client.force_login(decision_maker)
    url = reverse("case-condition-add", args=[case.pk])
    body = {"description": "Write a letter of apology", **d("due_on", date(2027, 1, 29)), "idempotency_key": key(client.get(url))}
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302
    assert case.conditions.filter(kind="other").count() == 1


def test_a_wrong_condition_shows_the_summary_linked_to_each_field(client, decision_maker, case):
    client.force_login(decision_maker)
    response = add(client, case, description="", **d("due_on", date(2027, 4, 1)))
    assert response.status_code == 400
    links = summary_links(response)
    assert ("condition_description", "Describe the condition") in links
    html = response.content.decode()
    assert 'id="condition_description"' in html and "Error: Add a condition" in html
    late = add(client, case, **d("due_on", date(2027, 4, 1)))
    assert ("condition_due_on_0", "The due date must be on or before the contract end, 24 March 2027") in summary_links(late)
    assert 'id="condition_due_on_0"' in late.content.decode()
    assert not case.conditions.filter(kind="other").exists()


def test_a_case_with_five_conditions_offers_no_more(client, decision_maker, case):
    client.force_login(decision_maker)
    add(client, case)
    add(client, case, description="Attend school every day")
    detail = page(client.get(reverse("case-detail", args=[case.pk])))
    assert "Add a condition" not in detail and "This contract has 5 conditions, the most it may have." in detail
    full = page(client.get(reverse("case-condition-add", args=[case.pk])))
    assert "This case already has 5 conditions" in full and 'name="description"' not in full


def test_the_decision_maker_marks_a_condition_met(client, decision_maker, case):
    client.force_login(decision_maker)
    add(client, case)
    condition = case.conditions.get(kind="other")
    url = reverse("condition-met", args=[condition.pk])
    assert "Write a letter of apology, due 29 January 2027." in page(client.get(url))
    future = client.post(url, d("on", date(2026, 11, 25)))
    assert future.status_code == 400 and ("met_on_0", "The date must be today or in the past") in summary_links(future)
    assert client.post(url, d("on", date(2026, 11, 24))).status_code == 302
    condition.refresh_from_db()
    assert (condition.status, condition.met_on) == ("met", date(2026, 11, 24))


def test_the_decision_maker_marks_a_condition_missed_and_the_case_is_at_risk(client, decision_maker, case):
    client.force_login(decision_maker)
    add(client, case)
    condition = case.conditions.get(kind="other")
    url = reverse("condition-missed", args=[condition.pk])
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 400
    assert ("missed_reason", "Explain why the condition was missed") in summary_links(empty)
    response = client.post(url, {"reason": "Refused to write it."}, follow=True)
    shown = page(response)
    assert "Condition marked as missed." in shown and "Why it was missed: Refused to write it." in shown
    assert "At risk since 24 November 2026: missed Write a letter of apology (due 29 January 2027)" in shown
    assert DiversionCase.objects.get(pk=case.pk).status == "at_risk"


def test_the_lead_agencys_caseworker_changes_conditions_too(client, caseworker, case):
    client.force_login(caseworker)
    assert add(client, case).status_code == 302


def test_another_forces_case_is_404_and_the_vru_gets_403(client, triager, case):
    other = member(role=Role.DECISION_MAKER, organisation=OrganisationFactory(name="Other force", kind=K.POLICE))
    condition = case.conditions.first()
    client.force_login(other)
    assert client.get(reverse("case-condition-add", args=[case.pk])).status_code == 404
    assert client.post(reverse("condition-missed", args=[condition.pk]), {"reason": "x"}).status_code == 404
    client.force_login(triager)
    assert client.get(reverse("case-condition-add", args=[case.pk])).status_code == 403
    assert "Add a condition" not in page(client.get(reverse("case-detail", args=[case.pk])))
    assert Condition.objects.get(pk=condition.pk).status == "pending"
