"""Case notes: append-only, amended beside the original, read by whom the writer chose, in the chronology."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import Note
from partners.access import NotAllowed, acting_for
from tests.referrals.test_hand_back_visibility import allocated_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(referrer, triager, caseworker, yos):
    return allocated_to(yos, referrer, triager)[0]


def note(user, record, text, shared):
    return services.add_note(acting_for(user), record, text=text, shared=shared, now=timezone.now())


def test_an_amendment_keeps_the_original_as_written(referral, triager, client):
    original = note(triager, referral, "Spoke to the head of year on Monday.", shared=True)
    services.amend_note(acting_for(triager), original, text="Spoke to the head of year on Tuesday.",
                        reason="The day was wrong.", now=timezone.now())
    original.refresh_from_db()
    assert original.text == "Spoke to the head of year on Monday."
    client.force_login(triager)
    page = client.get(reverse("triage-referral", args=[referral.pk])).content.decode()
    assert "on Monday." in page and "on Tuesday." in page and "The day was wrong." in page


def test_a_note_cannot_be_rewritten_or_deleted_in_the_database(referral, triager):
    written = note(triager, referral, "As written.", shared=False)
    for change in (lambda: Note.objects.filter(pk=written.pk).update(text="Rewritten."),
                   lambda: Note.objects.filter(pk=written.pk).delete()):
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
            change()
    assert Note.objects.get(pk=written.pk).text == "As written."


def test_who_reads_a_note_on_a_referral(referral, referrer, triager, caseworker, client):
    note(triager, referral, "VRU only: checked the earlier contact.", shared=False)
    note(triager, referral, "Shared: allocated for mentoring.", shared=True)
    note(caseworker, referral, "YOS only: capacity is tight this month.", shared=False)
    seen = {}
    for user, page in ((referrer, "referral-detail"), (caseworker, "referral-detail"), (triager, "triage-referral")):
        client.force_login(user)
        body = client.get(reverse(page, args=[referral.pk])).content.decode()
        seen[user.email] = {text for text in ("VRU only", "Shared:", "YOS only") if text in body}
    assert seen[referrer.email] == {"Shared:"}
    assert seen[caseworker.email] == {"Shared:", "YOS only"}
    assert seen[triager.email] == {"VRU only", "Shared:", "YOS only"}


def test_only_the_writers_organisation_amends_and_a_reason_is_required(referral, triager, caseworker):
    written = note(triager, referral, "Shared: allocated for mentoring.", shared=True)
    with pytest.raises(NotAllowed):
        services.amend_note(acting_for(caseworker), written, text="Changed.", reason="Mine now.", now=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.amend_note(acting_for(triager), written, text="Changed.", reason=" ", now=timezone.now())
    assert error.value.message_dict == {"reason": ["Enter why the note is being amended"]}
    assert Note.objects.count() == 1


def test_an_unanswered_sharing_question_stays_unanswered(referral, triager, client):
    client.force_login(triager)
    response = client.post(reverse("note-add", args=["referrals", referral.pk]), {"text": "Checked."})
    assert "Select who can read this note" in response.content.decode()
    assert Note.objects.count() == 0


def test_notes_and_documents_are_in_the_young_persons_chronology_for_those_who_may_read_them(
        referral, referrer, triager, client, clamd):
    note(triager, referral, "VRU only: checked the earlier contact.", shared=False)
    services.add_document(acting_for(referrer), referral, uploaded=SimpleUploadedFile("c.txt", b"A chronology."),
                          title="Chronology", kind="chronology", now=timezone.now())
    client.force_login(triager)
    page = client.get(reverse("young-person", args=[referral.young_person_id])).content.decode()
    assert "VRU only: checked the earlier contact." in page
    assert "Document added: Chronology (chronology, Test School A)" in page
    client.force_login(referrer)
    page = client.get(reverse("young-person", args=[referral.young_person_id])).content.decode()
    assert "VRU only" not in page and "Document added: Chronology" in page


def test_the_young_persons_page_and_the_referral_page_take_as_many_queries_with_many_notes(referral, triager, client):
    client.force_login(triager)
    pages = [reverse("young-person", args=[referral.young_person_id]), reverse("triage-referral", args=[referral.pk])]

    def queries():
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    queries()  # warm
    one = (note(triager, referral, "First.", shared=True), queries())[1]
    for n in range(5):
        services.amend_note(acting_for(triager), note(triager, referral, f"Note {n}.", shared=True), text="Amended.",
                            reason="Typo.", now=timezone.now())
    assert queries() == one


def test_a_caseworker_adds_a_note_on_one_session_from_the_intervention_page(caseworker, decision_maker, yos, police,
                                                                            client):
    from outcomes import services as outcome_services
    from tests.outcomes.factories import make_case

    intervention = make_case(lead=yos, police=police, decision_maker=decision_maker).interventions.get()
    session = outcome_services.record_session(acting_for(caseworker), intervention, held_on=intervention.started_on,
                                              attendance="attended", now=timezone.now())
    client.force_login(caseworker)
    page = client.get(reverse("intervention-detail", args=[intervention.pk])).content.decode()
    link = f"{reverse('note-add', args=['interventions', intervention.pk])}?session={session.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert f"Add a note on the session of {session.held_on:%-d %B %Y}" in form
    response = client.post(link, {"text": "Engaged well; talked about the football trial.", "shared": "yes",
                                  "session": session.pk})
    assert response.status_code == 302
    written = Note.objects.get()
    assert (written.intervention, written.session) == (intervention, session)
    page = client.get(reverse("intervention-detail", args=[intervention.pk])).content.decode()
    assert f"Note on the session of {session.held_on:%-d %B %Y}" in page


def test_notes_are_in_the_referrals_timeline_in_time_order_newest_first_for_the_referrer(referral, referrer, triager,
                                                                                         client):
    from datetime import timedelta

    later = timezone.now() + timedelta(minutes=5)
    services.add_note(acting_for(triager), referral, text="Shared: allocated for mentoring.", shared=True, now=later)
    client.force_login(triager)
    page = client.get(reverse("triage-referral", args=[referral.pk])).content.decode()
    timeline = page[page.index(">Timeline</h2>"):]
    assert timeline.index("Submitted") < timeline.index("Claimed") < timeline.index("Shared: allocated")  # oldest first
    client.force_login(referrer)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    timeline = page[page.index('data-testid="timeline"'):]
    assert timeline.index("Shared: allocated") < timeline.index("Submitted")  # the referrer's page: newest first
    assert "Notes show in the timeline" in page


def test_the_printed_referral_and_young_person_carry_the_notes_the_reader_may_read(referral, referrer, triager,
                                                                                   client):
    note(triager, referral, "VRU only: spoke to the school nurse.", shared=False)
    note(triager, referral, "Shared: the family agreed to a visit.", shared=True)
    client.force_login(triager)
    for name, pk in (("referral-print", referral.pk), ("young-person-print", referral.young_person_id)):
        page = client.get(reverse(name, args=[pk])).content.decode()
        assert "VRU only: spoke to the school nurse." in page and "the family agreed to a visit" in page, name
    client.force_login(referrer)
    page = client.get(reverse("referral-print", args=[referral.pk])).content.decode()
    assert "the family agreed to a visit" in page and "school nurse" not in page
