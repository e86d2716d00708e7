"""Reading documents and notes, through the access policy: a list per record (one query each), one to download."""

from django.db.models import Count, Q, Sum

from core import clock
from partners import access

from .models import PARENT_FIELD, Document, Note, Scan


def documents_on(acting, parent):
    """The documents on a record this person may see, latest versions only, each with its earlier versions
    (`earlier`, newest first), in the order they were first added. Two queries whatever the number."""
    field = _field(parent)
    documents = list(access.visible(acting, Document.objects.filter(**{field: parent}))
                     .select_related("added_by", "organisation").order_by("added_at", "id"))
    by_id = {d.pk: d for d in documents}
    replaced = {d.replaces_id for d in documents}
    latest = [d for d in documents if d.pk not in replaced]
    for document in latest:
        chain, older = [], by_id.get(document.replaces_id)
        while older is not None:
            chain.append(older)
            older = by_id.get(older.replaces_id)
        document.earlier = chain
    return sorted(latest, key=lambda d: (_first(d).added_at, _first(d).pk))


def _first(document):
    return document.earlier[-1] if document.earlier else document


def document_for_download(acting, pk):
    """One document this person may see (404 otherwise, as if it did not exist)."""
    return access.get_visible_or_404(acting, Document.objects.select_related(
        "referral", "intervention", "case", "membership"), pk=pk)


def notes_on(acting, parent):
    """The notes on a record this person may read, oldest first, each original with its amendments (`amended`).

    One query, notes or none: an amendment is read by whoever reads its original (it keeps the original's
    sharing, and only the writer's organisation amends), so both come in the same rows and are paired here.
    """
    rows = list(access.visible(acting, Note.objects.filter(**{_field(parent): parent}))
                .select_related("written_by", "organisation", "session").order_by("written_at", "id"))
    originals = [note for note in rows if note.amends_id is None]
    by_pk = {note.pk: note for note in originals}
    for note in originals:
        note.amended = []
    for note in rows:
        if note.amends_id in by_pk:
            by_pk[note.amends_id].amended.append(note)
    return originals


def note_with_amendments(note):
    """One original note with its amendments, as notes_on gives them (the caller has already been let see it)."""
    note.amended = list(note.amendments.select_related("written_by", "organisation").order_by("written_at", "id"))
    return note


def _field(parent):
    return PARENT_FIELD[parent._meta.label_lower]


def young_person_entries(acting, ids):
    """The notes and documents this person may see on any record of these young people (one and those merged into
    them), as entries of the young person's chronology (outcomes.selectors.young_person_timeline's shape)."""
    of_person = (Q(referral__young_person_id__in=ids) | Q(intervention__young_person_id__in=ids)
                 | Q(case__young_person_id__in=ids))
    entries = []
    notes = access.visible(acting, Note.objects.filter(of_person)).select_related("written_by", "organisation")
    for note in notes.order_by("written_at", "id"):
        by = f"{note.written_by.full_name}, {note.organisation.name}"
        title = f"Note amended by {by}: {note.reason}" if note.amends_id else f"Note by {by}"
        entries.append({"on": clock.today(note.written_at), "kind": "note", "obj": note, "title": title,
                        "detail": note.text})
    documents = access.visible(acting, Document.objects.filter(of_person | Q(membership__young_person_id__in=ids)))
    for document in documents.select_related("organisation").order_by("added_at", "id"):
        verb = "New version of" if document.replaces_id else "Document added:"
        entries.append({"on": clock.today(document.added_at), "kind": "document", "obj": document,
                        "title": f"{verb} {document.title} ({document.get_kind_display().lower()}, "
                                 f"{document.organisation.name})", "detail": ""})
    return entries


def storage_used() -> dict:
    """What the documents storage holds, from the sizes recorded at upload (refused files are deleted): one query."""
    kept = Document.objects.exclude(scan=Scan.REFUSED).aggregate(
        files=Count("pk"), size=Sum("size"), held=Count("pk", filter=Q(scan=Scan.HELD)))
    return {"files": kept["files"], "bytes": kept["size"] or 0, "held": kept["held"]}
