"""Each link of a GOV.UK error summary lands on an input of its question: the first radio or checkbox, the
part of a date to blame, the select or text box. A link to an id the page does not have moves nobody anywhere."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import acting_for
from referrals import services
from tests.factories import date_parts
from tests.referrals.factories import referral_data
from tests.referrals.test_referrer_pages import complete_draft, step_url

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The error summary's links and the id of every form control on the page."""

    def __init__(self):
        super().__init__()
        self.links, self.controls, self._summary_depth = [], {}, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "govuk-error-summary" in (attrs.get("class") or "").split():
            self._summary_depth = 1
        elif tag == "div" and self._summary_depth:
            self._summary_depth += 1
        elif tag == "a" and self._summary_depth and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden" and attrs.get("id"):
            self.controls[attrs["id"]] = tag

    def handle_endtag(self, tag):
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1


def assert_summary_links_land_on_inputs(response, *expected):
    """Every in-page link of the summary targets a visible form control; `expected` ids are among them."""
    page = _Page()
    page.feed(response.content.decode())
    assert page.links, "no error summary"
    missing = [target for target in page.links if target not in page.controls]
    assert not missing, f"summary links to ids no input has: {missing}"
    assert set(expected) <= set(page.links), page.links
    return page.links


def submit(user):
    acting = acting_for(user)
    now = timezone.now()
    return services.submit_referral(acting, services.save_draft(acting, referral_data(), now=now), now=now)


def test_an_empty_triage_decision_links_to_the_first_decision_radio(client, triager, referrer):
    referral = submit(referrer)
    client.force_login(triager)
    client.post(reverse("triage-claim", args=[referral.pk]))
    response = client.post(reverse("triage-decide", args=[referral.pk]), {})
    assert response.status_code == 400
    links = assert_summary_links_land_on_inputs(response)
    html = response.content.decode()
    decision_link = re.search(r'<a href="#([^"]+)">Select a decision</a>', html).group(1)
    assert decision_link in links and decision_link.startswith("id_decision_")


def test_a_decision_missing_its_details_links_to_the_rating_and_the_partner(client, triager, referrer):
    referral = submit(referrer)
    client.force_login(triager)
    client.post(reverse("triage-claim", args=[referral.pk]))
    response = client.post(reverse("triage-decide", args=[referral.pk]), {"decision": "allocate"})
    assert response.status_code == 400
    assert_summary_links_land_on_inputs(response, "id_rag_1", "id_organisation")


@pytest.mark.parametrize("slug, data", [
    ("young-person", {"date_of_birth_0": "1", "date_of_birth_1": "", "date_of_birth_2": "2011"}),
    ("concern", {}),
    ("urgency", {}),
    ("urgency", {"urgent": "yes"}),
    ("sharing", {}),
    ("sharing", {"lawful_basis": "public_task", "informed": "not_told"}),
])
def test_every_referral_step_links_each_error_to_an_input(client, referrer, slug, data):
    draft = complete_draft(referrer)
    client.force_login(referrer)
    response = client.post(step_url(draft, slug), {**data, "continue": ""})
    assert response.status_code in (200, 400)
    assert_summary_links_land_on_inputs(response)


def test_the_first_contact_form_links_to_its_date(client, triager, referrer, caseworker, yos):
    referral = submit(referrer)
    services.claim(acting_for(triager), referral, now=timezone.now())
    services.decide(acting_for(triager), referral, decision="allocate", rag="red", organisation=yos,
                    programme="Mentoring", now=timezone.now())
    allocation = referral.allocations.get()
    client.force_login(caseworker)
    client.post(reverse("allocation-accept", args=[allocation.pk]))
    future = timezone.localdate() + timedelta(days=3)
    response = client.post(reverse("allocation-first-contact", args=[allocation.pk]), date_parts("on", future))
    assert response.status_code == 400
    assert_summary_links_land_on_inputs(response)
