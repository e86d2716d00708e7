"""The urgency question is never assumed: unanswered is None, shown as "Not answered", and refused on submission."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partners.access import acting_for
from referrals import services
from referrals.models import Referral, Status
from tests.referrals.factories import ReferralFactory, referral_data

pytestmark = pytest.mark.django_db

URGENT_MESSAGE = "Select yes if the young person is at immediate risk of harm"


def draft(user, **overrides):
    """A complete draft whose urgency question is unanswered unless `urgent` is given."""
    data = referral_data(**overrides)
    if "urgent" not in overrides:
        del data["urgent"]
    return services.save_draft(acting_for(user), data, now=timezone.now())


def step_url(referral, slug):
    return reverse("referral-step", args=[referral.pk, slug])


def error_summary(html):
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def school_client(client, referrer):
    client.force_login(referrer)
    return client


# --- Model and service ------------------------------------------------------------------------------


def test_a_new_draft_has_not_answered_the_urgency_question(referrer):
    assert draft(referrer).urgent is None


def test_submitting_an_unanswered_urgency_is_refused_with_a_field_error(referrer):
    referral = draft(referrer)
    with pytest.raises(ValidationError) as error:
        services.submit_referral(acting_for(referrer), referral, now=timezone.now())
    assert error.value.message_dict == {"urgent": [URGENT_MESSAGE]}
    referral.refresh_from_db()
    assert (referral.status, referral.reference, referral.urgent) == (Status.DRAFT, None, None)


@pytest.mark.parametrize("urgent", [False, True])
def test_an_answered_urgency_is_submitted_as_given(referrer, urgent):
    referral = draft(referrer, urgent=urgent, urgency_reason="Threats made this morning." if urgent else "")
    referral = services.submit_referral(acting_for(referrer), referral, now=timezone.now())
    assert (referral.status, referral.urgent) == (Status.SUBMITTED, urgent)


def test_the_database_refuses_a_submitted_referral_without_an_urgency_answer(referrer):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(created_by=referrer, urgent=None)


def test_saving_a_page_without_the_answer_keeps_an_earlier_answer(referrer):
    referral = draft(referrer, urgent=True, urgency_reason="Threats made this morning.")
    services.save_draft(acting_for(referrer), {"urgent": None}, referral=referral, now=timezone.now())
    referral.refresh_from_db()
    assert referral.urgent is True


def test_the_migration_makes_drafts_that_said_no_unanswered_and_leaves_the_rest(referrer):
    """A draft holding the old default False cannot be known to have answered; True and submitted ones were answered."""
    unknown = draft(referrer, urgent=False)
    said_yes = draft(referrer, urgent=True, urgency_reason="Threats.")
    sent = ReferralFactory(created_by=referrer, urgent=False)
    migration = importlib.import_module("referrals.migrations.0005_urgent_unanswered")
    migration.unknown_drafts_unanswered(apps, None)
    assert [Referral.objects.get(pk=r.pk).urgent for r in (unknown, said_yes, sent)] == [None, True, False]


# --- API --------------------------------------------------------------------------------------------


@pytest.fixture
def api(referrer):
    client = APIClient()
    client.force_authenticate(referrer)
    return client


def _payload(**overrides):
    data = referral_data(**overrides)
    data["date_of_birth"] = data["date_of_birth"].isoformat()
    return data


def test_the_api_leaves_a_missing_urgency_unanswered(api):
    body = _payload()
    del body["urgent"]
    response = api.post(reverse("api-referral-list"), body, format="json")
    assert response.status_code == 201 and response.json()["urgent"] is None
    assert Referral.objects.get().urgent is None


def test_a_form_encoded_api_draft_does_not_read_a_missing_urgency_as_no(api):
    body = _payload()
    del body["urgent"]
    response = api.post(reverse("api-referral-list"), body)  # multipart: a missing boolean is usually False
    assert response.status_code == 201, response.content
    assert Referral.objects.get().urgent is None


def test_the_api_refuses_to_submit_without_an_urgency_answer_and_keeps_nothing(api):
    body = _payload(submit=True)
    del body["urgent"]
    response = api.post(reverse("api-referral-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"urgent": [URGENT_MESSAGE]}
    assert not Referral.objects.exists()


def test_the_api_submit_action_refuses_an_unanswered_draft(api, referrer):
    referral = draft(referrer)
    response = api.post(reverse("api-referral-submit", args=[referral.pk]), format="json")
    assert response.status_code == 400 and response.json() == {"urgent": [URGENT_MESSAGE]}


def test_the_api_takes_an_explicit_no(api):
    response = api.post(reverse("api-referral-list"), _payload(urgent=False, submit=True), format="json")
    assert response.status_code == 201 and response.json()["urgent"] is False


# --- Pages ------------------------------------------------------------------------------------------


def test_saving_the_urgency_page_unanswered_leaves_no_radio_chosen(school_client, referrer):
    referral = draft(referrer)
    response = school_client.post(step_url(referral, "urgency"), {"urgency_reason": "", "save_later": ""})
    assert response["Location"] == reverse("my-referrals")
    referral.refresh_from_db()
    assert referral.urgent is None
    page = school_client.get(step_url(referral, "urgency")).content.decode()
    radios = re.findall(r'<input[^>]*name="urgent"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in radio for radio in radios)


@pytest.mark.parametrize("urgent,chosen", [(True, "yes"), (False, "no")])
def test_an_answered_urgency_shows_its_radio_chosen(school_client, referrer, urgent, chosen):
    referral = draft(referrer, urgent=urgent, urgency_reason="Threats." if urgent else "")
    page = school_client.get(step_url(referral, "urgency")).content.decode()
    checked = [r for r in re.findall(r'<input[^>]*name="urgent"[^>]*>', page) if "checked" in r]
    assert len(checked) == 1 and f'value="{chosen}"' in checked[0]


def test_check_your_answers_says_not_answered_and_send_is_refused_with_a_link_to_the_question(school_client, referrer):
    referral = draft(referrer)
    check = reverse("referral-check", args=[referral.pk])
    html = school_client.get(check).content.decode()
    section = re.search(r'data-testid="section-urgency">.*?</dl>', html, re.S).group(0)
    assert "Not answered" in section and ">No<" not in section
    link = f'href="{step_url(referral, "urgency")}?next=check#id_urgent_0"'
    assert link in section  # the Change link

    response = school_client.post(check)
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert URGENT_MESSAGE in summary and link in summary
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT

    # The link lands on the question itself.
    question = school_client.get(step_url(referral, "urgency") + "?next=check").content.decode()
    assert 'id="id_urgent_0"' in question and 'name="urgent"' in question


def test_a_draft_missing_only_the_urgency_answer_continues_to_check_your_answers(school_client, referrer):
    referral = draft(referrer)
    mine = school_client.get(reverse("my-referrals")).content.decode()
    assert f'href="{reverse("referral-check", args=[referral.pk])}"' in mine
