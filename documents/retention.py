"""Retention for documents and case notes (see referrals/retention.py for the rule and the job).

With a young person's records anonymised, their documents go: the files are deleted from storage once the batch
commits, and the rows with them (what the file was called and by whom is personal too). Case notes are
append-only: their words become the REMOVED note through retention_blank, and the rows stay, so a record's
history still shows that a note was written, when and by whom. Notes and documents are not activity of their own:
the rule counts from the records they are on."""

from django.db import transaction
from django.db.models import Q

from referrals import retention as core

from .models import Document, Note


def _of_people(people):
    return (Q(referral__young_person_id__in=people) | Q(intervention__young_person_id__in=people)
            | Q(case__young_person_id__in=people))


def _anonymise(batch: core.Batch) -> dict[str, int]:
    documents = Document.objects.filter(_of_people(batch.people) | Q(membership__young_person_id__in=batch.people))
    names = [name for name in documents.values_list("file", flat=True) if name]
    storage = Document.file.field.storage
    deleted = documents.delete()[1].get(Document._meta.label, 0)
    # After the commit: a batch rolled back keeps its rows, so it must keep their files too.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    notes = Note.objects.filter(_of_people(batch.people)).filter(core.has_text("text", "reason"))
    return {"deleted_document": deleted, "deleted_document_file": len(names),
            "blanked_note": core.blank_append_only(notes, "text", "reason")}


core.register(core.Handler(name="documents", anonymise=_anonymise))
