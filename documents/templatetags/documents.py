"""The documents and notes panels on a record's page, for any app's template: {% load documents %}
{% documents_panel record %} and {% notes_panel record %}. The pages below this app need not import it: the
panel asks the access policy for the person viewing (two queries for documents, two for notes)."""

from django import template

from partners import access

from .. import selectors
from ..models import PARENT_FIELD
from ..views import NOTES_ON, ON

register = template.Library()
URL_PART = {model._meta.label_lower: part for part, model in ON.items()}


def _acting(context):
    return access.as_acting(context["request"])


@register.inclusion_tag("documents/_documents.html", takes_context=True)
def documents_panel(context, record, heading_level=2):
    acting = _acting(context)
    return {"documents": selectors.documents_on(acting, record), "heading_level": heading_level,
            "on": URL_PART[record._meta.label_lower], "record": record,
            "may_add": access.may(acting, "documents.add", record),
            "on_referral": PARENT_FIELD[record._meta.label_lower] == "referral"}


def _notes(acting, record):
    """The notes this person reads on the record, each marked whether they may amend it; and whether they may add."""
    part = URL_PART[record._meta.label_lower]
    notes = list(selectors.notes_on(acting, record)) if part in NOTES_ON else []
    may_add = part in NOTES_ON and access.may(acting, "documents.add", record)
    for note in notes:
        note.may_amend = may_add and note.organisation_id == acting.organisation.pk
    return notes, may_add


@register.inclusion_tag("documents/_notes.html", takes_context=True)
def notes_panel(context, record, heading_level=2, in_timeline=False):
    """The notes and *Add a note*; on a page whose timeline shows the notes (in_timeline), the button only."""
    acting = _acting(context)
    part = URL_PART[record._meta.label_lower]
    if in_timeline:
        notes, may_add = [], part in NOTES_ON and access.may(acting, "documents.add", record)
    else:
        notes, may_add = _notes(acting, record)
    return {"notes": notes, "heading_level": heading_level, "on": part, "record": record, "may_add": may_add,
            "in_timeline": in_timeline}


@register.simple_tag(takes_context=True)
def timeline_with_notes(context, events, record, order="oldest"):
    """A record's timeline with the notes on it that this person may read, in time order ("oldest" or "newest"
    first, as the page shows its timeline): [{"event": ...} or {"note": ...}]."""
    notes = _notes(_acting(context), record)[0] if record is not None else []
    entries = [(e.at, 0, e.pk, {"event": e}) for e in events] + [(n.written_at, 1, n.pk, {"note": n}) for n in notes]
    entries.sort(key=lambda entry: entry[:3], reverse=order == "newest")
    return [entry[3] for entry in entries]
