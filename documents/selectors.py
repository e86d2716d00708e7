"""Reading documents and notes, through the access policy: a list per record (one query each), one to download."""

from django.db.models import Prefetch

from partners import access

from .models import PARENT_FIELD, Document, Note, Scan


def documents_on(acting, parent):
    """The documents on a record this person may see, latest versions only, each with its earlier versions
    (`earlier`, newest first), in the order they were first added. Two queries whatever the number."""
    field = _field(parent)
    documents = list(access.visible(acting, Document.objects.filter(**{field: parent}))
                     .select_related("added_by", "organisation").order_by("added_at", "id"))
    by_id = {d.pk: d for d in documents}
    latest = [d for d in documents if not any(o.replaces_id == d.pk for o in documents)]
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
    """The notes on a record this person may read, oldest first, each original with its amendments."""
    field = _field(parent)
    notes = access.visible(acting, Note.objects.filter(**{field: parent}, amends__isnull=True))
    amendments = Note.objects.select_related("written_by", "organisation").order_by("written_at", "id")
    return (notes.select_related("written_by", "organisation", "session")
            .prefetch_related(Prefetch("amendments", queryset=amendments, to_attr="amended"))
            .order_by("written_at", "id"))


def held_count():
    return Document.objects.filter(scan=Scan.HELD).count()


def _field(parent):
    return PARENT_FIELD[parent._meta.label_lower]
