"""Retention takes a young person's documents (rows and files) and the words of their case notes with the rest."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Document, Note
from partners.access import acting_for
from referrals import retention
from referrals.retention_rules import REMOVED
from tests.documents.test_uploads import stored_files
from tests.referrals.test_retention import at, closed_person, robin

pytestmark = pytest.mark.django_db


def test_retention_deletes_the_documents_and_blanks_the_notes_of_a_young_person_past_the_rule(
        referrer, triager, caseworker, decision_maker, yos, police, django_capture_on_commit_callbacks):
    person, referral, case = robin(referrer, triager, caseworker, decision_maker, yos, police)
    younger = closed_person(referrer, born=date(2008, 1, 9), closed_on=date(2024, 6, 1))
    when = at(date(2025, 3, 5))
    for record, user in ((referral, referrer), (younger.referrals.get(), referrer)):
        first = services.add_document(acting_for(user), record, uploaded=SimpleUploadedFile("c.txt", b"Robin's week."),
                                      title="Chronology for Robin", kind="chronology", now=when)
        services.replace_document(acting_for(user), first, uploaded=SimpleUploadedFile("c2.txt", b"Robin, again."),
                                  now=when)
    note = services.add_note(acting_for(triager), referral, text="Robin's aunt called.", shared=False, now=when)
    services.amend_note(acting_for(triager), note, text="Robin's uncle called.", reason="Robin's family: wrong person.",
                        now=when)
    services.add_note(acting_for(caseworker), case, text="Robin missed the session.", shared=True, now=when)
    assert len(stored_files()) == 4

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.apply_retention(at(date(2031, 6, 1), 2))

    assert (counts["deleted_document"], counts["deleted_document_file"], counts["blanked_note"]) == (2, 2, 3)
    assert not Document.objects.filter(referral=referral).exists()
    assert Document.objects.filter(referral__young_person=younger).count() == 2  # not due: untouched
    assert len(stored_files()) == 2
    assert set(Note.objects.values_list("text", "reason")) == {(REMOVED, ""), (REMOVED, REMOVED)}
    assert Note.objects.count() == 3  # who wrote a note, and when, stays on the record
