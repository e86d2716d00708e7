"""The case notes API: what the pages let a person write, read and amend, for a partner system with a token."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from documents.models import Note
from partners import token_services
from partners.access import acting_for
from tests.referrals.test_api import token_client
from tests.referrals.test_hand_back_visibility import allocated_to

pytestmark = pytest.mark.django_db
KEY = "6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
NOTES = reverse("api-note-list")


@pytest.fixture
def referral(referrer, triager, caseworker, yos):
    return allocated_to(yos, referrer, triager)[0]


def write(api, **body):
    return api.post(NOTES, body, format="json", **({"HTTP_IDEMPOTENCY_KEY": KEY} if body.pop("keyed", False) else {}))


def test_a_partner_writes_a_note_and_the_referrer_reads_it_only_when_shared(referral, caseworker, referrer):
    api = token_client(caseworker)
    kept = write(api, referral=referral.pk, text="Met at the youth centre.", shared=False)
    shared = write(api, referral=referral.pk, text="Will start sessions next week.", shared=True)
    assert (kept.status_code, shared.status_code) == (201, 201), kept.json()
    assert kept.json()["written_by"] == caseworker.full_name and kept.json()["amendments"] == []
    mine = api.get(NOTES, {"referral": referral.pk}).json()
    assert [n["text"] for n in mine] == ["Met at the youth centre.", "Will start sessions next week."]
    theirs = token_client(referrer).get(NOTES, {"referral": referral.pk}).json()
    assert [n["text"] for n in theirs] == ["Will start sessions next week."]


def test_an_amendment_through_the_api_keeps_the_original_beside_it(referral, caseworker, triager):
    api = token_client(caseworker)
    original = write(api, referral=referral.pk, text="Met on Tuesday.", shared=True).json()
    amend = reverse("api-note-amend", args=[original["id"]])
    assert api.post(amend, {"text": "Met on Wednesday."}, format="json").json() == {
        "reason": ["This field is required."]}
    amended = api.post(amend, {"text": "Met on Wednesday.", "reason": "Wrong day."}, format="json")
    assert amended.status_code == 201
    body = amended.json()
    assert body["text"] == "Met on Tuesday."
    assert [(a["text"], a["reason"]) for a in body["amendments"]] == [("Met on Wednesday.", "Wrong day.")]
    assert Note.objects.get(pk=original["id"]).text == "Met on Tuesday."
    # Only the organisation that wrote it amends it: the VRU reads it, and is told why it may not.
    refused = token_client(triager).post(amend, {"text": "x", "reason": "y"}, format="json")
    assert refused.status_code == 403 and "Only the organisation that wrote a note" in refused.json()["detail"]
    # An amendment is not amended again, and it is not listed as a note of its own.
    again = api.post(reverse("api-note-amend", args=[body["amendments"][0]["id"]]), {"text": "x", "reason": "y"},
                     format="json")
    assert again.status_code == 404
    assert [n["id"] for n in api.get(NOTES, {"referral": referral.pk}).json()] == [original["id"]]


def test_an_unanswered_sharing_question_is_refused_not_taken_as_no(referral, caseworker):
    api = token_client(caseworker)
    for body in ({"text": "Spoke to mum."}, {"text": "Spoke to mum.", "shared": None}):
        response = write(api, referral=referral.pk, **body)
        assert response.status_code == 400 and "shared" in response.json()
    blank = write(api, referral=referral.pk, text="   ", shared=True)
    assert blank.status_code == 400 and "text" in blank.json()
    assert write(api, text="No record", shared=True).json() == {
        "referral": ["Give exactly one of referral, intervention or case"]}
    assert Note.objects.count() == 0


def test_another_organisation_gets_404_and_writes_nothing(referral, caseworker, other_referrer):
    made = write(token_client(caseworker), referral=referral.pk, text="Seen.", shared=True).json()
    other = token_client(other_referrer)
    assert other.get(NOTES, {"referral": referral.pk}).status_code == 404
    assert write(other, referral=referral.pk, text="Mine now", shared=True).status_code == 404
    assert other.post(reverse("api-note-amend", args=[made["id"]]), {"text": "x", "reason": "y"},
                      format="json").status_code == 404
    assert Note.objects.count() == 1


def test_a_note_on_a_session_names_it_and_a_session_of_another_intervention_is_refused(caseworker, decision_maker,
                                                                                      yos, police):
    from outcomes import services as outcome_services
    from tests.outcomes.factories import make_case

    first, second = (make_case(lead=yos, police=police, decision_maker=decision_maker).interventions.get()
                     for _ in range(2))
    session = outcome_services.record_session(acting_for(caseworker), first, held_on=first.started_on,
                                              attendance="attended", now=timezone.now())
    api = token_client(caseworker)
    made = write(api, intervention=first.pk, session=session.pk, text="Talked about college.", shared=True)
    assert made.status_code == 201 and made.json()["session"] == session.pk
    wrong = write(api, intervention=second.pk, session=session.pk, text="Elsewhere.", shared=True)
    assert wrong.status_code == 400 and wrong.json() == {"session": ["Select a session of this intervention"]}
    assert write(api, intervention=first.pk, session=2**31 - 1, text="x", shared=True).json() == {
        "session": ["Select a session of this intervention"]}


def test_a_repeated_write_with_its_key_makes_one_note(referral, caseworker):
    api = token_client(caseworker)
    first = write(api, referral=referral.pk, text="Once.", shared=True, keyed=True)
    again = write(api, referral=referral.pk, text="Once.", shared=True, keyed=True)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert Note.objects.count() == 1


def test_a_read_only_token_reads_notes_but_writes_none(referral, caseworker):
    _, secret = token_services.create_token(acting_for(caseworker), "Reader", read_only=True)
    read_only = APIClient()
    read_only.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert read_only.get(NOTES, {"referral": referral.pk}).status_code == 200
    assert write(read_only, referral=referral.pk, text="x", shared=True).status_code == 403
