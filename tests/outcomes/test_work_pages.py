"""Start work from an accepted allocation's page, end it through a confirmation page, and what the school then sees.

The clock is frozen at Tuesday 24 November 2026, 10:00 in London; the allocation was accepted on 19 November.
"""

import re

import pytest
import time_machine
from django.urls import reverse

from outcomes import services
from outcomes.models import Intervention
from partners.access import acting_for
from partners.models import OrganisationKind as K
from partners.models import Role
from tests.factories import OrganisationFactory, member

from .work import NOW, STARTED, allocation_to, d, programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def allocation(yos, referrer, triager, caseworker):
    return allocation_to(yos, referrer=referrer, triager=triager, caseworker=caseworker)


@pytest.fixture
def knife(yos):
    return programme(yos)


def html(response):
    return response.content.decode()


def text(response):
    return " ".join(html(response).split())


def key_of(page):
    return re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', html(page)).group(1)


def error_links_land_on_inputs(page):
    """Every link in the error summary points at an element id that is on the page."""
    content = html(page)
    summary = content.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets
    for target in targets:
        assert f'id="{target}"' in content, f"the error link #{target} lands nowhere"
    return targets


def start_data(page, knife, **overrides):
    data = {"programme": str(knife.pk), **d("started_on", STARTED), "planned_sessions": "6",
            "idempotency_key": key_of(page)}
    data.update(overrides)
    return data


def test_the_caseworker_starts_work_from_the_allocation_and_the_young_person_is_on_the_caseload(client, caseworker,
                                                                                                  allocation, knife):
    client.force_login(caseworker)
    detail = client.get(reverse("allocation-detail", args=[allocation.pk]))
    start_url = reverse("allocation-start-work", args=[allocation.pk])
    assert f'href="{start_url}"' in html(detail) and "Start work" in html(detail)
    page = client.get(start_url)
    assert page.status_code == 200
    assert "Knife crime programme" in html(page) and "Usually 6 sessions" in html(page)
    assert "checked" not in html(page)  # no programme chosen for them
    assert re.search(r'name="planned_sessions"[^>]*value=', html(page)) is None  # no number filled in

    response = client.post(start_url, start_data(page, knife))
    intervention = Intervention.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intervention-detail", args=[intervention.pk])
    assert (intervention.allocation, intervention.planned_sessions) == (allocation, 6)
    assert "Jordan Example" in html(client.get(reverse("caseload")))
    detail = text(client.get(reverse("allocation-detail", args=[allocation.pk])))
    assert "Work started" in detail and reverse("intervention-detail", args=[intervention.pk]) in detail
    assert f'href="{start_url}"' not in detail and "Hand back to the VRU" not in detail


def test_a_double_clicked_start_makes_one_intervention(client, caseworker, allocation, knife):
    client.force_login(caseworker)
    start_url = reverse("allocation-start-work", args=[allocation.pk])
    data = start_data(client.get(start_url), knife)
    first, second = client.post(start_url, data), client.post(start_url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Intervention.objects.count() == 1
    # Opening Start work again leads to the work already started.
    assert client.get(start_url)["Location"] == first["Location"]


@pytest.mark.parametrize(("overrides", "messages"), [
    ({"programme": ""}, ["Select the programme"]),
    ({"planned_sessions": ""}, ["Enter the planned number of sessions"]),
    ({"planned_sessions": "six"}, ["Enter the planned number of sessions as a whole number, like 6"]),
    ({"planned_sessions": "0"}, ["The planned number of sessions must be between 1 and 50"]),
    ({"started_on_0": "", "started_on_1": "", "started_on_2": ""}, ["Enter the start date"]),
    ({**d("started_on", NOW.date().replace(day=25))}, ["The start date must be today or in the past"]),
    ({**d("started_on", NOW.date().replace(day=18))}, ["The start date must be on or after the allocation, 19 November 2026"]),
    ({"programme": "", "planned_sessions": ""}, ["Select the programme", "Enter the planned number of sessions"]),
], ids=["no programme", "no sessions", "not a number", "zero", "no date", "future", "before allocation", "two"])
def test_a_wrong_start_shows_the_error_summary_linked_to_the_field_and_saves_nothing(client, caseworker, allocation, knife,
                                                                                     overrides, messages):
    client.force_login(caseworker)
    start_url = reverse("allocation-start-work", args=[allocation.pk])
    response = client.post(start_url, start_data(client.get(start_url), knife, **overrides))
    assert response.status_code == 400 and "There is a problem" in html(response)
    for message in messages:
        assert html(response).count(message) == 2  # in the summary and by the field
    assert len(error_links_land_on_inputs(response)) == len(messages)
    assert not Intervention.objects.exists()


def test_an_organisation_without_programmes_is_told_who_adds_them(client, caseworker, allocation):
    client.force_login(caseworker)
    page = text(client.get(reverse("allocation-start-work", args=[allocation.pk])))
    assert "Test YOS runs no programmes in the portal yet" in page
    assert "Your organisation administrator adds the programmes" in page and "Start work</button>" not in page


def test_another_organisations_allocation_is_404_and_a_school_gets_403(client, referrer, triager, caseworker, knife):
    other_yos = OrganisationFactory(name="Other YOS", kind=K.YOS)
    theirs = allocation_to(other_yos, referrer=referrer, triager=triager,
                           caseworker=member(role=Role.CASEWORKER, organisation=other_yos))
    url = reverse("allocation-start-work", args=[theirs.pk])
    client.force_login(caseworker)
    assert client.get(url).status_code == 404
    assert client.post(url, {"programme": knife.pk, **d("started_on", STARTED), "planned_sessions": "6"}).status_code == 404
    client.force_login(referrer)
    assert client.get(url).status_code == 403
    assert not Intervention.objects.exists()


# --- Ending the work ------------------------------------------------------------------------------------------------


def started(caseworker, allocation, knife):
    return services.start_intervention(acting_for(caseworker), allocation, programme=knife, started_on=STARTED,
                                       planned_sessions=6, now=NOW)


@pytest.mark.parametrize(("ending", "status", "words"), [
    ("complete", "completed", "Work completed by Test YOS"),
    ("disengage", "disengaged", "Work with Test YOS ended: the young person disengaged"),
    ("withdraw", "withdrawn", "Work with Test YOS ended: withdrawn"),
])
def test_each_ending_goes_through_its_confirmation_page_and_the_school_sees_it_in_words(client, caseworker, referrer,
                                                                                     allocation, knife, ending, status,
                                                                                     words):
    intervention = started(caseworker, allocation, knife)
    client.force_login(caseworker)
    page = client.get(reverse("intervention-detail", args=[intervention.pk]))
    url = reverse(f"intervention-{ending}", args=[intervention.pk])
    assert f'href="{url}"' in html(page)
    confirm = client.get(url)
    assert confirm.status_code == 200 and words in text(confirm) and "checked" not in html(confirm)
    response = client.post(url, {**d("on", NOW.date()), "note": "Kept from the school: a private note."})
    assert response.status_code == 302 and response["Location"] == reverse("intervention-detail", args=[intervention.pk])
    intervention.refresh_from_db()
    assert intervention.status == status

    client.force_login(referrer)
    mine = text(client.get(reverse("my-referrals")))
    detail = text(client.get(reverse("referral-detail", args=[allocation.referral_id])))
    for shown in (mine, detail):
        assert words in shown and "a private note" not in shown
    assert "Work started with Test YOS" in detail  # the timeline


def test_an_ending_without_a_note_shows_the_error_linked_to_the_note(client, caseworker, allocation, knife):
    intervention = started(caseworker, allocation, knife)
    client.force_login(caseworker)
    response = client.post(reverse("intervention-complete", args=[intervention.pk]), {**d("on", NOW.date()), "note": " "})
    assert response.status_code == 400
    assert html(response).count("Write an outcome note: what the young person achieved") == 2
    assert error_links_land_on_inputs(response) == ["complete_note"]
    intervention.refresh_from_db()
    assert intervention.ended_on is None


def test_ended_work_says_it_cannot_be_ended_again(client, caseworker, allocation, knife):
    intervention = started(caseworker, allocation, knife)
    services.complete_intervention(acting_for(caseworker), intervention, on=STARTED, note="Done.", now=NOW)
    client.force_login(caseworker)
    url = reverse("intervention-withdraw", args=[intervention.pk])
    assert "This intervention was completed on 23 November 2026: it cannot be ended again." in text(client.get(url))
    response = client.post(url, {**d("on", NOW.date()), "note": "Again."})
    assert response.status_code == 400 and "it cannot be ended again" in html(response)
    page = text(client.get(reverse("intervention-detail", args=[intervention.pk])))
    assert reverse("intervention-withdraw", args=[intervention.pk]) not in page


def test_another_organisation_cannot_open_an_ending_page(client, caseworker, allocation, knife, triager):
    intervention = started(caseworker, allocation, knife)
    other = member(role=Role.CASEWORKER, organisation=OrganisationFactory(name="Other YOS", kind=K.YOS))
    client.force_login(other)
    for ending in ("complete", "disengage", "withdraw"):
        url = reverse(f"intervention-{ending}", args=[intervention.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {**d("on", NOW.date()), "note": "Not ours."}).status_code == 404
    client.force_login(triager)  # the VRU sees the intervention but does not deliver it
    assert client.get(reverse("intervention-complete", args=[intervention.pk])).status_code == 403
    intervention.refresh_from_db()
    assert intervention.ended_on is None
